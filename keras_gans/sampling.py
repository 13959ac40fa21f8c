"""Latents and labels for sampling, shared by `keras_gans.zoo.Generator` and
`keras_gans.lite.LiteGenerator`. NumPy only: the on-device path must not import TensorFlow.

Every generator takes standard normal latents ``z``. A family with structured codes (InfoGAN)
reads them off z's last coordinates inside its network (`keras_gans.layers.LatentCodes`), so
whatever draws N(0, I) (sampling, evaluation, training grids, exported signatures, servers)
samples the codes as trained; `set_codes` writes chosen codes into latents.
"""

import math
import statistics

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


# 2 Phi(x) - 1 = tanh(sqrt(2 / pi) (x + 0.044715 x^3)) to within 3.6e-4 (TFLite has no erf): the
# map from a standard normal coordinate to a continuous code, uniform on (-1, 1) to that accuracy.
_TANH_SCALE, _TANH_CUBIC = math.sqrt(2.0 / math.pi), 0.044715


def category_thresholds(num_categories):
    """A standard normal coordinate picks category k when it lies in [t_k, t_{k+1}): these t."""
    normal = statistics.NormalDist()
    return [normal.inv_cdf(k / num_categories) for k in range(1, num_categories)]


def continuous_code(x, tanh=np.tanh):
    """The continuous code of standard normal coordinates ``x``; the network passes its own tanh."""
    return tanh(_TANH_SCALE * (x + _TANH_CUBIC * x * x * x))


def continuous_coordinate(code):
    """The normal coordinate whose code is ``code`` in (-1, 1): the inverse of `continuous_code`."""
    target = np.arctanh(np.asarray(code, np.float64)) / _TANH_SCALE
    x = target.copy()
    for _ in range(50):  # Newton on x + a x^3 = target: increasing and convex for x > 0
        x -= (x + _TANH_CUBIC * x**3 - target) / (1.0 + 3.0 * _TANH_CUBIC * x**2)
    return x


def set_codes(z, layout, codes, model_name="this generator"):
    """A copy of latents ``z`` whose code coordinates encode ``codes``.

    ``layout``: ``{"categorical": K, "continuous": C}`` (the last 1 + C coordinates of z are the
    codes), or None for generators without codes. ``codes``: ``{"category": k}`` (one int for
    all samples, or one per sample) and/or ``{"continuous": [c_1, ..., c_C]}`` (one row for all, or
    ``[n, C]``), each value in (-1, 1); codes left out keep their random draw.
    """
    if not layout:
        raise UsageError(f"{model_name} has no latent codes to set.")
    unknown = set(codes) - {"category", "continuous"}
    if unknown:
        raise UsageError(f"Unknown code(s) {', '.join(sorted(unknown))}; {model_name} takes category and continuous.")
    z = np.array(z, np.float32)
    n, latent_dim = z.shape
    num_categories, num_continuous = int(layout["categorical"]), int(layout["continuous"])
    if codes.get("category") is not None:
        category = np.asarray(codes["category"])
        if category.ndim > 1 or category.size not in (1, n) or not np.issubdtype(category.dtype, np.integer) or (
            category.size and (category.min() < 0 or category.max() >= num_categories)
        ):
            raise UsageError(f"category must be an integer in [0, {num_categories}), one for all samples or one each; "
                             f"got {codes['category']!r}.")
        category = np.broadcast_to(category.reshape(-1), (n,)) if n else category.reshape(-1)[:0]
        normal = statistics.NormalDist()
        centres = np.array([normal.inv_cdf((k + 0.5) / num_categories) for k in range(num_categories)])
        z[:, -1 - num_continuous] = centres[category]
    if codes.get("continuous") is not None:
        continuous = np.asarray(codes["continuous"], np.float64)
        if continuous.shape not in ((num_continuous,), (1, num_continuous), (n, num_continuous)) or not np.all(
            np.abs(continuous) < 1
        ):
            raise UsageError(f"continuous must hold {num_continuous} values in (-1, 1), one row for all samples or "
                             f"one per sample; got shape {list(continuous.shape)}.")
        z[:, latent_dim - num_continuous :] = continuous_coordinate(np.broadcast_to(continuous, (n, num_continuous)))
    return z
