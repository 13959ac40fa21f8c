"""Adversarial losses, each defined once.

Every loss works on the discriminator's raw outputs (logits or critic scores) and returns a
per-example loss of shape ``[batch]``; the model reduces it for the global batch, so the same
functions serve one device, several replicas and several workers.

Formulas follow the papers and TF-GAN's ``tfgan.losses`` (which no longer imports on TF >= 2.16):

* ``minimax``: Goodfellow et al. 2014, G minimises log(1 - D(G(z))).
* ``non_saturating``: the same D loss, G maximises log D(G(z)) (Goodfellow et al. 2014, sec. 3).
* ``least_squares``: Mao et al. 2017 (LSGAN), targets a=0 (fake), b=1 (real), c=1 (G).
* ``wasserstein``: Arjovsky et al. 2017, critic maximises D(x) - D(G(z)).
* ``hinge``: Lim & Ye 2017, Miyato et al. 2018: D uses relu(1 - D(x)) + relu(1 + D(G(z))).
* ``relativistic``: relativistic average GAN, Jolicoeur-Martineau 2019 (RaSGAN).
"""

import dataclasses
from typing import Callable

from keras import ops

from keras_gans.errors import UsageError


@dataclasses.dataclass(frozen=True)
class AdversarialLoss:
    """A pair of per-example loss functions and how to read D's output as a score.

    ``discriminator(real, fake)`` and ``generator(real, fake)`` take D's raw outputs on a real and a
    generated batch of equal size. ``probabilistic`` says whether ``sigmoid(output)`` is D's
    probability that the input is real (used for the ``d_real`` / ``d_fake`` metrics).
    ``generator_uses_real`` says whether the G loss reads the real scores at all (only the
    relativistic one does), so that the models score the real batch for G only then.
    """

    name: str
    discriminator: Callable
    generator: Callable
    probabilistic: bool
    generator_uses_real: bool = False


def _minimax_d(real, fake):
    # -log(sigmoid(x)) == softplus(-x), computed without overflow.
    return ops.softplus(-real) + ops.softplus(fake)


def _minimax_g(real, fake):
    # log(1 - sigmoid(f)) = -softplus(f); G minimises it.
    return -ops.softplus(fake)


def _non_saturating_g(real, fake):
    return ops.softplus(-fake)


def _least_squares_d(real, fake):
    return 0.5 * (ops.square(real - 1.0) + ops.square(fake))


def _least_squares_g(real, fake):
    return 0.5 * ops.square(fake - 1.0)


def _wasserstein_d(real, fake):
    return fake - real


def _wasserstein_g(real, fake):
    return -fake


def _hinge_d(real, fake):
    return ops.relu(1.0 - real) + ops.relu(1.0 + fake)


def _relativistic_d(real, fake):
    real_vs_fake = real - ops.mean(fake)
    fake_vs_real = fake - ops.mean(real)
    return ops.softplus(-real_vs_fake) + ops.softplus(fake_vs_real)


def _relativistic_g(real, fake):
    return _relativistic_d(fake, real)


LOSSES = {
    loss.name: loss
    for loss in (
        AdversarialLoss("minimax", _minimax_d, _minimax_g, probabilistic=True),
        AdversarialLoss("non_saturating", _minimax_d, _non_saturating_g, probabilistic=True),
        AdversarialLoss("least_squares", _least_squares_d, _least_squares_g, probabilistic=False),
        AdversarialLoss("wasserstein", _wasserstein_d, _wasserstein_g, probabilistic=False),
        # The hinge G loss is the Wasserstein one (Miyato et al. 2018, eq. 17).
        AdversarialLoss("hinge", _hinge_d, _wasserstein_g, probabilistic=False),
        AdversarialLoss("relativistic", _relativistic_d, _relativistic_g, probabilistic=True, generator_uses_real=True),
    )
}


def get(name):
    """Returns the `AdversarialLoss` called ``name``; an unknown name lists the known ones."""
    if isinstance(name, AdversarialLoss):
        return name
    if name not in LOSSES:
        raise UsageError(f"Unknown adversarial loss {name!r}. Known losses: {', '.join(sorted(LOSSES))}.")
    return LOSSES[name]
