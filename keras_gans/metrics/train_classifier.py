"""Train and ship a domain classifier (see `keras_gans.metrics.classifier`):

    python -m keras_gans.metrics.train_classifier --dataset=fashion_mnist --data_dir=../shared/data/fashion_mnist

writes ``<out_dir>/<dataset>_classifier.keras`` and ``.json`` (test accuracy, recipe).
"""

import json
import os
import sys
import time

from absl import app, flags

from keras_gans import files
from keras_gans.metrics import classifier


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_string("dataset", "fashion_mnist", "Dataset whose classifier to train.")
    flags.DEFINE_string("data_dir", None, "Its IDX folder or TFDS data_dir.")
    flags.DEFINE_string("out_dir", classifier.WEIGHTS_DIR, "Where to write <dataset>_classifier.keras and .json.")
    help_texts = {
        "steps": "Optimizer steps (rounded to whole epochs).",
        "batch_size": "Images per step.",
        "learning_rate": "Adam's learning rate.",
        "seed": "Seed of the weights, the shuffling and the augmentation.",
        "max_noise_std": "Largest std of the Gaussian noise added to training images (0: none).",
        "max_blur": "Largest strength of the 3x3 blur blended into training images (0: none).",
    }
    for name, default in classifier.RECIPE.items():  # every recipe entry, its default declared once
        if isinstance(default, float):
            flags.DEFINE_float(name, default, help_texts[name], lower_bound=0.0)
        else:
            flags.DEFINE_integer(name, default, help_texts[name], lower_bound=0 if name == "seed" else 1)


def main(argv):
    del argv
    f = flags.FLAGS
    start = time.perf_counter()
    train_images, train_labels, class_names = classifier.load_split(f.dataset, f.data_dir, "train")
    test_images, test_labels, _ = classifier.load_split(f.dataset, f.data_dir, "test")
    recipe = {name: f[name].value for name in classifier.RECIPE}
    model = classifier.train_classifier(train_images, train_labels, len(class_names), verbose=2, **recipe)
    test_accuracy = classifier.accuracy(model, test_images, test_labels)
    os.makedirs(f.out_dir, exist_ok=True)
    path = os.path.join(f.out_dir, f"{f.dataset}_classifier.keras")
    with files.atomic_write(path) as temporary:
        model.save(temporary)
    metadata = {
        "dataset": f.dataset,
        "class_names": list(class_names),
        "test_accuracy": test_accuracy,
        "train_examples": int(len(train_labels)),
        "test_examples": int(len(test_labels)),
        "recipe": recipe,
        "features_layer": classifier.FEATURES_LAYER,
        "train_seconds": round(time.perf_counter() - start, 1),
    }
    with files.atomic_write(path[: -len(".keras")] + ".json") as temporary, open(temporary, "w") as out:
        json.dump(metadata, out, indent=2)
    print(f"{f.dataset}: test accuracy {test_accuracy:.4f}; wrote {path}")
    return 0


if __name__ == "__main__":
    define_flags()
    sys.exit(app.run(main))
