"""Improved precision and recall (Kynkäänniemi et al. 2019, "Improved Precision and Recall
Metric for Assessing Generative Models"): each set's manifold is the union of balls reaching
each point's k-th nearest neighbour; precision is the fraction of generated samples inside the
real manifold, recall the fraction of real samples inside the generated one."""

import numpy as np

_BLOCK = 1024  # rows of the distance matrix computed at once


def _squared_distances(a, b):
    return np.maximum((a * a).sum(1)[:, None] - 2.0 * a @ b.T + (b * b).sum(1)[None, :], 0.0)


def _knn_radii(features, k):
    """Squared distance from each point to its k-th nearest other point."""
    radii = np.empty(len(features))
    for start in range(0, len(features), _BLOCK):
        block = _squared_distances(features[start : start + _BLOCK], features)
        # Index k, not k - 1: the nearest point (distance 0) is the point itself.
        radii[start : start + _BLOCK] = np.partition(block, k, axis=1)[:, k]
    return radii


def _fraction_inside(queries, manifold, radii):
    inside = np.zeros(len(queries), bool)
    for start in range(0, len(queries), _BLOCK):
        block = _squared_distances(queries[start : start + _BLOCK], manifold)
        inside[start : start + _BLOCK] = (block <= radii[None, :]).any(axis=1)
    return float(inside.mean())


def precision_recall(real_features, fake_features, k=3):
    """``(precision, recall)`` of generated features against real ones."""
    real = np.asarray(real_features, np.float64)
    fake = np.asarray(fake_features, np.float64)
    if min(len(real), len(fake)) <= k:
        raise ValueError(f"each set needs more than k={k} feature vectors")
    precision = _fraction_inside(fake, real, _knn_radii(real, k))
    recall = _fraction_inside(real, fake, _knn_radii(fake, k))
    return precision, recall
