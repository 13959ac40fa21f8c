"""AC-GAN: Odena, Olah & Shlens 2017, "Conditional Image Synthesis with Auxiliary Classifier GANs"
(arXiv:1610.09585).

The generator is class-conditional; the discriminator is not: it sees only the image and outputs
a real/fake score and class logits. Both networks also minimise the classification loss (D on real
and generated images, G on generated ones).

Deviations from the paper: this library's DCGAN networks (the class embedded and concatenated with
z in G), without the paper's batch norm and dropout in D; the class loss has weight 1 in both
networks (``class_weight`` scales both, D's and G's), as in the paper's objective L_S + L_C.
``fake_class_loss=False`` trains D's classifier on real images only, as Keras' mnist_acgan example
does since keras-team/keras#8482 (which also weights the real images' class loss by 2 and G's by 1,
a split one ``class_weight`` cannot express): taught to classify G's fakes too, D rewards G for
the one most classifiable image per class, and samples collapse within each class (BUILD_NOTES.md,
issue 19).
"""

import keras
from keras import layers

from keras_gans.models import dcgan
from keras_gans.models.base import GAN


@keras.saving.register_keras_serializable(package="keras_gans")
class ACGAN(GAN):
    """Class-conditional G; D with an auxiliary classifier head."""

    conditional = True
    takes_side = staticmethod(dcgan.takes_side)
    hyperparameters = {
        **dcgan.NETWORK_OPTIONS,
        "class_weight": "weight of the auxiliary classification loss",
        "fake_class_loss": "whether D also learns to classify G's fakes, as the paper's L_C (false: real images only)",
    }
    label_conditioned_discriminator = False

    def compile(self, *args, class_weight=1.0, fake_class_loss=True, **kwargs):
        """As `GAN.compile`, plus the weight of the auxiliary classification loss and whether D
        takes it on fakes too."""
        super().compile(*args, **kwargs)
        self.class_weight = float(class_weight)
        self.fake_class_loss = bool(fake_class_loss)

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=64, minibatch_stddev=False, extra_layers=0):
        image, features = dcgan.discriminator_features(
            image_shape, width, minibatch_stddev=minibatch_stddev, extra_layers=extra_layers
        )
        score = layers.Dense(1, dtype="float32", name="score")(features)
        class_logits = layers.Dense(num_classes, dtype="float32", name="class_logits")(features)
        return (
            dcgan.build_generator(image_shape, latent_dim, width, num_classes=num_classes, extra_layers=extra_layers),
            keras.Model(image, [score, class_logits], name="discriminator"),
        )

    def class_loss(self, labels, class_logits):
        return self.class_weight * keras.losses.sparse_categorical_crossentropy(labels, class_logits, from_logits=True)

    def discriminator_auxiliary_loss(self, z, labels, real_auxiliary, fake_auxiliary):
        loss = self.class_loss(labels, real_auxiliary)
        if self.fake_class_loss:
            loss += self.class_loss(labels, fake_auxiliary)
        return loss

    def generator_auxiliary_loss(self, z, labels, fake_auxiliary):
        return self.class_loss(labels, fake_auxiliary)
