"""How far small, known degradations of real images move FID on a domain feature network: what
a multiple of the real-vs-real reference means in pixels.

    python benchmarks/feature_sensitivity.py --dataset=fashion_mnist --data_dir=../shared/data/fashion_mnist

Prints FID of 10k real training images (as is, with Gaussian noise, blurred, down- and
up-sampled) against the real test split (the table in BUILD_NOTES.md).
"""

import numpy as np
import tensorflow as tf
from absl import app, flags

from keras_gans.metrics import classifier, feature_nets
from keras_gans.metrics.fid import frechet_distance

_DATASET = flags.DEFINE_string("dataset", "fashion_mnist", "A dataset with a shipped domain classifier.")
_DATA_DIR = flags.DEFINE_string("data_dir", None, "Its IDX folder or TFDS data_dir.")
_NUM = flags.DEFINE_integer("num_samples", 10000, "Real training images to degrade.")


def binomial_blur(images):
    kernel = np.outer([1, 2, 1], [1, 2, 1]).astype("float32") / 16
    return tf.nn.conv2d(images, np.tile(kernel[:, :, None, None], (1, 1, images.shape[-1], 1)), 1, "SAME").numpy()


def main(argv):
    del argv
    network = feature_nets.domain(_DATASET.value)[0]
    test, _, _ = classifier.load_split(_DATASET.value, _DATA_DIR.value, "test")
    train, _, _ = classifier.load_split(_DATASET.value, _DATA_DIR.value, "train")
    test_features = network.embed(test)[0]
    real = train[np.random.default_rng(0).choice(len(train), _NUM.value, replace=False)]
    noise = np.random.default_rng(1).standard_normal(real.shape).astype("float32")
    size = real.shape[1]
    degraded = {"none (real vs real)": real}
    for std in (0.02, 0.05, 0.1):
        degraded[f"Gaussian noise, std {std} of [-1, 1]"] = np.clip(real + std * noise, -1, 1)
    blurred = binomial_blur(real)
    degraded["3x3 binomial blur"] = blurred
    degraded["half-strength blur"] = 0.5 * real + 0.5 * blurred
    half = tf.image.resize(real, (size // 2, size // 2), antialias=True)
    degraded[f"down to {size // 2}x{size // 2} and up"] = tf.image.resize(half, (size, size), "bilinear").numpy()
    print("| degradation | FID |\n|---|---|")
    for name, images in degraded.items():
        print(f"| {name} | {frechet_distance(test_features, network.embed(images)[0]):.2f} |")


if __name__ == "__main__":
    app.run(main)
