"""BigGAN, small (28x28, 32x32, ...): Brock, Donahue & Simonyan 2019, "Large Scale GAN Training for
High Fidelity Natural Image Synthesis" (arXiv:1809.11096).

Residual G with class-conditional batch norm and hierarchical latents (z split into one chunk for
the first layer and one per residual block, each block's batch norm conditioned on its chunk and
the shared class embedding), residual D with spectral norm everywhere, global sum pooling and a
projection head (Miyato & Koyama 2018), hinge loss, two D steps per G step, orthogonal
regularisation of G's weights (beta * |W^T W * (1 - I)|_F^2, beta = 1e-4), and an EMA generator
(``--ema_decay``). Sampling with truncation: `keras_gans.sampling.latents(..., truncation=0.5)`.

Deviations from the paper (a small variant for 28x28 and 32x32 images):
- No spectral norm in G and no self-attention block.
- Blocks keep 4 x width channels throughout (the paper's CIFAR model does the same); every D block
  has a 1x1 convolution shortcut (the authors' code uses the identity where nothing changes shape).
- The orthogonal penalty is differentiated as the paper writes it, which gives twice the gradient
  the authors' code applies by hand (``utils.ortho``): beta 1e-4 here acts as their 2e-4.
- The EMA generator averages from the first step with StyleGAN2-ADA's ramp-up of its decay
  (`GAN.ramped_ema_decay`), where the authors' starts at 20k steps, more than these runs take. As
  theirs, it samples with batch-norm statistics re-estimated for the averaged weights (standing
  statistics, `GAN.refresh_standing_statistics`).
- Glorot initialisation (orthogonal in the paper), Adam's epsilon 1e-7 (1e-6).
- Each step's fakes take the classes of its real batch (the authors' draw them uniformly), as in
  every conditional family here.
"""

import keras
from keras import layers, ops

from keras_gans.errors import UsageError
from keras_gans.layers import ConditionalBatchNormalization, LatentChunks, NearestUpsampling2D, SpectralNormalization
from keras_gans.models.base import GAN, STABILIZERS
from keras_gans.models.dcgan import check_square, doublings, maybe_spectral, start_size, takes_side


def _generator_block(h, condition, filters):
    skip = layers.Conv2D(filters, 1)(NearestUpsampling2D()(h))
    h = layers.ReLU()(ConditionalBatchNormalization()([h, condition]))
    h = layers.Conv2D(filters, 3, padding="same")(NearestUpsampling2D()(h))
    h = layers.ReLU()(ConditionalBatchNormalization()([h, condition]))
    h = layers.Conv2D(filters, 3, padding="same")(h)
    return layers.Add()([h, skip])


def _discriminator_block(h, filters, downsample=True, first=False):
    def sn_conv(f, k):
        return SpectralNormalization(layers.Conv2D(f, k, padding="same"))

    skip = sn_conv(filters, 1)(h)
    h = sn_conv(filters, 3)(h if first else layers.ReLU()(h))
    h = sn_conv(filters, 3)(layers.ReLU()(h))
    if downsample:
        h, skip = layers.AveragePooling2D(2)(h), layers.AveragePooling2D(2)(skip)
    return layers.Add()([h, skip])


def build_generator(image_shape, latent_dim, num_classes, width=64, embedding_dim=128):
    """Residual blocks that double the side from `start_size` (4 -> 32 as in the paper's CIFAR
    model; 7 -> 28 for MNIST-sized data, which a resize would blur), with hierarchical latents."""
    check_square(image_shape)
    size = start_size(image_shape[0])
    blocks = doublings(image_shape[0])
    if latent_dim < blocks + 1:
        raise UsageError(f"biggan splits z into {blocks + 1} chunks here: it needs latent_dim >= {blocks + 1}.")
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    chunks = LatentChunks(blocks + 1)(z)
    embedding = layers.Embedding(num_classes, embedding_dim, name="shared_embedding")(label)
    h = layers.Reshape((size, size, 4 * width))(layers.Dense(size * size * 4 * width)(chunks[0]))
    for chunk in chunks[1:]:
        h = _generator_block(h, layers.Concatenate()([chunk, embedding]), 4 * width)
    h = layers.ReLU()(layers.BatchNormalization(synchronized=True)(h))
    h = layers.Conv2D(image_shape[-1], 3, padding="same")(h)
    return keras.Model([z, label], layers.Activation("tanh", dtype="float32", name="image")(h), name="generator")


