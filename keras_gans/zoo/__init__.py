"""Pretrained generators, offline:

    from keras_gans import zoo
    zoo.list()                                  # ['cgan_fashion', 'dcgan_mnist']
    g = zoo.load("cgan_fashion")
    images = g.sample(16, labels=[3] * 16)      # uint8 [16, 28, 28, 1]
    g.save_grid("grid.png")

`load` also takes a preset folder (``save_to_preset`` writes one) or a URL with its sha256.
"""

from keras_gans.zoo.generator import Generator
from keras_gans.zoo.presets import CorruptWeightsError, info, list_entries, load, save_to_preset

list = list_entries  # noqa: A001 - `zoo.list()` is the public name

__all__ = ["CorruptWeightsError", "Generator", "info", "list", "load", "save_to_preset"]
