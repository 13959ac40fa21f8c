"""SNGAN: Miyato et al. 2018, "Spectral Normalization for Generative Adversarial Networks"
(arXiv:1802.05957): every layer of D is spectrally normalised (one power iteration per
training-mode call of D, as the authors' Chainer code updates u on every forward pass;
reparametrised as the paper does: `keras_gans.layers.SpectralNormalization`), trained with the
hinge loss.

Deviations from the paper: this library's DCGAN-style networks (5x5 stride-2 convolutions in D)
instead of the paper's "standard CNN" (3x3 and 4x4 convolutions, 64 to 512 channels). The recipe
trains with two time-scales (G 1e-4, D 4e-4, Adam (0, 0.9), one D step per G step, as SAGAN does)
rather than one of the paper's settings (e.g. 2e-4 for both with 5 D steps per G step), which
gives G five times the updates per real image seen.
"""

import keras

from keras_gans.models import dcgan
from keras_gans.models.base import GAN


@keras.saving.register_keras_serializable(package="keras_gans")
class SNGAN(GAN):
    """DCGAN generator, spectrally normalised discriminator, hinge loss."""

    default_loss = "hinge"
    takes_side = staticmethod(dcgan.takes_side)
    hyperparameters = dcgan.NETWORK_OPTIONS

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=64, minibatch_stddev=False, extra_layers=0):
        return (
            dcgan.build_generator(image_shape, latent_dim, width, extra_layers=extra_layers),
            dcgan.build_discriminator(
                image_shape, width, spectral_norm=True, minibatch_stddev=minibatch_stddev, extra_layers=extra_layers
            ),
        )
