"""Train and ship a domain classifier (see `keras_gans.metrics.classifier`):

    python -m keras_gans.metrics.train_classifier --dataset=fashion_mnist --data_dir=../shared/data/fashion_mnist

writes ``<out_dir>/<dataset>_classifier.keras`` and ``.json`` (test accuracy, recipe).
"""

import sys
import time

from absl import app, flags

from keras_gans.errors import KerasGansError
from keras_gans.metrics import classifier


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_string("dataset", "fashion_mnist", "Dataset whose classifier to train.")
    flags.DEFINE_string("data_dir", None, "Its IDX folder or TFDS data_dir.")
    flags.DEFINE_string("out_dir", classifier.WEIGHTS_DIR, "Where to write <dataset>_classifier.keras and .json.")
    flags.DEFINE_integer("image_size", None, "Resize the images to this square size (the data's when unset).")
    classifier.define_recipe_flags(classifier.RECIPE, {
        "steps": "Optimizer steps (rounded to whole epochs).",
        "batch_size": "Images per step.",
        "learning_rate": "Adam's learning rate.",
        "seed": "Seed of the weights, the shuffling and the augmentation.",
        "max_noise_std": "Largest std of the Gaussian noise added to training images (0: none).",
        "max_blur": "Largest strength of the 3x3 blur blended into training images (0: none).",
        "flip": "Mirror training images left-right at random (for photographs).",
        "max_shift": "Largest random shift and zoom of training images, as a fraction of the side (0: none).",
        "global_pool": "Features from the average of the last feature map (for photographs) rather than all of it.",
    })


def main(argv):
    del argv
    f = flags.FLAGS
    start = time.perf_counter()
    try:
        train_images, train_labels, class_names = classifier.load_split(f.dataset, f.data_dir, "train", f.image_size)
        test_images, test_labels, _ = classifier.load_split(f.dataset, f.data_dir, "test", f.image_size)
    except KerasGansError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    recipe = {name: f[name].value for name in classifier.RECIPE}
    model = classifier.train_classifier(train_images, train_labels, len(class_names), verbose=2, **recipe)
    test_accuracy = classifier.accuracy(model, test_images, test_labels)
    metadata = {
        "dataset": f.dataset,
        "class_names": list(class_names),
        "test_accuracy": test_accuracy,
        "train_examples": int(len(train_labels)),
        "test_examples": int(len(test_labels)),
        "image_shape": list(train_images.shape[1:]),
        "recipe": recipe,
        "features_layer": classifier.FEATURES_LAYER,
        "train_seconds": round(time.perf_counter() - start, 1),
    }
    path = classifier.save_shipped(model, metadata, f.dataset, f.out_dir)
    print(f"{f.dataset}: test accuracy {test_accuracy:.4f}; wrote {path}")
    return 0


if __name__ == "__main__":
    define_flags()
    sys.exit(app.run(main))
