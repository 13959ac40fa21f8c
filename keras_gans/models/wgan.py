"""Wasserstein GANs on DCGAN networks (the critic has no batch norm, as both papers require):

* ``wgan``: Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN" (arXiv:1701.07875): the critic's
  weights are clipped to [-c, c] after each update; n_critic critic updates per G update.
* ``wgan_gp``: Gulrajani et al. 2017, "Improved Training of Wasserstein GANs"
  (arXiv:1704.00028): a penalty lambda E[(|grad D(x_hat)| - 1)^2] on random interpolates of real
  and generated images replaces the clipping.
"""

import keras
from keras import ops

from keras_gans import global_batch
from keras_gans.models.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(DCGAN):
    """Wasserstein critic with weight clipping; ``n_critic`` critic steps per generator step."""

    default_loss = "wasserstein"

    def compile(self, *args, n_critic=5, clip_value=0.01, **kwargs):
        """As `GAN.compile`, plus ``n_critic`` critic updates per G update and the clipping bound."""
        super().compile(*args, **kwargs)
        self.n_critic = int(n_critic)
        self.clip_value = float(clip_value)

    def constrain_critic(self):
        """Keeps the critic K-Lipschitz: clip every weight (Arjovsky et al. 2017, Algorithm 1)."""
        for weight in self.discriminator.trainable_weights:
            weight.assign(ops.clip(weight, -self.clip_value, self.clip_value))

    def train_step(self, data):
        real, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        for _ in range(self.n_critic):  # unrolled in the traced step
            d_per_example, real_scores, fake_scores = self.discriminator_step(real, labels)
            self.constrain_critic()
        g_per_example = self.unrolled_generator_step(real, labels)
        return self.update_metrics(ops.mean(d_per_example), ops.mean(g_per_example), real_scores, fake_scores)


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(WGAN):
    """Wasserstein critic with the gradient penalty instead of clipping."""

    def compile(self, *args, n_critic=5, gp_weight=10.0, **kwargs):
        """As `GAN.compile`, plus ``n_critic`` and the penalty weight lambda (10 in the paper)."""
        super().compile(*args, n_critic=n_critic, **kwargs)
        self.gp_weight = float(gp_weight)

    def constrain_critic(self):
        pass  # the gradient penalty replaces the clipping

    def discriminator_penalty(self, real, fake, labels):
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        mix = global_batch.uniform(shape, self.seed_generator)
        interpolates = mix * real + (1.0 - mix) * fake
        norm = ops.sqrt(self.squared_gradient_norm(interpolates, labels) + 1e-12)
        return self.gp_weight * ops.square(norm - 1.0) + super().discriminator_penalty(real, fake, labels)
