"""The registry of GAN families: ``available()`` lists them, ``get(name)`` returns one and
``hyperparameters(name)`` its own options."""

import dataclasses
import inspect

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


@dataclasses.dataclass(frozen=True)
class Hyperparameter:
    """An option a family adds: its default (from the signature), its help (from the family's
    ``hyperparameters``) and whether it goes to the ``networks`` or to ``compile``."""

    default: object
    help: str
    stage: str


# Arguments every family has, which the train CLI sets itself.
_COMMON = (
    set(inspect.signature(GAN.compile).parameters) | set(inspect.signature(GAN.from_hparams).parameters)
    | set(inspect.signature(GAN.build_networks).parameters) | {"self", "width"}
)


def hyperparameters(name):
    """{option: `Hyperparameter`} of the options family ``name`` adds to `GAN.compile` and to its
    networks, read from the signatures of its compile, build_networks and from_hparams."""
    family = get(name)
    declared = {}
    for cls in reversed(family.__mro__):
        declared.update(cls.__dict__.get("hyperparameters", {}))
    options = {}
    for stage, methods in (("networks", ("build_networks", "from_hparams")), ("compile", ("compile",))):
        for method in methods:
            for option, parameter in inspect.signature(getattr(family, method)).parameters.items():
                if option not in _COMMON and parameter.default is not inspect.Parameter.empty:
                    options[option] = Hyperparameter(parameter.default, declared.get(option, ""), stage)
    return options


__all__ = ["GAN", "Hyperparameter", "available", "get", "hyperparameters"]
