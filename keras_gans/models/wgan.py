"""Wasserstein GANs on DCGAN networks:

* ``wgan``: Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN" (arXiv:1701.07875): the critic's
  weights are clipped to [-c, c] after each update; n_critic = 5 critic updates per G update,
  each on a fresh real batch; the DCGAN critic with batch norm, as in the authors' code. The
  paper trains with RMSProp at 5e-5 (the recipe: ``--optimizer=rmsprop``).
* ``wgan_gp``: Gulrajani et al. 2017, "Improved Training of Wasserstein GANs"
  (arXiv:1704.00028): a penalty lambda E[(|grad D(x_hat)| - 1)^2] on random interpolates of real
  and generated images replaces the clipping; no batch norm in the critic (the penalty is per
  example), n_critic = 5 on fresh batches, Adam(1e-4, 0, 0.9) in the recipe as in the paper.

Deviations from the papers: the DCGAN networks of this library at 28x28 or 32x32 (WGAN-GP's MNIST
and CIFAR results use its own DCGAN-like and ResNet networks). WGAN keeps n_critic at 5 throughout,
as the paper's Algorithm 1; the authors' code also gives the critic 100 updates per G update for
the first 25 G updates and every 500th.
"""

import keras
from keras import ops

from keras_gans import global_batch
from keras_gans.models.base import GAN, STABILIZERS
from keras_gans.models.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(DCGAN):
    """Wasserstein critic with weight clipping; ``n_critic`` critic steps per generator step."""

    default_loss = "wasserstein"
    default_n_critic = 5
    hyperparameters = {"clip_value": "the critic's weight-clipping bound c"}

    def compile(self, *args, clip_value=0.01, **kwargs):
        """As `GAN.compile`, plus the clipping bound c."""
        super().compile(*args, **kwargs)
        self.clip_value = float(clip_value)

    def constrain_critic(self):
        """Keeps the critic K-Lipschitz: clip every weight (Arjovsky et al. 2017, Algorithm 1)."""
        for weight in self.discriminator.trainable_weights:
            weight.assign(ops.clip(weight, -self.clip_value, self.clip_value))


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(WGAN):
    """Wasserstein critic with the gradient penalty instead of clipping."""

    def compile(self, *args, gp_weight=10.0, **kwargs):
        """As `GAN.compile`, plus the penalty weight lambda (10 in the paper)."""
        super().compile(*args, **kwargs)
        self.gp_weight = float(gp_weight)

    discriminator_batch_norm = False
    stabilizers = STABILIZERS
    hyperparameters = {"gp_weight": "gradient-penalty weight lambda"}
    constrain_critic = GAN.constrain_critic  # the gradient penalty replaces the clipping

    def discriminator_penalty(self, real, fake, labels):
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        mix = global_batch.uniform(shape, self.seed_generator)
        interpolates = mix * real + (1.0 - mix) * fake
        return self.gp_weight * self.unit_gradient_penalty(interpolates, labels) + super().discriminator_penalty(
            real, fake, labels
        )
