"""Mode coverage of an unconditional generator, measured through a classifier: how many classes
its samples fall into and how far the class histogram is from the data's (KL divergence), which
makes mode collapse a number."""

import numpy as np


def mode_coverage(labels_predicted, num_classes, reference_distribution=None, min_fraction=0.0):
    """Class coverage of predicted labels.

    Args:
        labels_predicted: the classifier's class for each generated sample.
        num_classes: number of classes.
        reference_distribution: the data's class frequencies; uniform when None.
        min_fraction: a class counts as covered when more than this fraction of samples fall in it.

    Returns:
        dict with ``classes_covered``, ``num_classes``, ``kl_divergence`` (KL(generated || data), in
        nats) and ``histogram`` (fractions per class).
    """
    labels = np.asarray(labels_predicted).astype(np.int64).ravel()
    if labels.size == 0:
        raise ValueError("no predicted labels")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"predicted labels must lie in [0, {num_classes})")
    histogram = np.bincount(labels, minlength=num_classes) / labels.size
    reference = (
        np.full(num_classes, 1.0 / num_classes)
        if reference_distribution is None
        else np.asarray(reference_distribution, np.float64) / np.sum(reference_distribution)
    )
    present = histogram > 0
    kl = float(np.sum(histogram[present] * np.log(histogram[present] / reference[present])))
    return {
        "classes_covered": int(np.sum(histogram > min_fraction)),
        "num_classes": int(num_classes),
        "kl_divergence": kl,
        "histogram": histogram.tolist(),
    }
