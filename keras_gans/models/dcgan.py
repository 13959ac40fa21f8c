"""DCGAN: Radford, Metz & Chintala 2015, "Unsupervised Representation Learning with Deep
Convolutional Generative Adversarial Networks" (arXiv:1511.06434).

Transposed-convolution generator with batch norm and ReLU, strided-convolution discriminator with
LeakyReLU(0.2), no pooling and no fully connected hidden layers. The builders take an optional
number of classes so the class-conditional family (`cgan`) reuses them, and ``extra_layers``:
that many 3x3 stride-1 convolutions at half the image size, before G's output layer and after D's
first layer (the ``n_extra_layers`` of the DCGAN networks in Arjovsky et al.'s WGAN code, 2017),
to deepen both networks where it costs little.
"""

import keras
from keras import layers

from keras_gans.errors import UsageError
from keras_gans.layers import MinibatchStdDev, SpectralNormalization
from keras_gans.models.base import GAN, STABILIZERS


def start_size(image_size):
    """Spatial size the generator starts from: halve while even and at least 4 afterwards."""
    size = image_size
    while size % 2 == 0 and size // 2 >= 4:
        size //= 2
    return size


def doublings(image_size):
    """How many times the side doubles from `start_size` to ``image_size``."""
    return (image_size // start_size(image_size)).bit_length() - 1


def takes_side(side):
    """Whether these networks take square images of this side: a small size times a power of two."""
    return start_size(side) <= 8


def check_square(image_shape):
    height, width, _ = image_shape
    if height != width or not takes_side(height):
        raise UsageError(
            f"These networks need square images whose side is a small size (4 to 8) times a power "
            f"of two, such as 28, 32 or 64; got {height}x{width}. Pass --image_size to resize."
        )


def build_generator(image_shape, latent_dim, width=64, num_classes=0, label_embedding_dim=50, extra_layers=0,
                    kernel_initializer="glorot_uniform"):
    """``z`` (and a class label, embedded and concatenated: Mirza & Osindero 2014) -> image in [-1, 1]."""
    init = {"kernel_initializer": kernel_initializer}
    check_square(image_shape)
    height, _, channels = image_shape
    size = start_size(height)
    upsamplings = doublings(height)
    filters = width * 2**upsamplings

    z = keras.Input((latent_dim,), name="z")
    inputs, h = [z], z
    if num_classes:
        label = keras.Input((), dtype="int32", name="label")
        inputs.append(label)
        h = layers.Concatenate()([z, layers.Embedding(num_classes, label_embedding_dim)(label)])
    h = layers.Dense(size * size * filters, use_bias=False, **init)(h)
    # Synchronized batch norm: the same statistics on one device and across replicas.
    h = layers.ReLU()(layers.BatchNormalization(synchronized=True)(h))
    h = layers.Reshape((size, size, filters))(h)
    h = layers.Conv2DTranspose(filters // 2, 5, padding="same", use_bias=False, **init)(h)
    h = layers.ReLU()(layers.BatchNormalization(synchronized=True)(h))
    for i in range(upsamplings - 1):
        h = layers.Conv2DTranspose(filters // 4 // 2**i, 5, strides=2, padding="same", use_bias=False, **init)(h)
        h = layers.ReLU()(layers.BatchNormalization(synchronized=True)(h))
    for _ in range(extra_layers):
        h = layers.Conv2D(h.shape[-1], 3, padding="same", use_bias=False, **init)(h)
        h = layers.ReLU()(layers.BatchNormalization(synchronized=True)(h))
    image = layers.Conv2DTranspose(channels, 5, strides=2, padding="same", **init)(h)
    # float32 output under mixed precision: images and losses stay in full precision.
    image = layers.Activation("tanh", dtype="float32", name="image")(image)
    return keras.Model(inputs if num_classes else z, image, name="generator")


def discriminator_features(image_shape, width=64, spectral_norm=False, minibatch_stddev=False, extra_layers=0,
                           batch_norm=False, kernel_initializer="glorot_uniform"):
    """(image input, flat features) of the DCGAN discriminator body: strided 5x5 convolutions with
    LeakyReLU(0.2); optionally spectrally normalised (Miyato et al. 2018), with a minibatch
    standard deviation channel before the last convolution, with ``extra_layers``, and with batch
    norm after every convolution but the first (the DCGAN paper's D)."""
    init = {"kernel_initializer": kernel_initializer}

    def normalized(h):
        return layers.BatchNormalization(synchronized=True)(h) if batch_norm else h

    check_square(image_shape)
    height = image_shape[0]
    downsamplings = doublings(height)
    image = keras.Input(image_shape, name="image")
    h = image
    for i in range(downsamplings):
        if minibatch_stddev and i == downsamplings - 1:
            h = MinibatchStdDev()(h)
        # No bias before batch norm, which removes it (its gradient is zero but for rounding).
        bias = {"use_bias": not (batch_norm and i > 0)}
        h = maybe_spectral(layers.Conv2D(width * 2**i, 5, strides=2, padding="same", **init, **bias), spectral_norm)(h)
        h = layers.LeakyReLU(0.2)(h if i == 0 else normalized(h))
        for _ in range(extra_layers if i == 0 else 0):
            conv = layers.Conv2D(width, 3, padding="same", use_bias=not batch_norm, **init)
            h = layers.LeakyReLU(0.2)(normalized(maybe_spectral(conv, spectral_norm)(h)))
    return image, layers.Flatten()(h)


def maybe_spectral(layer, spectral_norm):
    return SpectralNormalization(layer) if spectral_norm else layer


def build_discriminator(image_shape, width=64, num_classes=0, spectral_norm=False, minibatch_stddev=False, extra_layers=0,
                        batch_norm=False, kernel_initializer="glorot_uniform"):
    """Image (and label) -> one raw score; conditional scores use the projection of Miyato &
    Koyama 2018: ``psi(phi(x)) + <embed(y), phi(x)>``."""
    image, features = discriminator_features(
        image_shape, width, spectral_norm, minibatch_stddev, extra_layers, batch_norm, kernel_initializer
    )
    score = layers.Dense(1, dtype="float32", name="score", kernel_initializer=kernel_initializer)
    score = maybe_spectral(score, spectral_norm)(features)
    if not num_classes:
        return keras.Model(image, score, name="discriminator")
    label = keras.Input((), dtype="int32", name="label")
    class_embedding = layers.Embedding(num_classes, features.shape[-1])(label)
    projection = layers.Dot(axes=1, dtype="float32")([class_embedding, features])
    score = layers.Add(dtype="float32", name="projected_score")([score, projection])
    return keras.Model([image, label], score, name="discriminator")


# The network options of the DCGAN-style families.
NETWORK_OPTIONS = {
    "minibatch_stddev": "give D a minibatch standard-deviation channel (Karras et al. 2018)",
    "extra_layers": "3x3 convolutions added at half the image size to G and D (the WGAN code's n_extra_layers)",
}

# The DCGAN paper's initialisation: every weight from N(0, 0.02).
PAPER_INITIALIZER = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGAN(GAN):
    """Unconditional DCGAN (Radford et al. 2015) trained with the standard D-then-G update, with
    the paper's N(0, 0.02) initialisation and batch norm in D (but not on its first layer).

    Deviations from the paper: batch-norm scales start at 1 (the authors' code draws them from
    N(1, 0.02)); 5x5 kernels at every layer as in the paper's figure, on 28x28 or 32x32 images
    (the paper's are 64x64). With batch norm in D, R1 is refused (see ``stabilizers``)."""

    takes_side = staticmethod(takes_side)
    hyperparameters = NETWORK_OPTIONS
    # Whether D has batch norm: the DCGAN, LSGAN and WGAN papers' critics do, WGAN-GP's may not.
    discriminator_batch_norm = True
    # A gradient penalty is per example; batch norm makes each score depend on the whole batch
    # (and, across replicas, on how it is split), so families with it refuse R1.
    stabilizers = tuple(name for name in STABILIZERS if name != "r1_gamma")

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=64, minibatch_stddev=False, extra_layers=0):
        # The config, not one initializer object: Keras fixes an unseeded initializer's seed when it
        # is made, so one object shared by all layers would give same-shaped layers equal kernels.
        init = PAPER_INITIALIZER
        return (
            build_generator(image_shape, latent_dim, width, extra_layers=extra_layers, kernel_initializer=init),
            build_discriminator(image_shape, width, minibatch_stddev=minibatch_stddev, extra_layers=extra_layers,
                                batch_norm=cls.discriminator_batch_norm, kernel_initializer=init),
        )
