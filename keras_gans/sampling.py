"""Latents, labels and PNG grids for sampling, shared by `keras_gans.zoo.Generator` and
`keras_gans.lite.LiteGenerator`. NumPy and Pillow only: the on-device path must not import
TensorFlow.

Every generator takes standard normal latents ``z``. A family with structured codes (InfoGAN)
reads them off z's last coordinates inside its network (`keras_gans.layers.LatentCodes`), so
whatever draws N(0, I) (sampling, evaluation, training grids, exported signatures, servers)
samples the codes as trained; `set_codes` writes chosen codes into latents.
"""

import math
import numbers
import statistics

import numpy as np

from keras_gans.errors import UsageError, check_integer, check_number
from keras_gans.images import grid, save_png


# Latents are drawn in chunks of this many rows whatever the batch size, so a seed gives the same
# latents for any batch size and drawing n of them takes memory independent of n.
LATENT_CHUNK = 1024
# Below this, rejection sampling of the truncated normal needs too many rounds (its acceptance
# rate is about 0.8 x truncation).
MIN_TRUNCATION = 0.01
# The span a continuous code is swept over: inside its open range (-1, 1).
CODE_SWEEP_ENDS = (-0.95, 0.95)


def latent_chunks(n, latent_dim, seed=None, truncation=None, untruncated=0):
    """Yields `latents` in chunks of at most `LATENT_CHUNK` rows."""
    n = check_integer(n, "the number of samples", minimum=0)
    if truncation is not None:
        check_number(truncation, "truncation", low=MIN_TRUNCATION)
    rng = np.random.default_rng(seed)
    for start in range(0, n, LATENT_CHUNK):
        z = rng.standard_normal((min(LATENT_CHUNK, n - start), latent_dim))
        if truncation is not None:
            truncated = z[:, : latent_dim - untruncated]
            outside = np.abs(truncated) > truncation
            while outside.any():
                truncated[outside] = rng.standard_normal(int(outside.sum()))
                outside = np.abs(truncated) > truncation
        yield z.astype(np.float32)


def check_psi(psi):
    """StyleGAN's truncation psi: 0 gives the average image, 1 no truncation."""
    return check_number(psi, "truncation (StyleGAN's psi)", low=0.0, high=1.0)


def latents(n, latent_dim, seed=None, truncation=None, untruncated=0):
    """``n`` standard normal latents; the same seed gives the same latents everywhere.

    ``truncation``: redraw every value beyond it in magnitude (BigGAN's truncation trick, Brock
    et al. 2019): less variety, higher fidelity; except the last ``untruncated`` coordinates (a
    mixture's component selector, whose truncation would skew which components draw).
    """
    chunks = list(latent_chunks(n, latent_dim, seed, truncation, untruncated))
    return np.concatenate(chunks) if chunks else np.zeros((0, latent_dim), np.float32)


def resolve_labels(labels, n, num_classes, class_names=(), model_name="this generator"):
    """Class indices (int32 ``[n]``) from ints or class names, one for all samples or one each;
    None for unconditional models; balanced 0, 1, ..., C-1, 0, ... when ``labels`` is None."""
    return label_batch(labels, 0, n, n, num_classes, class_names, model_name)


def _is_one_label(labels):
    return isinstance(labels, (numbers.Number, str)) or (isinstance(labels, np.ndarray) and labels.ndim == 0)


def label_batch(labels, start, count, n, num_classes, class_names=(), model_name="this generator"):
    """`resolve_labels` for samples ``start`` to ``start + count`` of ``n``: sampling in batches
    never holds the labels of all samples."""
    if not num_classes:
        if labels is not None:
            raise UsageError(f"{model_name} is unconditional: it takes no labels.")
        return None
    if labels is None:
        return (np.arange(start, start + count) % num_classes).astype(np.int32)
    if _is_one_label(labels):
        return np.full(count, _class_index(labels, num_classes, class_names), np.int32)
    if len(labels) != n:
        raise UsageError(f"got {len(labels)} labels for {n} samples")
    labels = labels[start : start + count]
    if isinstance(labels, np.ndarray) and np.issubdtype(labels.dtype, np.integer) and labels.ndim == 1:
        if labels.size and not 0 <= labels.min() <= labels.max() < num_classes:
            raise UsageError(f"label {labels[(labels < 0) | (labels >= num_classes)][0]} is outside [0, {num_classes}).")
        return labels.astype(np.int32)
    return np.asarray([_class_index(label, num_classes, class_names) for label in labels], np.int32).reshape(-1)


def _class_index(label, num_classes, class_names):
    if isinstance(label, np.ndarray) and label.ndim == 0:
        label = label.item()
    if isinstance(label, str):
        if label not in class_names:
            raise UsageError(f"Unknown class {label!r}. Classes: {', '.join(class_names)}.")
        return list(class_names).index(label)
    if isinstance(label, bool) or not isinstance(label, numbers.Integral):
        raise UsageError(f"a label must be a class index (an integer) or a class name, got {label!r}.")
    if not 0 <= label < num_classes:
        raise UsageError(f"label {label} is outside [0, {num_classes}).")
    return int(label)


