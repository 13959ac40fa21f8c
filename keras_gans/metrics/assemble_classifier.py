"""Assemble and ship a domain classifier from several trained ones (see `classifier.ensemble`):

    python -m keras_gans.metrics.assemble_classifier --dataset=summer2winter \
        --data_dir=../shared/data/summer2winter_yosemite_subset --members=runs/s0,runs/s1,...

Each member is a folder that `train_classifier --out_dir` wrote (one recipe at several seeds).
Their batch statistics are recomputed on the clean training images first
(`classifier.recompute_batch_statistics`); writes ``<out_dir>/<dataset>_classifier.keras`` and
``.json`` (test accuracy of the ensemble and of each member, the members' recipes).
"""

import sys
import time

from absl import app, flags

from keras_gans.errors import KerasGansError, UsageError
from keras_gans.metrics import classifier


def define_flags():
    """Defines the command-line flags (only when run as a program)."""
    flags.DEFINE_string("dataset", None, "Dataset the members classify.")
    flags.DEFINE_string("data_dir", None, "Its data folder: the training images recompute the batch statistics.")
    flags.DEFINE_list("members", [], "Folders holding <dataset>_classifier.keras and .json, one per member.")
    flags.DEFINE_string("out_dir", classifier.WEIGHTS_DIR, "Where to write <dataset>_classifier.keras and .json.")


def assemble(dataset, data_dir, member_dirs):
    """(ensemble model, its metadata) of the classifiers of ``dataset`` in ``member_dirs``."""
    if not dataset or not data_dir:
        raise UsageError("Pass --dataset and --data_dir (its training images recompute the batch statistics).")
    if len(member_dirs) < 2:  # before loading any: a lone member is a typo in --members, not a broken file
        raise UsageError(f"An ensemble needs at least two members, got {len(member_dirs)}: pass --members=DIR,DIR,...")
    members = [classifier.load_shipped(dataset, folder) for folder in member_dirs]
    for folder, (network, metadata) in zip(member_dirs, members):
        missing = {"class_names", "recipe", "test_accuracy"} - set(metadata)
        if missing:
            raise UsageError(f"{folder} holds no classifier that train_classifier wrote: its metadata lacks {sorted(missing)}.")
    side = classifier.members_image_shape([network for network, _ in members])[0]
    class_names = {tuple(metadata["class_names"]) for _, metadata in members}
    if len(class_names) != 1:
        raise UsageError(f"The members differ in classes {sorted(class_names)}: give classifiers of one dataset.")
    train_images, _, _ = classifier.load_split(dataset, data_dir, "train", side)
    test_images, test_labels, _ = classifier.load_split(dataset, data_dir, "test", side)
    networks = [classifier.recompute_batch_statistics(network, train_images) for network, _ in members]
    model = classifier.ensemble(networks)
    metadata = {
        "dataset": dataset,
        "class_names": list(class_names.pop()),
        "test_accuracy": classifier.accuracy(model, test_images, test_labels),
        "train_examples": int(len(train_images)),
        "test_examples": int(len(test_labels)),
        "image_shape": list(model.inputs[0].shape[1:]),
        "features_layer": classifier.FEATURES_LAYER,
        "batch_statistics": "recomputed on the clean training images",
        "members": [{"recipe": metadata["recipe"], "test_accuracy_as_trained": metadata["test_accuracy"],
                     "test_accuracy": classifier.accuracy(network, test_images, test_labels)}
                    for network, (_, metadata) in zip(networks, members)],
    }
    return model, metadata


def main(argv):
    del argv
    f = flags.FLAGS
    start = time.perf_counter()
    try:
        model, metadata = assemble(f.dataset, f.data_dir, f.members)
    except KerasGansError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    metadata["assemble_seconds"] = round(time.perf_counter() - start, 1)
    path = classifier.save_shipped(model, metadata, f.dataset, f.out_dir)
    members = ", ".join(f"{m['test_accuracy']:.4f}" for m in metadata["members"])
    print(f"{f.dataset}: test accuracy {metadata['test_accuracy']:.4f} (members: {members}); wrote {path}")
    return 0


if __name__ == "__main__":
    define_flags()
    sys.exit(app.run(main))
