"""Class-conditional GAN: Mirza & Osindero 2014, "Conditional Generative Adversarial Nets"
(arXiv:1411.1784), with the projection discriminator of Miyato & Koyama 2018, "cGANs with
Projection Discriminator" (arXiv:1802.05637).

The generator embeds the label and concatenates it with ``z``; the discriminator adds the inner
product of a class embedding with its features to its score. The DCGAN networks serve both.

Deviations from Mirza & Osindero: convolutional networks instead of their MLPs with dropout, a
learned label embedding in G instead of a one-hot vector, and the projection discriminator instead
of concatenating the label to D's input.
"""

import keras

from keras_gans.errors import UsageError
from keras_gans.models import dcgan
from keras_gans.models.base import GAN


@keras.saving.register_keras_serializable(package="keras_gans")
class CGAN(GAN):
    """Class-conditional DCGAN; each batch's real labels condition its generated images."""

    conditional = True
    takes_side = staticmethod(dcgan.takes_side)
    hyperparameters = dcgan.NETWORK_OPTIONS

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=64, minibatch_stddev=False, extra_layers=0):
        if num_classes < 2:
            raise UsageError(
                "cgan is class-conditional and needs labelled data with at least 2 classes; "
                "use dcgan for unlabelled images."
            )
        return (
            dcgan.build_generator(image_shape, latent_dim, width, num_classes=num_classes, extra_layers=extra_layers),
            dcgan.build_discriminator(
                image_shape, width, num_classes=num_classes, minibatch_stddev=minibatch_stddev, extra_layers=extra_layers
            ),
        )
