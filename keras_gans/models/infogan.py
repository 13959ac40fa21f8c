"""InfoGAN: Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by Information
Maximizing Generative Adversarial Nets" (arXiv:1606.03657).

The generator's input carries latent codes: a categorical code of ``num_categories`` (one-hot)
and ``num_continuous`` codes uniform in [-1, 1]. A Q head on D's features predicts the codes from
generated images; D (with Q) and G both minimise the resulting lower bound on the mutual
information: cross-entropy for the categorical code and a fixed-variance Gaussian log-likelihood
(half the squared error) for the continuous ones.

Deviations from the paper:
- The codes are read off standard normal latents inside G (`keras_gans.layers.LatentCodes`: one
  coordinate picks the category, one per continuous code maps to (-1, 1)), so ``z`` is N(0, I)
  like every family's and any sampler draws the codes as trained; ``latent_dim`` counts those
  1 + num_continuous coordinates. The continuous codes are uniform to within 3.6e-4 of the CDF.
- DCGAN networks of this library, not the paper's MNIST ones. There G has two dense layers (1024,
  then 7x7x128) before 4x4 transposed convolutions, D has batch norm after its second convolution
  and a 1024-unit dense layer, and Q batch norm; here G has one dense layer and 5x5 transposed
  convolutions, D no batch norm and no dense layer before its heads, and Q one 128-unit dense
  layer without batch norm.
- The continuous codes' weight is 0.1 of the categorical code's: the paper sets lambda 1 for
  discrete codes and "a smaller lambda" for continuous ones; the authors' MNIST code uses 1 with a
  fixed unit variance, and 0.1 is what common reimplementations use.
"""

import keras
from keras import layers

from keras_gans import sampling
from keras_gans.errors import UsageError
from keras_gans.layers import LatentCodes
from keras_gans.models import dcgan
from keras_gans.models.base import GAN


@keras.saving.register_keras_serializable(package="keras_gans")
class InfoGAN(GAN):
    """Unconditional G whose latent carries interpretable codes; D with a code-predicting Q head."""

    num_categories, num_continuous = 10, 2
    takes_side = staticmethod(dcgan.takes_side)
    hyperparameters = {
        **dcgan.NETWORK_OPTIONS,
        "info_weight": "weight lambda of the information term",
        "continuous_weight": "weight of the continuous codes within the information term",
    }

    def compile(self, *args, info_weight=1.0, continuous_weight=0.1, **kwargs):
        """As `GAN.compile`, plus lambda of the information term and the continuous codes' weight
        (1, as the paper, and 0.1: see the module's deviations)."""
        super().compile(*args, **kwargs)
        self.info_weight = float(info_weight)
        self.continuous_weight = float(continuous_weight)

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=64, minibatch_stddev=False, extra_layers=0):
        code_coordinates = 1 + cls.num_continuous
        if latent_dim <= code_coordinates:
            raise UsageError(f"infogan needs latent_dim > {code_coordinates} (noise and the code coordinates).")
        image, features = dcgan.discriminator_features(
            image_shape, width, minibatch_stddev=minibatch_stddev, extra_layers=extra_layers
        )
        score = layers.Dense(1, dtype="float32", name="score")(features)
        q = layers.LeakyReLU(0.2)(layers.Dense(128)(features))
        codes = layers.Dense(cls.num_categories + cls.num_continuous, dtype="float32", name="codes")(q)
        z = keras.Input((latent_dim,), name="z")
        coded = LatentCodes(cls.num_categories, cls.num_continuous, name="latent_codes", dtype="float32")(z)
        body = dcgan.build_generator(image_shape, coded.shape[-1], width, extra_layers=extra_layers)
        return (
            keras.Model(z, body(coded), name="generator"),
            keras.Model(image, [score, codes], name="discriminator"),
        )

    @property
    def latent_codes(self):
        return self.generator.get_layer("latent_codes")

    def code_latents(self, z, category=None, continuous=None):
        """Latents ``z`` (NumPy) with chosen codes, for exploring what each code controls."""
        codes = {"category": category, "continuous": continuous}
        return sampling.set_codes(z, self.latent_codes.layout, codes, "infogan")

    def information_loss(self, z, predicted_codes):
        """Per-example negative lower bound on I(codes; G(z, codes)), up to constants."""
        _, category, continuous = self.latent_codes.codes(z)
        categorical = keras.losses.sparse_categorical_crossentropy(
            category, predicted_codes[:, : self.num_categories], from_logits=True
        )
        squared_error = keras.ops.square(continuous - predicted_codes[:, self.num_categories :])
        return self.info_weight * (categorical + self.continuous_weight * 0.5 * keras.ops.sum(squared_error, axis=1))

    def discriminator_auxiliary_loss(self, z, labels, real_auxiliary, fake_auxiliary):
        return self.information_loss(z, fake_auxiliary)

    def generator_auxiliary_loss(self, z, labels, fake_auxiliary):
        return self.information_loss(z, fake_auxiliary)
