"""`Generator`: a trained generator with the sampling conveniences a notebook wants."""

import numpy as np

from keras_gans import data, images, layers, mixture, sampling
from keras_gans.errors import UsageError


def slerp(start, end, fraction):
    """Spherical interpolation: stays on the shell where Gaussian latents live (White 2016)."""
    start_unit, end_unit = start / np.linalg.norm(start), end / np.linalg.norm(end)
    omega = np.arccos(np.clip(np.dot(start_unit, end_unit), -1.0, 1.0))
    if omega < 1e-6:
        return (1.0 - fraction) * start + fraction * end
    return (np.sin((1.0 - fraction) * omega) * start + np.sin(fraction * omega) * end) / np.sin(omega)


class Generator:
    """Samples uint8 images ``[n, H, W, C]`` from a generator taking ``z`` or ``[z, label]``.

    Attributes: ``keras_model``, ``latent_dim``, ``num_classes`` (0 when unconditional),
    ``class_names``, ``image_shape``, ``name``, ``metadata`` (the model card),
    ``mixture_components`` (K for a `keras_gans.mixture` of K generators, else 0) and
    ``latent_codes`` (InfoGAN's code layout, ``{"categorical": K, "continuous": C}``, else None).
    """

    def __init__(self, keras_model, metadata=None):
        self.keras_model = keras_model
        self.metadata = dict(metadata or {})
        self.latent_dim = int(keras_model.inputs[0].shape[-1])
        self.image_shape = tuple(int(d) for d in keras_model.outputs[0].shape[1:])
        conditional = len(keras_model.inputs) > 1
        self.class_names = tuple(self.metadata.get("class_names", ())) if conditional else ()
        self.num_classes = int(self.metadata.get("num_classes", len(self.class_names))) if conditional else 0
        if conditional and not self.num_classes:
            raise UsageError("a conditional generator needs num_classes in its metadata")
        self.name = self.metadata.get("name", keras_model.name)
        self.mixture_components = mixture.num_components(keras_model)
        self.latent_codes = layers.latent_layout(keras_model)

    def __repr__(self):
        kind = f"{self.num_classes} classes" if self.num_classes else "unconditional"
        return f"Generator({self.name!r}, {self.image_shape}, latent_dim={self.latent_dim}, {kind})"

    def latents(self, n, seed=None, truncation=None, codes=None):
        """``n`` standard normal latents (optionally truncated); the same seed, the same latents.
        ``codes`` sets an InfoGAN's codes (`keras_gans.sampling.set_codes`); truncation leaves
        the code coordinates alone, like a mixture's selector."""
        untruncated = 1 if self.mixture_components else 0
        if self.latent_codes:
            untruncated = 1 + self.latent_codes["continuous"]
        z = sampling.latents(n, self.latent_dim, seed, truncation, untruncated=untruncated)
        return z if codes is None else sampling.set_codes(z, self.latent_codes, codes, self.name)

    def labels(self, labels, n):
        """Class indices from ints or class names (one label for all, or one per sample)."""
        return sampling.resolve_labels(labels, n, self.num_classes, self.class_names, self.name)

    def generate(self, z, labels=None, batch_size=256):
        """uint8 images from given latents (and labels)."""
        z = np.asarray(z, np.float32)
        labels = self.labels(labels, len(z))
        out = []
        for start in range(0, len(z), batch_size):
            batch = z[start : start + batch_size]
            inputs = batch if labels is None else [batch, labels[start : start + batch_size]]
            out.append(data.to_uint8(np.asarray(self.keras_model(inputs, training=False))))
        return np.concatenate(out) if out else np.zeros((0, *self.image_shape), np.uint8)

    def sample(self, n, labels=None, seed=None, batch_size=256, truncation=None, codes=None):
        """``n`` samples: uint8 ``[n, H, W, C]``; conditional models cycle through the classes
        unless ``labels`` (ints or class names) are given; ``truncation`` trades variety for
        fidelity; ``codes`` sets an InfoGAN's codes, e.g. ``{"category": 3, "continuous": [0.5, -0.5]}``."""
        return self.generate(self.latents(n, seed, truncation, codes), labels, batch_size)

    def interpolate(self, start, end, steps=8, label=None):
        """``steps`` samples along a spherical path from ``start`` to ``end`` (seeds or latents).
        A mixture's walk stays with the component ``start`` picks, so it never jumps between them."""
        start, end = (
            self.latents(1, p)[0] if isinstance(p, (int, np.integer)) else np.asarray(p, np.float32) for p in (start, end)
        )
        walked = self.latent_dim - (1 if self.mixture_components else 0)
        z = np.stack([slerp(start[:walked], end[:walked], f) for f in np.linspace(0.0, 1.0, steps)])
        z = np.concatenate([z, np.tile(start[walked:], (steps, 1))], axis=1).astype(np.float32)
        return self.generate(z, None if not self.num_classes else [0 if label is None else label] * steps)

    def class_sweep(self, per_class=8, seed=None):
        """One row per class with the same ``per_class`` latents in each row."""
        if not self.num_classes:
            raise UsageError(f"{self.name} is unconditional: it has no classes to sweep.")
        z = np.tile(self.latents(per_class, seed), (self.num_classes, 1))
        return self.generate(z, np.repeat(np.arange(self.num_classes), per_class))

    def save_grid(self, path, samples=None, rows=None, seed=None):
        """Writes a PNG grid (a class sweep for conditional models, else 64 samples), labelled in
        its metadata as generated by keras_gans with this model's name."""
        if samples is None:
            samples = self.class_sweep(seed=seed) if self.num_classes else self.sample(64, seed=seed)
            rows = self.num_classes or 8
        rows = rows or int(np.ceil(np.sqrt(len(samples))))
        images.save_png(path, images.grid(samples, rows), Model=self.name, Source="keras_gans.zoo")
        return path
