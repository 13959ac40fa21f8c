"""LSGAN: Mao et al. 2017, "Least Squares Generative Adversarial Networks" (arXiv:1611.04076).

DCGAN networks trained with the least-squares loss (a-b-c = 0-1-1), whose gradients do not vanish
for samples far on the right side of the decision boundary.

Deviations from the paper: the DCGAN networks of this library (batch norm in G and D, as the
paper's) at 28x28 or 32x32, not the paper's VGG-like 112x112 LSUN networks.
"""

import keras

from keras_gans.models.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class LSGAN(DCGAN):
    """DCGAN networks with ``least_squares`` as the default loss."""

    default_loss = "least_squares"
