"""How far small, known degradations of real images move FID on domain feature networks: what a
multiple of the real-vs-real reference means in pixels.

    python benchmarks/feature_sensitivity.py --dataset=fashion_mnist --data_dir=../shared/data/fashion_mnist \
        --classifier_dirs=runs/classifiers_before,keras_gans/metrics/weights

Prints, for each classifier folder (a ``<dataset>_classifier.keras`` + ``.json`` as
`keras_gans.metrics.train_classifier` writes them; default: the shipped one), FID of 10k real
training images (as is, with Gaussian noise, blurred, down- and up-sampled) against the real test
split, and that FID as a multiple of the undegraded one (the table in BUILD_NOTES.md).
"""

import numpy as np
import tensorflow as tf
from absl import app, flags

from keras_gans.metrics import classifier, feature_nets
from keras_gans.metrics.fid import frechet_distance

_DATASET = flags.DEFINE_string("dataset", "fashion_mnist", "A dataset with a shipped domain classifier.")
_DATA_DIR = flags.DEFINE_string("data_dir", None, "Its IDX folder or TFDS data_dir.")
_CLASSIFIER_DIRS = flags.DEFINE_list("classifier_dirs", [classifier.WEIGHTS_DIR],
                                     "Folders holding <dataset>_classifier.keras, compared side by side.")
_NUM = flags.DEFINE_integer("num_samples", 10000, "Real training images to degrade.")


def degradations(real):
    """{name: degraded copy of ``real``}, the undegraded first."""
    noise = np.random.default_rng(1).standard_normal(real.shape).astype("float32")
    size = real.shape[1]
    degraded = {"none (real vs real)": real}
    for std in (0.02, 0.05, 0.1):
        degraded[f"Gaussian noise, std {std} of [-1, 1]"] = np.clip(real + std * noise, -1, 1)
    blurred = np.asarray(classifier.binomial_blur(tf.convert_to_tensor(real)))
    degraded["3x3 binomial blur"] = blurred
    degraded["half-strength blur"] = 0.5 * real + 0.5 * blurred
    half = tf.image.resize(real, (size // 2, size // 2), antialias=True)
    degraded[f"down to {size // 2}x{size // 2} and up"] = tf.image.resize(half, (size, size), "bilinear").numpy()
    return degraded


def main(argv):
    del argv
    test, test_labels, _ = classifier.load_split(_DATASET.value, _DATA_DIR.value, "test")
    train, _, _ = classifier.load_split(_DATASET.value, _DATA_DIR.value, "train")
    degraded = degradations(train[np.random.default_rng(0).choice(len(train), _NUM.value, replace=False)])
    columns = {}
    for folder in _CLASSIFIER_DIRS.value:
        network, metadata = feature_nets.domain(_DATASET.value, folder)
        test_features, test_logits = network.embed(test)
        accuracy = float(np.mean(np.argmax(test_logits, axis=1) == test_labels))
        fids = [frechet_distance(test_features, network.embed(images)[0]) for images in degraded.values()]
        recipe = metadata.get("recipe", {})
        columns[f"{folder} (noise {recipe.get('max_noise_std', 0)}, blur {recipe.get('max_blur', 0)}; "
                f"test accuracy {accuracy:.4f})"] = fids
    print("| degradation | " + " | ".join(f"FID, x real-vs-real: {name}" for name in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for row, name in enumerate(degraded):
        cells = [f"{fids[row]:.2f} ({fids[row] / fids[0]:.1f}x)" for fids in columns.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    app.run(main)