def build_discriminator(image_shape, num_classes, width=64):
    """Downsampling residual blocks until the side is at most 8 (32 -> 16 -> 8, 28 -> 14 -> 7),
    two more at that size, global sum pooling and the projection head."""
    check_square(image_shape)
    image = keras.Input(image_shape, name="image")
    label = keras.Input((), dtype="int32", name="label")
    h = _discriminator_block(image, 4 * width, first=True)
    while h.shape[1] > 8:
        h = _discriminator_block(h, 4 * width)
    h = _discriminator_block(h, 4 * width, downsample=False)
    h = _discriminator_block(h, 4 * width, downsample=False)
    features = layers.GlobalAveragePooling2D()(layers.ReLU()(h))
    features = layers.Rescaling(float(h.shape[1] * h.shape[2]))(features)  # global *sum* pooling
    score = maybe_spectral(layers.Dense(1, dtype="float32", name="score"), True)(features)
    class_embedding = SpectralNormalization(layers.Embedding(num_classes, features.shape[-1]))(label)
    projection = layers.Dot(axes=1, dtype="float32")([class_embedding, features])
    return keras.Model([image, label], layers.Add(dtype="float32")([score, projection]), name="discriminator")


def off_diagonal_gram(matrix):
    """|W^T W * (1 - I)|_F^2: zero when W's columns are orthogonal, whatever their norms
    (Brock et al. 2019, eq. 3)."""
    gram = ops.matmul(ops.transpose(matrix), matrix)
    return ops.sum(ops.square(gram * (1.0 - ops.eye(gram.shape[0], dtype=gram.dtype))))


@keras.saving.register_keras_serializable(package="keras_gans")
class BigGAN(GAN):
    """Small class-conditional BigGAN with orthogonal regularisation of G."""

    conditional = True
    default_loss = "hinge"
    default_n_critic = 2
    truncation_trick = True
    hyperparameters = {"orthogonal_weight": "orthogonal regularisation beta of G"}
    takes_side = staticmethod(takes_side)
    # Feature matching reads a flattened feature layer, which global sum pooling replaces here.
    stabilizers = tuple(name for name in STABILIZERS if name != "feature_matching")

    def compile(self, *args, orthogonal_weight=1e-4, **kwargs):
        """As `GAN.compile`, plus beta of the orthogonal regularisation (1e-4 in the paper)."""
        super().compile(*args, **kwargs)
        self.orthogonal_weight = float(orthogonal_weight)

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=64):
        if num_classes < 2:
            raise UsageError("biggan is class-conditional and needs labelled data with at least 2 classes.")
        return build_generator(image_shape, latent_dim, num_classes, width), build_discriminator(image_shape, num_classes, width)

    def orthogonal_penalty(self):
        """beta * the sum of `off_diagonal_gram` over G's conv and dense kernels."""
        kernels = [w for w in self.generator.trainable_weights if len(w.shape) >= 2 and "embedding" not in w.path]
        return self.orthogonal_weight * sum(off_diagonal_gram(ops.reshape(w, (-1, w.shape[-1]))) for w in kernels)

    def generator_auxiliary_loss(self, z, labels, fake_auxiliary):
        # The same penalty on every example: reduce_loss turns it back into the penalty.
        return self.orthogonal_penalty() * ops.ones((ops.shape(z)[0],))
