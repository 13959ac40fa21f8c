"""Inception Score (Salimans et al. 2016, "Improved Techniques for Training GANs"):
exp(E_x KL(p(y|x) || p(y))), averaged over ``splits`` parts of the samples, on any classifier's
logits (InceptionV3's for the published numbers)."""

import numpy as np


def _log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def inception_score(logits, splits=10):
    """``(mean, std)`` of the score over ``splits`` equal parts of ``logits`` ``[n, classes]``."""
    logits = np.asarray(logits, np.float64)
    if len(logits) < splits:
        raise ValueError(f"{len(logits)} samples cannot be split into {splits} parts")
    scores = []
    for part in np.array_split(logits, splits):
        log_p_y_given_x = _log_softmax(part)
        p_y_given_x = np.exp(log_p_y_given_x)
        log_p_y = np.log(p_y_given_x.mean(axis=0) + 1e-300)
        kl = (p_y_given_x * (log_p_y_given_x - log_p_y)).sum(axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))
