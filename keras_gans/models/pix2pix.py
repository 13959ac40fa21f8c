"""pix2pix: Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial Networks"
(arXiv:1611.07004).

A U-Net generator translates the input image; a PatchGAN discriminator scores overlapping
patches (70x70 receptive field at 256x256) of the input concatenated with a real or generated
target. G minimises the adversarial loss plus lambda * L1 to the target (lambda = 100). Trains on
paired data (``--dataset=facades --data_dir=../shared/data/facades``) with the paper's random
jitter and mirroring (`keras_gans.data.random_jitter`; ``--norandom_jitter`` turns it off).

Deviations from the paper:
- At inference the generator runs as a usual network (no dropout, batch-norm running
  statistics); the paper keeps dropout and test-batch statistics at test time as its noise.
- Of the stabilisers of `GAN.compile`, pix2pix takes DiffAugment and instance noise; the others
  are refused.
"""

import math

import keras
import tensorflow as tf
from keras import layers, ops

from keras_gans.errors import UsageError
from keras_gans.layers import Dropout
from keras_gans.models.base import GAN


def _normalization(kind):
    # Instance norm is group norm with one group per channel (Ulyanov et al. 2016).
    return layers.GroupNormalization(groups=-1) if kind == "instance" else layers.BatchNormalization(synchronized=True)


def takes_side(side):
    """A power of two of at least 8: the U-Net halves the side down to 1x1."""
    return side >= 8 and side & (side - 1) == 0


def build_unet(image_shape, out_channels, width=64):
    """Encoder C64-C128-C256-C512-... down to 1x1, decoder with skip connections and dropout 0.5 in
    its first three blocks (pix2pix's only source of noise), tanh output. The innermost
    (1x1) encoder layer has no batch norm, as in the authors' code: at batch size 1, the paper's
    setting, normalising a 1x1 map over the batch would make it a constant."""
    size = image_shape[0]
    depth = int(math.log2(size))
    if image_shape[0] != image_shape[1] or not takes_side(size):
        raise UsageError(f"pix2pix's U-Net needs square images whose side is a power of two >= 8; got {image_shape}. "
                         "Pass --image_size.")
    image = keras.Input(image_shape, name="z")
    h, skips = image, []
    for i in range(depth):
        h = layers.Conv2D(min(width * 2**i, width * 8), 4, strides=2, padding="same", use_bias=False)(h)
        if 0 < i < depth - 1:
            h = _normalization("batch")(h)
        h = layers.LeakyReLU(0.2)(h)
        skips.append(h)
    for i, skip in enumerate(reversed(skips[:-1])):
        h = layers.Conv2DTranspose(skip.shape[-1], 4, strides=2, padding="same", use_bias=False)(h)
        h = _normalization("batch")(h)
        if i < 3:
            h = Dropout(0.5)(h)
        h = layers.Concatenate()([layers.ReLU()(h), skip])
    h = layers.Conv2DTranspose(out_channels, 4, strides=2, padding="same")(h)
    return keras.Model(image, layers.Activation("tanh", dtype="float32", name="image")(h), name="generator")


def build_patch_discriminator(input_shape, width=64, normalization="batch"):
    """PatchGAN: C64-C128-C256 (stride 2), C512 (stride 1), a 1-channel map of patch scores."""
    image = keras.Input(input_shape, name="image")
    h = layers.LeakyReLU(0.2)(layers.Conv2D(width, 4, strides=2, padding="same")(image))
    for filters, strides in ((width * 2, 2), (width * 4, 2), (width * 8, 1)):
        h = layers.Conv2D(filters, 4, strides=strides, padding="same", use_bias=False)(h)
        h = layers.LeakyReLU(0.2)(_normalization(normalization)(h))
    scores = layers.Conv2D(1, 4, padding="same", dtype="float32", name="patch_scores")(h)
    return keras.Model(image, scores, name="discriminator")


def per_example(patch_losses):
    """Mean over each example's patches."""
    return ops.mean(ops.reshape(patch_losses, (ops.shape(patch_losses)[0], -1)), axis=1)


def l1_per_example(a, b):
    return per_example(ops.abs(a - b))


@keras.saving.register_keras_serializable(package="keras_gans")
class Pix2Pix(GAN):
    """U-Net generator and PatchGAN discriminator conditioned on the input image."""

    data_kind = "paired"
    stabilizers = ("instance_noise", "diff_augment")
    takes_side = staticmethod(takes_side)
    hyperparameters = {"l1_weight": "weight lambda of the L1 term"}

    def compile(self, *args, l1_weight=100.0, **kwargs):
        """As `GAN.compile`, plus lambda of the L1 term (100 in the paper)."""
        super().compile(*args, **kwargs)
        self.l1_weight = float(l1_weight)

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=64):
        channels = image_shape[-1]
        return (
            build_unet(image_shape, channels, width),
            build_patch_discriminator((*image_shape[:2], 2 * channels), width),
        )

    def patch_scores(self, inputs, targets, training=False):
        pair = ops.concatenate([inputs, targets], axis=-1)
        return self.discriminator(self.discriminator_view(pair) if training else pair, training=training)

    def translation_columns(self, inputs, targets):
        return [inputs, self.generate(inputs), targets]

    def train_step(self, data):
        inputs, targets = self.unpack_step_data(data)
        loss = self.adversarial_loss

        with tf.GradientTape() as tape:
            fake = self.generate(inputs, training=True)
            real_scores = self.patch_scores(inputs, targets, training=True)
            fake_scores = self.patch_scores(inputs, fake, training=True)
            d_per_example = per_example(loss.discriminator(real_scores, fake_scores))
            d_loss = self.reduce_loss(d_per_example)
        self.apply_update(tape, d_loss, self.discriminator_variables, self.d_optimizer)

        with tf.GradientTape() as tape:
            fake = self.generate(inputs, training=True)
            g_scores = self.patch_scores(inputs, fake, training=True)
            g_per_example = per_example(
                self.generator_adversarial_loss(g_scores, lambda: self.patch_scores(inputs, targets, training=True))
            )
            g_per_example += self.l1_weight * l1_per_example(targets, fake)
            g_loss = self.reduce_loss(g_per_example)
        self.apply_update(tape, g_loss, self.generator_variables, self.g_optimizer)
        self.update_ema()
        return self.update_metrics(ops.mean(d_per_example), ops.mean(g_per_example), real_scores, fake_scores)