class Sampler:
    """Sampling shared by `keras_gans.zoo.Generator` and `keras_gans.lite.LiteGenerator`, in
    batches of at most ``batch_size`` so memory stays flat in the number of samples.

    Subclasses set ``name``, ``latent_dim``, ``image_shape``, ``num_classes``, ``class_names``,
    ``latent_codes``, ``mixture_components`` and ``source`` (the module a PNG says made it), and
    define ``_images(z, labels)``: uint8 images of one batch.
    """

    batch_size = 256
    # Where ``truncation`` acts: "z" redraws latent values beyond it (BigGAN); "w" is StyleGAN's
    # psi, which a subclass that sets it applies in ``_images(z, labels, truncation)``.
    truncation_space = "z"

    def latents(self, n, seed=None, truncation=None, codes=None):
        """``n`` standard normal latents (optionally truncated); the same seed, the same latents.
        ``codes`` sets an InfoGAN's codes (`set_codes`); truncation leaves the code coordinates
        alone, like a mixture's selector."""
        return np.concatenate([np.zeros((0, self.latent_dim), np.float32),
                               *self._latent_chunks(n, seed, truncation, codes)])

    def _latent_chunks(self, n, seed, truncation, codes):
        if self.truncation_space == "w":
            if truncation is not None:
                check_psi(truncation)
            truncation = None
        untruncated = 1 if self.mixture_components else 0
        if self.latent_codes:
            untruncated = 1 + self.latent_codes["continuous"]
        first_row = 0
        for z in latent_chunks(n, self.latent_dim, seed, truncation, untruncated):
            yield z if codes is None else set_codes(z, self.latent_codes, codes, self.name, first_row, n)
            first_row += len(z)

    def labels(self, labels, n):
        """Class indices from ints or class names (one label for all, or one per sample)."""
        return resolve_labels(labels, n, self.num_classes, self.class_names, self.name)

    def _batch_size(self, batch_size):
        batch_size = self.batch_size if batch_size is None else check_integer(batch_size, "batch_size", minimum=1)
        return min(batch_size, getattr(self, "static_batch", None) or batch_size)  # a fixed-batch TFLite file

    def generate(self, z, labels=None, batch_size=None):
        """uint8 images from given latents (and labels)."""
        z = np.asarray(z, np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise UsageError(f"z must be [n, {self.latent_dim}] for {self.name}, got {list(z.shape)}.")
        labels = self.labels(labels, len(z))
        return self._filled(len(z), self._generate_batches([z], labels, len(z), batch_size))

    def _filled(self, n, batches):
        """The ``n`` images of ``batches`` in one array, filled in place (no second copy)."""
        images = np.empty((n, *self.image_shape), np.uint8)
        start = 0
        for batch in batches:
            images[start : start + len(batch)] = batch
            start += len(batch)
        return images

    def _generate_batches(self, z_chunks, labels, n, batch_size, truncation=None):
        """uint8 image batches of at most ``batch_size`` from latent chunks (``truncation``: a
        psi for ``_images`` when it acts in "w")."""
        batch_size = self._batch_size(batch_size)
        options = {"truncation": truncation} if self.truncation_space == "w" and truncation is not None else {}
        start = 0
        for chunk in z_chunks:
            if not np.all(np.isfinite(chunk)):
                raise UsageError(f"z must be finite: it holds NaN or Inf (row {start + np.argwhere(~np.isfinite(chunk))[0, 0]}).")
            for offset in range(0, len(chunk), batch_size):
                z = chunk[offset : offset + batch_size]
                yield self._images(z, label_batch(labels, start + offset, len(z), n, self.num_classes,
                                                  self.class_names, self.name), **options)
            start += len(chunk)

    def sample_batches(self, n, labels=None, seed=None, batch_size=None, truncation=None, codes=None):
        """Yields the images of `sample` in uint8 batches of at most ``batch_size``: for large
        ``n``, memory stays that of one batch."""
        n = check_integer(n, "the number of samples", minimum=0)
        if labels is not None and not _is_one_label(labels):
            labels = self.labels(labels, n)  # all checked before any sampling
        else:
            label_batch(labels, 0, 0, n, self.num_classes, self.class_names, self.name)
        yield from self._generate_batches(self._latent_chunks(n, seed, truncation, codes), labels, n, batch_size,
                                          truncation)

    def sample(self, n, labels=None, seed=None, batch_size=None, truncation=None, codes=None):
        """``n`` samples: uint8 ``[n, H, W, C]``; conditional models cycle through the classes
        unless ``labels`` (ints or class names) are given; ``truncation`` trades variety for
        fidelity (BigGAN's: latent values beyond it are redrawn; a StyleGAN's is psi in [0, 1],
        pulling w towards its average); ``codes`` sets an InfoGAN's codes, e.g. ``{"category": 3, "continuous": [0.5, -0.5]}``.
        For more samples than fit in memory, iterate over `sample_batches`."""
        n = check_integer(n, "the number of samples", minimum=0)
        return self._filled(n, self.sample_batches(n, labels, seed, batch_size, truncation, codes))

    def class_sweep(self, per_class=8, seed=None):
        """One row per class with the same ``per_class`` latents in each row."""
        if not self.num_classes:
            raise UsageError(f"{self.name} is unconditional: it has no classes to sweep.")
        z = np.tile(self.latents(per_class, seed), (self.num_classes, 1))
        return self.generate(z, np.repeat(np.arange(self.num_classes), per_class))

    def code_sweep(self, code="category", per_row=8, seed=None):
        """An InfoGAN's codes made visible (Chen et al. 2016, Fig. 2), one row per category:
        ``code="category"`` puts the same ``per_row`` latents in every row, so the rows differ by
        category only; ``code=i`` gives row k one latent (drawn with ``seed + k``) in category k,
        with continuous code ``i`` going from -0.95 to 0.95 across the row and the other continuous
        codes at 0. uint8 ``[categories * per_row, H, W, C]``, rows in order."""
        if not self.latent_codes:
            raise UsageError(f"{self.name} has no latent codes to sweep.")
        per_row = check_integer(per_row, "per_row", minimum=1)
        num_categories, num_continuous = self.latent_codes["categorical"], self.latent_codes["continuous"]
        categories = np.repeat(np.arange(num_categories), per_row)
        if code == "category":
            z = np.tile(self.latents(per_row, seed), (num_categories, 1))
            return self.generate(set_codes(z, self.latent_codes, {"category": categories}, self.name))
        if isinstance(code, bool) or not isinstance(code, numbers.Integral) or not 0 <= code < num_continuous:
            raise UsageError(f"code must be \"category\" or a continuous code's index in [0, {num_continuous}); "
                             f"got {code!r}.")
        base = 0 if seed is None else seed
        z = np.repeat(np.concatenate([self.latents(1, base + k) for k in range(num_categories)]), per_row, axis=0)
        continuous = np.zeros((len(z), num_continuous))
        continuous[:, code] = np.tile(np.linspace(*CODE_SWEEP_ENDS, per_row), num_categories)
        codes = {"category": categories, "continuous": continuous}
        return self.generate(set_codes(z, self.latent_codes, codes, self.name))

    def save_grid(self, path, samples=None, rows=None, seed=None):
        """Writes a PNG grid (a class sweep for conditional models, else 64 samples), labelled in
        its metadata as generated by keras_gans with this model's name."""
        if samples is None:
            samples = self.class_sweep(seed=seed) if self.num_classes else self.sample(64, seed=seed)
            rows = self.num_classes or 8
        rows = rows or int(np.ceil(np.sqrt(len(samples))))
        save_png(path, grid(samples, rows), Model=self.name, Source=self.source)
        return path


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


def set_codes(z, layout, codes, model_name="this generator", first_row=0, total_rows=None):
    """A copy of latents ``z`` whose code coordinates encode ``codes``.

    ``layout``: ``{"categorical": K, "continuous": C}`` (the last 1 + C coordinates of z are the
    codes), or None for generators without codes. ``codes``: ``{"category": k}`` (one int for
    all samples, or one per sample) and/or ``{"continuous": [c_1, ..., c_C]}`` (one row for all, or
    ``[n, C]``), each value in (-1, 1); codes left out keep their random draw. When ``z`` holds
    rows ``first_row`` onwards of ``total_rows`` latents, per-sample codes are given for all of them.
    """
    if not layout:
        raise UsageError(f"{model_name} has no latent codes to set.")
    unknown = set(codes) - {"category", "continuous"}
    if unknown:
        raise UsageError(f"Unknown code(s) {', '.join(sorted(unknown))}; {model_name} takes category and continuous.")
    z = np.array(z, np.float32)
    rows, latent_dim = z.shape
    n = rows if total_rows is None else total_rows
    own = slice(first_row, first_row + rows)
    num_categories, num_continuous = int(layout["categorical"]), int(layout["continuous"])
    if codes.get("category") is not None:
        category = np.asarray(codes["category"])
        if category.ndim > 1 or category.size not in (1, n) or not np.issubdtype(category.dtype, np.integer) or (
            category.size and (category.min() < 0 or category.max() >= num_categories)
        ):
            raise UsageError(f"category must be an integer in [0, {num_categories}), one for all samples or one each; "
                             f"got {codes['category']!r}.")
        category = category.reshape(-1)[own] if category.size == n else np.broadcast_to(category.reshape(-1), (rows,))
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
        continuous = continuous[own] if continuous.shape == (n, num_continuous) else continuous.reshape(1, -1)
        z[:, latent_dim - num_continuous :] = continuous_coordinate(np.broadcast_to(continuous, (rows, num_continuous)))
    return z
