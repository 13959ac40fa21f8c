"""`Translator`: a trained image-to-image generator (pix2pix, CycleGAN) for a user's pictures."""

import keras

from keras_gans import data, translating
from keras_gans.errors import UsageError
from keras_gans.zoo.generator import CompiledNetwork, Generator


def is_translation(keras_model):
    """Whether a network is an image-to-image generator (pix2pix, CycleGAN, or a
    `translation_model` of two): one image input, and only outputs of that same shape."""
    if len(keras_model.inputs) != 1 or len(keras_model.inputs[0].shape) != 4:
        return False
    return all(tuple(output.shape[1:]) == tuple(keras_model.inputs[0].shape[1:]) for output in keras_model.outputs)


def for_network(keras_model, metadata=None):
    """A `Translator` for a translation network, a `Generator` for any other."""
    return (Translator if is_translation(keras_model) else Generator)(keras_model, metadata)


def translation_model(a_to_b, b_to_a=None):
    """One Keras model for a translation entry, since a preset holds one network: the a -> b
    generator itself, or, with a b -> a one (CycleGAN), a model whose two outputs are theirs."""
    if b_to_a is None:
        return a_to_b
    image = keras.Input(a_to_b.inputs[0].shape[1:], name="image")
    return keras.Model(image, [a_to_b(image), b_to_a(image)], name=f"{a_to_b.name}_and_back")


def directions_of(keras_model):
    """``{direction: network}`` of a `translation_model`."""
    if len(keras_model.outputs) == 1:
        return {"a_to_b": keras_model}
    # The network that computes each output (Keras keeps it on the output tensor).
    networks = [output._keras_history.operation for output in keras_model.outputs]
    if len(networks) != len(translating.DIRECTIONS) or not all(isinstance(n, keras.Model) for n in networks):
        raise UsageError(f"{keras_model.name} is not a translation model: its outputs are not those of two generator "
                         "networks (a -> b, b -> a); build it with keras_gans.zoo.translator.translation_model.")
    return dict(zip(translating.DIRECTIONS, networks))


class Translator(translating.Translating):
    """Translates uint8 pictures with a pix2pix or CycleGAN generator through compiled graphs
    (`keras_gans.translating.Translating`: ``translate(images, direction)`` takes arrays of any
    size or image files).

    Attributes: ``keras_model`` (a `translation_model`), ``directions`` (``("a_to_b",)`` or both),
    ``image_shape`` ``(S, S, C)``, ``name``, ``metadata`` (the model card).
    """

    source = "keras_gans.zoo"

    def __init__(self, keras_model, metadata=None):
        self.keras_model = keras_model
        self.metadata = {"note": translating.TRANSLATION_NOTE, **(metadata or {})}
        self.name = self.metadata.get("name", keras_model.name)
        self.image_shape = tuple(int(d) for d in keras_model.inputs[0].shape[1:])
        # uint8 in and out inside the graph, as the exported signatures: their images then match exactly.
        self._networks = {direction: CompiledNetwork(network, outputs=data.to_uint8, inputs=data.to_float)
                          for direction, network in directions_of(keras_model).items()}
        self.directions = tuple(self._networks)

    def __repr__(self):
        return f"Translator({self.name!r}, {self.image_shape}, {' and '.join(self.directions)})"

    def _translate(self, images, direction):
        return self._networks[direction](images)
