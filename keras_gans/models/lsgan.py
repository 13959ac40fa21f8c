"""LSGAN: Mao et al. 2017, "Least Squares Generative Adversarial Networks" (arXiv:1611.04076).

DCGAN networks trained with the least-squares loss (a-b-c = 0-1-1), whose gradients do not vanish
for samples far on the right side of the decision boundary.
"""

import keras

from keras_gans.models.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class LSGAN(DCGAN):
    """DCGAN networks with ``least_squares`` as the default loss."""

    default_loss = "least_squares"
