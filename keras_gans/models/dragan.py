"""DRAGAN: Kodali, Abernethy, Hays & Kira 2017, "On Convergence and Stability of GANs"
(arXiv:1705.07215).

DCGAN networks trained with the standard GAN loss (non-saturating) plus a gradient penalty in a
neighbourhood of the real data: lambda E[(|grad_x D(x_hat)| - 1)^2], where x_hat lies between a
real image x and a perturbation of it, x_p = x + 0.5 std(x) u with u ~ U[0, 1) per pixel and std
over the batch, x_hat = x + alpha (x_p - x) with alpha ~ U[0, 1) per image; lambda = 10. Where
WGAN-GP penalises between the real and the generated data, DRAGAN penalises sharp gradients of D
around the real data only, against the mode collapse that they cause.

Deviations from the paper:
- The perturbation follows the authors' code (0.5 std(x) times uniform noise, then a random point
  between x and x_p); the paper writes it as x + delta with delta ~ N(0, cI).
- No batch norm in D (the penalty is per example), as for WGAN-GP; otherwise DCGAN's networks.
"""

import keras
from keras import ops

from keras_gans import global_batch
from keras_gans.models.base import STABILIZERS
from keras_gans.models.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class DRAGAN(DCGAN):
    """DCGAN networks, the non-saturating loss and DRAGAN's gradient penalty around real data."""

    discriminator_batch_norm = False
    stabilizers = STABILIZERS
    hyperparameters = {
        "gp_weight": "gradient-penalty weight lambda",
        "perturbation": "scale of the perturbation of real images, as a fraction of their standard deviation",
    }

    def compile(self, *args, gp_weight=10.0, perturbation=0.5, **kwargs):
        """As `GAN.compile`, plus the penalty weight lambda (10) and the perturbation's scale, a
        fraction of the real batch's standard deviation (0.5)."""
        super().compile(*args, **kwargs)
        self.gp_weight = float(gp_weight)
        self.perturbation = float(perturbation)

    def penalty_points(self, real):
        """Random points between each real image and its perturbation (draws of the global batch)."""
        per_example = ops.reshape(real, (ops.shape(real)[0], -1))
        mean = global_batch.mean(ops.mean(per_example, axis=1))
        variance = global_batch.mean(ops.mean(ops.square(per_example), axis=1)) - ops.square(mean)
        std = ops.sqrt(ops.maximum(variance, 0.0))  # float rounding can take a constant batch's below 0
        perturbed = real + self.perturbation * std * global_batch.uniform(ops.shape(real), self.seed_generator)
        alpha = global_batch.uniform((ops.shape(real)[0],) + (1,) * (len(real.shape) - 1), self.seed_generator)
        return real + alpha * (perturbed - real)

    def discriminator_penalty(self, real, fake, labels):
        points = self.penalty_points(real)
        return self.gp_weight * self.unit_gradient_penalty(points, labels) + super().discriminator_penalty(
            real, fake, labels
        )
