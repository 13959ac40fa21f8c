"""`Generator`: a trained generator with the sampling conveniences a notebook wants."""

import numpy as np
import tensorflow as tf

from keras_gans import data, layers, mixture, sampling
from keras_gans.errors import UsageError


def slerp(start, end, fraction):
    """Spherical interpolation: stays on the shell where Gaussian latents live (White 2016)."""
    start_unit, end_unit = start / np.linalg.norm(start), end / np.linalg.norm(end)
    omega = np.arccos(np.clip(np.dot(start_unit, end_unit), -1.0, 1.0))
    if omega < 1e-6:
        return (1.0 - fraction) * start + fraction * end
    return (np.sin((1.0 - fraction) * omega) * start + np.sin(fraction * omega) * end) / np.sin(omega)


class CompiledNetwork:
    """uint8 images from a Keras generator network taking ``z`` or ``[z, label]``, through a
    compiled graph traced on first use and kept: it skips Keras' layer-by-layer eager dispatch
    (about 3x faster at batch 1) and gives the same images.

    Measured on CPU: one graph of any batch size runs as fast as graphs of fixed batch sizes from
    batch 2 up (padding batches up to fixed sizes cost up to 1.8x, and XLA was slower at batch
    64); a fixed batch of 1 is a few percent faster, so batches of 1 get their own graph.
    """

    def __init__(self, network):
        self.network = network
        self._functions = {}

    def __call__(self, z, labels=None):
        """Images of float32 ``z`` ``[n, latent_dim]`` and int32 ``labels`` ``[n]`` (or None)."""
        inputs = [z] if labels is None else [z, labels]
        return self._function(1 if len(z) == 1 else None)(*inputs).numpy()

    def _function(self, batch):
        if batch not in self._functions:
            specs = [tf.TensorSpec([batch, self.network.inputs[0].shape[-1]], tf.float32)]
            if len(self.network.inputs) > 1:
                specs.append(tf.TensorSpec([batch], tf.int32))

            def images(*inputs):
                return data.to_uint8(self.network(list(inputs) if len(inputs) > 1 else inputs[0], training=False))

            # The concrete function: calling it skips tf.function's argument matching (~0.2 ms).
            self._functions[batch] = tf.function(images, input_signature=specs).get_concrete_function()
        return self._functions[batch]


class Generator(sampling.Sampler):
    """Samples uint8 images ``[n, H, W, C]`` from a generator taking ``z`` or ``[z, label]``
    (`keras_gans.sampling.Sampler`: ``sample``, ``sample_batches``, ``generate``, ``latents``,
    ``class_sweep``, ``save_grid``) through compiled graphs (`CompiledNetwork`); a mixture runs
    each component only on the samples that pick it.

    Attributes: ``keras_model``, ``latent_dim``, ``num_classes`` (0 when unconditional),
    ``class_names``, ``image_shape``, ``name``, ``metadata`` (the model card),
    ``mixture_components`` (K for a `keras_gans.mixture` of K generators, else 0) and
    ``latent_codes`` (InfoGAN's code layout, ``{"categorical": K, "continuous": C}``, else None).
    """

    source = "keras_gans.zoo"

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
        self._networks = [CompiledNetwork(network) for network in mixture.components(keras_model) or [keras_model]]

    def __repr__(self):
        kind = f"{self.num_classes} classes" if self.num_classes else "unconditional"
        return f"Generator({self.name!r}, {self.image_shape}, latent_dim={self.latent_dim}, {kind})"

    def _images(self, z, labels):
        if not self.mixture_components:
            return self._networks[0](z, labels)
        # Each component on its own rows: the whole mixture would run every component on every row.
        index = mixture.component_index(self.keras_model, z[:, -1])
        images = np.empty((len(z), *self.image_shape), np.uint8)
        for k, network in enumerate(self._networks):
            rows = np.flatnonzero(index == k)
            if len(rows):
                images[rows] = network(z[rows, :-1], None if labels is None else labels[rows])
        return images

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
