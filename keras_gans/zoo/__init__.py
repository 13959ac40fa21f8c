"""Pretrained generators, offline:

    from keras_gans import zoo
    zoo.list()                                  # ['cgan_fashion', 'dcgan_mnist']
    g = zoo.load("cgan_fashion")
    images = g.sample(16, labels=[3] * 16)      # uint8 [16, 28, 28, 1]
    g.save_grid("grid.png")

pix2pix and CycleGAN entries load as a `Translator`: ``zoo.load("pix2pix_facades").translate(images)``
takes uint8 pictures of any size, or image files. `load` also takes a preset folder (``save_to_preset`` writes one), a URL of one with its sha256, a
``.keras`` file or a training logdir: every command's ``--model`` takes the same references.
"""

from keras_gans.zoo.generator import Generator
from keras_gans.zoo.presets import CorruptWeightsError, info, list_entries, save_to_preset
from keras_gans.zoo.references import load
from keras_gans.zoo.translator import Translator

list = list_entries  # noqa: A001 - `zoo.list()` is the public name

__all__ = ["CorruptWeightsError", "Generator", "Translator", "info", "list", "load", "save_to_preset"]
