"""A uniform mixture of trained generators as one Keras generator.

Independently trained GANs miss different parts of the data, so sampling each image from one of
several of them covers more of it than any one does: the ensembles of Wang et al. 2016,
"Ensembles of Generative Adversarial Networks" (arXiv:1612.00991), and the mixture-of-generators
view of Hoang et al. 2018, "MGAN" (ICLR). Here the mixture takes one latent coordinate more than
its components: the last one picks the component (component k when its normal CDF falls in
[k/K, (k+1)/K)), the others are the component's ``z``. So every component still sees the standard
normal latents it was trained on, each is picked with probability 1/K, and the mixture samples,
saves, exports and serves like any generator (only comparisons and selects, which TFLite has).
"""

import statistics

import keras
import numpy as np
from keras import ops

from keras_gans.errors import UsageError


@keras.saving.register_keras_serializable(package="keras_gans")
class SplitSelector(keras.layers.Layer):
    """``z`` -> (``z`` without its last coordinate, the last coordinate)."""

    def call(self, z):
        return z[:, :-1], z[:, -1]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] - 1), (input_shape[0],)


@keras.saving.register_keras_serializable(package="keras_gans")
class SelectComponent(keras.layers.Layer):
    """``[selector, image_0, ..., image_{K-1}]`` -> each example's image from the component its
    standard normal ``selector`` picks; the K components are equally likely."""

    def __init__(self, num_components, **kwargs):
        super().__init__(**kwargs)
        self.num_components = int(num_components)
        normal = statistics.NormalDist()
        self.thresholds = [normal.inv_cdf(k / self.num_components) for k in range(1, self.num_components)]

    def component_index(self, selector):
        """The index of the component each ``selector`` value picks."""
        return sum(ops.cast(ops.greater_equal(selector, t), "int32") for t in self.thresholds)

    def call(self, inputs):
        selector, images = inputs[0], inputs[1:]
        index = self.component_index(selector)
        picked = 0
        for k, image in enumerate(images):
            mask = ops.reshape(ops.cast(ops.equal(index, k), image.dtype), (-1,) + (1,) * (len(image.shape) - 1))
            picked = picked + mask * image
        return picked

    def compute_output_shape(self, input_shape):
        return input_shape[1]

    def get_config(self):
        return {**super().get_config(), "num_components": self.num_components}


def _select_component(model):
    return next((layer for layer in model.layers if isinstance(layer, SelectComponent)), None)


def num_components(model):
    """The number of components of a mixture made by `build_mixture`; 0 for other generators."""
    layer = _select_component(model)
    return layer.num_components if layer else 0


def components(model):
    """The component generators of a mixture made by `build_mixture`, in order; [] for other
    generators. Each takes the mixture's ``z`` without its last (selector) coordinate."""
    return [model.get_layer(f"component_{k}") for k in range(num_components(model))]


def component_index(model, selector):
    """The index of the component each value of a mixture's ``selector`` (the last coordinate of
    its ``z``) picks, as int32 NumPy: what the mixture's `SelectComponent` computes."""
    return np.asarray(_select_component(model).component_index(selector))


def build_mixture(generators, name="generator"):
    """One generator sampling uniformly from ``generators`` (Keras models taking ``z`` or
    ``[z, label]``, with the same latent size, conditioning and image shape)."""
    if len(generators) < 2:
        raise UsageError("A mixture needs at least two generators.")
    first = generators[0]
    signature = [(tuple(t.shape[1:]), t.dtype) for t in first.inputs], tuple(first.outputs[0].shape[1:])
    for generator in generators[1:]:
        other = [(tuple(t.shape[1:]), t.dtype) for t in generator.inputs], tuple(generator.outputs[0].shape[1:])
        if other != signature:
            raise UsageError(
                f"The generators of a mixture must take the same inputs and make the same images: "
                f"{first.name} has (inputs, image) {signature}, {generator.name} {other}."
            )
    conditional = len(first.inputs) > 1
    z = keras.Input((int(first.inputs[0].shape[-1]) + 1,), name="z")
    inputs = [z, keras.Input((), dtype="int32", name="label")] if conditional else [z]
    component_z, selector = SplitSelector(name="split_selector")(z)
    images = []
    for k, generator in enumerate(generators):
        # A functional view of each component under a unique name: they all call themselves "generator".
        component = keras.Model(
            generator.inputs if conditional else generator.inputs[0], generator.outputs[0], name=f"component_{k}"
        )
        images.append(component([component_z, inputs[1]] if conditional else component_z))
    image = SelectComponent(len(generators), dtype="float32", name="image")([selector, *images])
    return keras.Model(inputs, image, name=name)
