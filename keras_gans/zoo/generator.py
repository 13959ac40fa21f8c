"""`Generator`: a trained generator with the sampling conveniences a notebook wants."""

import numpy as np
import tensorflow as tf

from keras_gans import data, layers, mixture, sampling
from keras_gans.errors import UsageError, check_integer


def slerp(start, end, fraction):
    """Spherical interpolation: stays on the shell where Gaussian latents live (White 2016)."""
    start_unit, end_unit = start / np.linalg.norm(start), end / np.linalg.norm(end)
    omega = np.arccos(np.clip(np.dot(start_unit, end_unit), -1.0, 1.0))
    if omega < 1e-6:
        return (1.0 - fraction) * start + fraction * end
    return (np.sin((1.0 - fraction) * omega) * start + np.sin(fraction * omega) * end) / np.sin(omega)


class CompiledNetwork:
    """uint8 images from a Keras generator network taking ``z`` or ``[z, label]`` (or, with
    ``inputs=data.to_float``, a translator taking uint8 images), through a compiled graph traced on
    first use and kept: it skips Keras' layer-by-layer eager dispatch (about 3x faster at batch 1)
    and gives the same images.

    Measured on CPU: one graph of any batch size runs as fast as graphs of fixed batch sizes from
    batch 2 up (padding batches up to fixed sizes cost up to 1.8x, and XLA was slower at batch
    64); a fixed batch of 1 is a few percent faster, so batches of 1 get their own graph.
    """

    def __init__(self, network, outputs=data.to_uint8, inputs=None):
        self.network = network
        self.outputs = outputs  # applied in the graph to the network's output
        self.inputs = inputs  # None, or `data.to_float`: the graph takes uint8 images and converts them
        self._functions = {}

    def __call__(self, z, labels=None):
        """Images of float32 ``z`` ``[n, latent_dim]`` (or whatever the network's first input is;
        uint8 images with ``inputs``) and int32 ``labels`` ``[n]`` (or None)."""
        inputs = [z] if labels is None else [z, labels]
        return self._function(1 if len(z) == 1 else None)(*inputs).numpy()

    def _function(self, batch):
        if batch not in self._functions:
            specs = [tf.TensorSpec([batch, *self.network.inputs[0].shape[1:]], tf.uint8 if self.inputs else tf.float32)]
            if len(self.network.inputs) > 1:
                specs.append(tf.TensorSpec([batch], tf.int32))

            def images(*inputs):
                if self.inputs:
                    inputs = (self.inputs(inputs[0]), *inputs[1:])
                return self.outputs(self.network(list(inputs) if len(inputs) > 1 else inputs[0], training=False))

            # The concrete function: calling it skips tf.function's argument matching (~0.2 ms).
            self._functions[batch] = tf.function(images, input_signature=specs).get_concrete_function()
        return self._functions[batch]


class StyleNetworks:
    """A StyleGAN generator in its parts (Karras et al. 2019, `keras_gans.models.stylegan`): the
    mapping network z -> w, the running average of w that its truncation layer holds, and the
    synthesis network, per-layer styles -> image. They give the truncation trick in W and style
    mixing, which the whole network (z -> image) cannot."""

    def __init__(self, keras_model):
        self.mapping = CompiledNetwork(keras_model.get_layer("mapping"), outputs=lambda w: w)
        self.w_avg = np.asarray(keras_model.get_layer("truncation").w_avg, np.float32)
        synthesis = keras_model.get_layer("synthesis")
        self.synthesis = CompiledNetwork(synthesis)
        self.num_styles = int(synthesis.inputs[0].shape[1])

    @staticmethod
    def of(keras_model):
        """The parts of a StyleGAN generator, or None for other generators."""
        names = {layer.name for layer in keras_model.layers}
        return StyleNetworks(keras_model) if {"mapping", "truncation", "synthesis"} <= names else None

    def w(self, z, psi=None):
        """w of latents ``z``, pulled towards the average w by ``psi`` (1 or None: unchanged)."""
        w = self.mapping(z)
        return w if psi is None else self.w_avg + np.float32(psi) * (w - self.w_avg)

    def images(self, w, w_late=None, crossover=None):
        """uint8 images styled by ``w`` in every layer, or by ``w`` in the layers before
        ``crossover`` and ``w_late`` from it on."""
        styles = np.repeat(w[:, None, :], self.num_styles, axis=1)
        if w_late is not None:
            styles[:, crossover:] = w_late[:, None, :]
        return self.synthesis(styles)


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
        self.styles = StyleNetworks.of(keras_model)
        if self.styles:
            self.truncation_space = "w"

    def __repr__(self):
        kind = f"{self.num_classes} classes" if self.num_classes else "unconditional"
        return f"Generator({self.name!r}, {self.image_shape}, latent_dim={self.latent_dim}, {kind})"

    def _images(self, z, labels, truncation=None):
        if truncation is not None:  # StyleGAN's psi (truncation_space "w")
            return self.styles.images(self.styles.w(z, truncation))
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
        start, end = (self._one_latent(p)[0] for p in (start, end))
        walked = self.latent_dim - (1 if self.mixture_components else 0)
        z = np.stack([slerp(start[:walked], end[:walked], f) for f in np.linspace(0.0, 1.0, steps)])
        z = np.concatenate([z, np.tile(start[walked:], (steps, 1))], axis=1).astype(np.float32)
        return self.generate(z, None if not self.num_classes else [0 if label is None else label] * steps)

    def mix_styles(self, early, late, crossovers=None, truncation=None):
        """StyleGAN's style mixing (Karras et al. 2019, Fig. 3): images styled by the latent
        ``early`` (a seed or a latent vector) in the synthesis layers before each crossover and by
        ``late`` from it on; early layers set coarse traits (shape, pose), late ones fine ones
        (texture, shading). ``crossovers``: layer indices in ``[1, num_styles)``, default all;
        ``truncation``: psi for both. Returns uint8 ``[len(crossovers), H, W, C]``."""
        if not self.styles:
            raise UsageError(f"{self.name} is not a StyleGAN generator: it has no styles to mix.")
        crossovers = list(range(1, self.styles.num_styles)) if crossovers is None else list(crossovers)
        for crossover in crossovers:
            check_integer(crossover, "a crossover", minimum=1)
            if crossover >= self.styles.num_styles:
                raise UsageError(f"a crossover must lie in [1, {self.styles.num_styles}) for {self.name}; got {crossover}.")
        if truncation is not None:
            sampling.check_psi(truncation)
        w = [self.styles.w(self._one_latent(p), truncation) for p in (early, late)]
        return np.concatenate([self.styles.images(w[0], w[1], c) for c in crossovers] or
                              [np.zeros((0, *self.image_shape), np.uint8)])

    def _one_latent(self, point):
        """[1, latent_dim] latents of a seed or of one latent vector."""
        if isinstance(point, (int, np.integer)) and not isinstance(point, bool):
            return self.latents(1, int(point))
        z = np.asarray(point, np.float32).reshape(1, -1)
        if z.shape[1] != self.latent_dim or not np.all(np.isfinite(z)):
            raise UsageError(f"a latent for {self.name} is a seed or a finite vector of {self.latent_dim} values.")
        return z
