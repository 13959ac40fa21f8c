"""InfoGAN: Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by Information
Maximizing Generative Adversarial Nets" (arXiv:1606.03657).

The generator's input ``z`` (size ``latent_dim``) ends with latent codes: a one-hot categorical
code of ``num_categories`` and ``num_continuous`` codes uniform in [-1, 1]. A Q head on D's
features predicts the codes from generated images; D (with Q) and G both minimise the resulting
lower bound on the mutual information: cross-entropy for the categorical code and a fixed-variance
Gaussian log-likelihood (half the squared error) for the continuous ones.
"""

import keras
from keras import layers, ops

from keras_gans.models import dcgan
from keras_gans.models.base import GAN


@keras.saving.register_keras_serializable(package="keras_gans")
class InfoGAN(GAN):
    """Unconditional G whose latent ends with interpretable codes; D with a code-predicting Q head."""

    num_categories, num_continuous = 10, 2

    def compile(self, *args, info_weight=1.0, continuous_weight=0.1, **kwargs):
        """As `GAN.compile`, plus lambda of the information term and the continuous codes' weight
        (1 and 0.1, as in the paper's MNIST experiments)."""
        super().compile(*args, **kwargs)
        self.info_weight = float(info_weight)
        self.continuous_weight = float(continuous_weight)

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=64, minibatch_stddev=False, extra_layers=0):
        if latent_dim <= cls.num_categories + cls.num_continuous:
            raise ValueError(f"infogan needs latent_dim > {cls.num_categories + cls.num_continuous} (noise + codes)")
        image, features = dcgan.discriminator_features(
            image_shape, width, minibatch_stddev=minibatch_stddev, extra_layers=extra_layers
        )
        score = layers.Dense(1, dtype="float32", name="score")(features)
        q = layers.LeakyReLU(0.2)(layers.Dense(128)(features))
        codes = layers.Dense(cls.num_categories + cls.num_continuous, dtype="float32", name="codes")(q)
        return (
            dcgan.build_generator(image_shape, latent_dim, width, extra_layers=extra_layers),
            keras.Model(image, [score, codes], name="discriminator"),
        )

    def sample_latent(self, batch_size):
        """Gaussian noise followed by a random one-hot category and uniform continuous codes."""
        noise = super().sample_latent(batch_size)[:, : self.latent_dim - self.num_categories - self.num_continuous]
        category = keras.random.randint((batch_size,), 0, self.num_categories, seed=self.seed_generator)
        continuous = keras.random.uniform((batch_size, self.num_continuous), -1.0, 1.0, seed=self.seed_generator)
        return self.code_latents(noise, category, continuous)

    def code_latents(self, noise, category, continuous):
        """A latent from chosen codes, for exploring what each code controls."""
        return ops.concatenate([noise, ops.one_hot(category, self.num_categories), continuous], axis=1)

    def information_loss(self, z, predicted_codes):
        """Per-example negative lower bound on I(codes; G(z, codes)), up to constants."""
        true_category = ops.argmax(z[:, -self.num_categories - self.num_continuous : -self.num_continuous], axis=1)
        categorical = keras.losses.sparse_categorical_crossentropy(
            true_category, predicted_codes[:, : self.num_categories], from_logits=True
        )
        continuous = 0.5 * ops.sum(ops.square(z[:, -self.num_continuous :] - predicted_codes[:, self.num_categories :]), axis=1)
        return self.info_weight * (categorical + self.continuous_weight * continuous)

    def discriminator_auxiliary_loss(self, z, labels, real_auxiliary, fake_auxiliary):
        return self.information_loss(z, fake_auxiliary)

    def generator_auxiliary_loss(self, z, labels, fake_auxiliary):
        return self.information_loss(z, fake_auxiliary)
