"""The registry of GAN families: ``available()`` lists them, ``get(name)`` returns one."""

from keras_gans.errors import UsageError
from keras_gans.models import (
    acgan, biggan, cgan, cyclegan, dcgan, dragan, gan, infogan, lsgan, pix2pix, sngan, stylegan, wgan,
)
from keras_gans.models.base import GAN

FAMILIES = {
    "gan": gan.VanillaGAN,
    "dcgan": dcgan.DCGAN,
    "cgan": cgan.CGAN,
    "acgan": acgan.ACGAN,
    "infogan": infogan.InfoGAN,
    "lsgan": lsgan.LSGAN,
    "wgan": wgan.WGAN,
    "wgan_gp": wgan.WGANGP,
    "dragan": dragan.DRAGAN,
    "sngan": sngan.SNGAN,
    "biggan": biggan.BigGAN,
    "stylegan": stylegan.StyleGAN,
    "pix2pix": pix2pix.Pix2Pix,
    "cyclegan": cyclegan.CycleGAN,
}


def available():
    """Names of the registered GAN families."""
    return sorted(FAMILIES)


def get(name):
    """The `GAN` subclass registered as ``name``; an unknown name lists the known ones."""
    if name not in FAMILIES:
        raise UsageError(f"Unknown model {name!r}. Known models: {', '.join(available())}.")
    return FAMILIES[name]


__all__ = ["GAN", "available", "get"]
