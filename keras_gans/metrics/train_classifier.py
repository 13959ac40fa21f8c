"""Train and ship a domain classifier (see `keras_gans.metrics.classifier`):

    python -m keras_gans.metrics.train_classifier --dataset=fashion_mnist --data_dir=../shared/data/fashion_mnist

writes ``<out_dir>/<dataset>_classifier.keras`` and ``.json`` (test accuracy, recipe).
"""

import json
import os
import sys
import time

from absl import app, flags

from keras_gans.metrics import classifier


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_string("dataset", "fashion_mnist", "Dataset whose classifier to train.")
    flags.DEFINE_string("data_dir", None, "Its IDX folder or TFDS data_dir.")
    flags.DEFINE_string("out_dir", classifier.WEIGHTS_DIR, "Where to write <dataset>_classifier.keras and .json.")


def main(argv):
    del argv
    start = time.perf_counter()
    train_images, train_labels, class_names = classifier.load_split(flags.FLAGS.dataset, flags.FLAGS.data_dir, "train")
    test_images, test_labels, _ = classifier.load_split(flags.FLAGS.dataset, flags.FLAGS.data_dir, "test")
    model = classifier.train_classifier(train_images, train_labels, len(class_names), verbose=2)
    test_accuracy = classifier.accuracy(model, test_images, test_labels)
    os.makedirs(flags.FLAGS.out_dir, exist_ok=True)
    path = os.path.join(flags.FLAGS.out_dir, f"{flags.FLAGS.dataset}_classifier.keras")
    # An uncompiled copy: the shipped file holds the weights, not the optimizer's state.
    shipped = classifier.build_classifier(train_images.shape[1:], len(class_names))
    shipped.set_weights(model.get_weights())
    shipped.save(path)
    metadata = {
        "dataset": flags.FLAGS.dataset,
        "class_names": list(class_names),
        "test_accuracy": test_accuracy,
        "train_examples": int(len(train_labels)),
        "test_examples": int(len(test_labels)),
        "recipe": classifier.RECIPE,
        "features_layer": classifier.FEATURES_LAYER,
        "train_seconds": round(time.perf_counter() - start, 1),
    }
    with open(path[: -len(".keras")] + ".json", "w") as f:
        json.dump(metadata, f, indent=2)
    print(f"{flags.FLAGS.dataset}: test accuracy {test_accuracy:.4f}; wrote {path}")
    return 0


if __name__ == "__main__":
    define_flags()
    sys.exit(app.run(main))
