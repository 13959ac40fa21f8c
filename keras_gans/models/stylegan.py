"""StyleGAN, small (32x32): Karras, Laine & Aila 2019, "A Style-Based Generator Architecture for
Generative Adversarial Networks" (arXiv:1812.04948), with the modulated convolutions of Karras et
al. 2020, "Analyzing and Improving the Image Quality of StyleGAN" (arXiv:1912.04958).

G = synthesis(mapping(z)): an MLP maps z to w; a learned 4x4 constant is upsampled to 32x32 by
modulated 3x3 convolutions, each styled by w and followed by per-pixel noise and LeakyReLU; a
styled 1x1 convolution makes the image. Training mixes the styles of two latents at a random
layer for 90% of the samples (style mixing) and tracks the average w for the truncation trick.
G has the equalised learning rate (`keras_gans.layers.EqualizedDense`, `ModulatedConv2D`), the
mapping network at 0.01 of the rate. The recipe adds the R1 penalty as the papers do.

Deviations from the papers (a small variant for 32x32 images):
- D is this library's DCGAN-style discriminator with a minibatch standard-deviation channel (groups
  of 4), not StyleGAN's residual D, and has no equalised learning rate; so its recipe's D learns at
  2e-4, not the papers' 2e-3 (meant for weights stored as N(0, 1) draws: on this D's Glorot weights
  one Adam step at 2e-3 is about 10% of a weight).
- A 4-layer mapping network (8 in the papers).
- No progressive growing, skip or residual toRGB outputs, path-length regularisation or lazy
  regularisation.
- Style mixing draws its crossover layer per sample (the authors' code, one per batch), and the
  modulated convolutions upsample bilinearly (StyleGAN2: a [1, 3, 3, 1] low-pass filter).
- The image passes through tanh, as this library's generators do ([-1, 1] images); StyleGAN's
  output layer is linear (clamped only when the image is saved).
"""

import math

import keras
from keras import layers, ops

from keras_gans import global_batch
from keras_gans.errors import UsageError
from keras_gans.layers import (ConstantInput, EqualizedDense, ModulatedConv2D, NoiseInjection, PixelNormalization,
                               Truncation)
from keras_gans.models import dcgan
from keras_gans.models.base import GAN

MIXING_PROBABILITY = 0.9
W_AVG_DECAY = 0.995
MAPPING_LR_MULTIPLIER = 0.01
# StyleGAN's gain after each leaky ReLU: it keeps the activations' scale from layer to layer, which the
# equalised weights (and the next layer's demodulation) assume.
LEAKY_RELU_GAIN = math.sqrt(2)


def takes_side(side):
    """4 x a power of two: the synthesis network doubles a 4x4 constant."""
    return side >= 4 and side % 4 == 0 and (side // 4) & (side // 4 - 1) == 0


def build_mapping(latent_dim, mapping_layers=4):
    z = keras.Input((latent_dim,), name="z")
    h = PixelNormalization(name="pixel_norm")(z)
    for _ in range(mapping_layers):
        # StyleGAN's mapping network learns 100 times slower than the rest (equalised, lr x 0.01).
        h = layers.LeakyReLU(0.2)(EqualizedDense(latent_dim, lr_multiplier=MAPPING_LR_MULTIPLIER)(h))
        h = layers.Rescaling(LEAKY_RELU_GAIN)(h)
    return keras.Model(z, h, name="mapping")


def build_synthesis(image_shape, w_dim, width=64):
    size = image_shape[0]
    upsamplings = int(math.log2(size // 4))
    if image_shape[0] != image_shape[1] or not takes_side(size):
        raise UsageError(f"stylegan makes square images of 4 x a power of two (e.g. 32); got {image_shape[:2]}. "
                         "Pass --image_size=32.")
    num_styles = 2 + 2 * upsamplings
    styles = keras.Input((num_styles, w_dim), name="styles")
    filters = 4 * width

    def styled(h, index, upsample=False):
        h = ModulatedConv2D(filters, 3, upsample=upsample, style_index=index)([h, styles])
        return layers.Rescaling(LEAKY_RELU_GAIN)(layers.LeakyReLU(0.2)(NoiseInjection()(h)))

    h = styled(ConstantInput(4, filters)(styles), 0)
    for i in range(upsamplings):
        h = styled(h, 1 + 2 * i, upsample=True)
        h = styled(h, 2 + 2 * i)
    image = ModulatedConv2D(image_shape[-1], 1, demodulate=False, style_index=num_styles - 1, name="to_rgb")([h, styles])
    return keras.Model(styles, layers.Activation("tanh", dtype="float32", name="image")(image), name="synthesis")


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN(GAN):
    """``generator`` is z -> image (mapping, truncation, synthesis); training uses the mapping and
    synthesis parts directly for style mixing."""

    takes_side = staticmethod(takes_side)
    hyperparameters = {"mapping_layers": "layers of the mapping network (8 in the papers)"}

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=64, mapping_layers=4):
        mapping, synthesis = build_mapping(latent_dim, mapping_layers), build_synthesis(image_shape, latent_dim, width)
        num_styles = synthesis.inputs[0].shape[1]
        z = keras.Input((latent_dim,), name="z")
        w = Truncation(name="truncation")(mapping(z))
        image = synthesis(layers.RepeatVector(num_styles)(w))
        image_d, features = dcgan.discriminator_features(image_shape, width, minibatch_stddev=True)
        discriminator = keras.Model(image_d, layers.Dense(1, dtype="float32", name="score")(features), name="discriminator")
        return keras.Model(z, image, name="generator"), discriminator

    @property
    def mapping(self):
        return self.generator.get_layer("mapping")

    @property
    def synthesis(self):
        return self.generator.get_layer("synthesis")

    def mixed_styles(self, z):
        """Per-layer styles: w(z) everywhere, except that for 90% of the samples the layers from a
        random crossover point on take w of a second latent (style mixing regularisation)."""
        num_styles = self.synthesis.inputs[0].shape[1]
        w = self.mapping(z, training=True)
        w_other = self.mapping(self.sample_latent(ops.shape(z)[0]), training=True)
        batch = ops.shape(z)[0]
        crossover = global_batch.randint((batch, 1), self.seed_generator, 1, num_styles)
        mixing = global_batch.uniform((batch, 1), self.seed_generator) < MIXING_PROBABILITY
        crossover = ops.where(mixing, crossover, num_styles)
        use_other = ops.arange(num_styles)[None, :] >= crossover  # [B, L]
        # The global batch's mean w, so every replica keeps the same average.
        w_avg = self.generator.get_layer("truncation").w_avg
        w_avg.assign(W_AVG_DECAY * w_avg + (1 - W_AVG_DECAY) * global_batch.mean(ops.cast(w, w_avg.dtype)))
        return ops.where(use_other[:, :, None], w_other[:, None, :], w[:, None, :])

    def generate(self, z, labels=None, training=False):
        if not training:
            return super().generate(z, labels, training=False)
        return self.synthesis(self.mixed_styles(z), training=True)

    def truncated(self, psi):
        """The sampling generator with truncation psi (a copy; 1 = none, smaller = closer to the
        average image)."""
        copy = keras.models.clone_model(self.sampling_generator)
        copy.set_weights(self.sampling_generator.get_weights())
        copy.get_layer("truncation").psi = psi
        return copy
