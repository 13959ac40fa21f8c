"""Latents and labels for sampling, shared by `keras_gans.zoo.Generator` and
`keras_gans.lite.LiteGenerator`. NumPy only: the on-device path must not import TensorFlow."""

import numpy as np

from keras_gans.errors import UsageError


def latents(n, latent_dim, seed=None, truncation=None, untruncated=0):
    """``n`` standard normal latents; the same seed gives the same latents everywhere.

    ``truncation``: redraw every value beyond it in magnitude (BigGAN's truncation trick, Brock
    et al. 2019): less variety, higher fidelity; except the last ``untruncated`` coordinates (a
    mixture's component selector, whose truncation would skew which components draw).
    """
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, latent_dim))
    if truncation is not None:
        if truncation <= 0:
            raise UsageError(f"truncation must be positive, got {truncation}")
        truncated = z[:, : latent_dim - untruncated]
        outside = np.abs(truncated) > truncation
        while outside.any():
            truncated[outside] = rng.standard_normal(int(outside.sum()))
            outside = np.abs(truncated) > truncation
    return z.astype(np.float32)


def resolve_labels(labels, n, num_classes, class_names=(), model_name="this generator"):
    """Class indices (int32 ``[n]``) from ints or class names, one for all samples or one each;
    None for unconditional models; balanced 0, 1, ..., C-1, 0, ... when ``labels`` is None."""
    if not num_classes:
        if labels is not None:
            raise UsageError(f"{model_name} is unconditional: it takes no labels.")
        return None
    if labels is None:
        return (np.arange(n) % num_classes).astype(np.int32)
    labels = [labels] * n if isinstance(labels, (int, str, np.integer)) else list(labels)
    if len(labels) != n:
        raise UsageError(f"got {len(labels)} labels for {n} samples")
    indices = []
    for label in labels:
        if isinstance(label, str):
            if label not in class_names:
                raise UsageError(f"Unknown class {label!r}. Classes: {', '.join(class_names)}.")
            label = list(class_names).index(label)
        if not 0 <= int(label) < num_classes:
            raise UsageError(f"label {label} is outside [0, {num_classes}).")
        indices.append(int(label))
    return np.asarray(indices, np.int32)
