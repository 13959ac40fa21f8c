"""Train and ship the facade segmentation network of pix2pix's FCN-score
(`keras_gans.metrics.segmentation`):

    python -m keras_gans.metrics.train_segmenter --data_dir=../shared/data/facades

writes ``<out_dir>/facades_segmenter.keras`` and ``.json`` (its FCN-scores on the real test photos:
the upper bound of a translation's, the palette and the recipe). Facades only: the palette and the
label map as the input half are theirs.
"""

import sys
import time

from absl import app, flags

from keras_gans.errors import KerasGansError
from keras_gans.metrics import classifier, segmentation


def define_flags():
    """Defines the command-line flags (only when run as a program)."""
    flags.DEFINE_string("data_dir", None, "The pix2pix facades folder (train/, test/).")
    flags.mark_flag_as_required("data_dir")
    flags.DEFINE_string("out_dir", classifier.WEIGHTS_DIR, "Where to write facades_segmenter.keras and .json.")
    classifier.define_recipe_flags(segmentation.RECIPE, {
        "epochs": "Passes over the training photos.",
        "batch_size": "Photos per step.",
        "learning_rate": "Adam's learning rate.",
        "seed": "Seed of the weights, the shuffling and the augmentation.",
        "width": "Filters of the U-Net's first stage.",
        "max_noise_std": "Largest std of the Gaussian noise added to training photos (0: none).",
        "max_blur": "Largest strength of the 3x3 blur blended into training photos (0: none).",
    })


def main(argv):
    del argv
    f = flags.FLAGS
    start = time.perf_counter()
    try:
        photos, classes, _ = segmentation.load_labelled_photos(f.data_dir, "train")
        test_photos, test_classes, _ = segmentation.load_labelled_photos(f.data_dir, "test")
    except KerasGansError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    recipe = {name: f[name].value for name in segmentation.RECIPE}
    model = segmentation.train_segmenter(photos, classes, verbose=2, **recipe)
    test_scores = segmentation.scores(segmentation.confusion_matrix(
        test_classes, segmentation.predict_classes(model, test_photos), len(segmentation.FACADE_PALETTE)))
    metadata = {
        "dataset": "facades",
        "palette": segmentation.FACADE_PALETTE.tolist(),
        "side": segmentation.SEGMENTER_SIDE,
        "test_scores": test_scores,
        "train_examples": int(len(photos)),
        "test_examples": int(len(test_photos)),
        "recipe": recipe,
        "train_seconds": round(time.perf_counter() - start, 1),
    }
    path = classifier.save_shipped(model, metadata, "facades", f.out_dir, kind="segmenter")
    print(f"facades segmenter: real test photos {test_scores}; wrote {path}")
    return 0


if __name__ == "__main__":
    define_flags()
    sys.exit(app.run(main))
