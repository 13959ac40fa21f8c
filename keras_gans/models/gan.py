"""The original GAN: Goodfellow et al. 2014, "Generative Adversarial Nets" (arXiv:1406.2661).

Fully connected generator and discriminator. Train it with ``--loss=minimax`` (the paper's
objective) or ``non_saturating`` (the paper's practical G loss, sec. 3; the default).

Deviations from the paper: LeakyReLU multilayer perceptrons (256-512-1024 units in G, 512-256 in D)
with a tanh output, where the paper's MNIST D used maxout units (240 of 5 pieces in each hidden
layer; ``maxout_pieces`` gives D's hidden layers maxout units, off by default); dropout after D's
hidden layers is an option (``dropout``, off by default), where the paper always had it; so is a
minibatch standard-deviation feature before D's last hidden layer (``minibatch_stddev``, Karras et
al. 2018, a later stabiliser against a G short of variety), and batch norm in G's hidden layers
(``generator_batch_norm``, after DCGAN); one D step per G step (the paper's k = 1 as well), trained
with Adam rather than SGD with momentum.
"""

import math

import keras
from keras import layers

from keras_gans.errors import UsageError
from keras_gans.layers import Dropout, Maxout, MinibatchStdDev
from keras_gans.models.base import GAN


def build_mlp_generator(image_shape, latent_dim, width=256, batch_norm=False):
    z = keras.Input((latent_dim,), name="z")
    h = z
    for units in (width, width * 2, width * 4):
        h = layers.Dense(units)(h)
        if batch_norm:
            h = layers.BatchNormalization()(h)
        h = layers.LeakyReLU(0.2)(h)
    h = layers.Dense(math.prod(image_shape))(h)
    image = layers.Activation("tanh", dtype="float32")(h)
    return keras.Model(z, layers.Reshape(image_shape, name="image")(image), name="generator")


def build_mlp_discriminator(image_shape, width=256, dropout=0.0, minibatch_stddev=False, maxout_pieces=0):
    if maxout_pieces < 0 or maxout_pieces == 1:
        raise UsageError(f"maxout_pieces is 0 (LeakyReLU units) or at least 2 (the paper's D: 5); got {maxout_pieces}.")
    image = keras.Input(image_shape, name="image")
    h = layers.Flatten()(image)
    for i, units in enumerate((width * 2, width)):
        if minibatch_stddev and i == 1:  # before D's last hidden layer, as ProGAN's before its last block
            h = MinibatchStdDev()(h)
        if maxout_pieces:
            h = Maxout(maxout_pieces)(layers.Dense(units * maxout_pieces)(h))
        else:
            h = layers.LeakyReLU(0.2)(layers.Dense(units)(h))
        if dropout:
            h = Dropout(dropout)(h)
    return keras.Model(image, layers.Dense(1, dtype="float32", name="score")(h), name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gans")
class VanillaGAN(GAN):
    """Goodfellow et al. 2014 with multilayer perceptrons (registered as ``gan``)."""

    hyperparameters = {
        "dropout": "rate of the dropout after each of D's hidden layers (the paper's D had it)",
        "minibatch_stddev": "give D's last hidden layer a minibatch standard-deviation feature (Karras et al. 2018)",
        "generator_batch_norm": "batch-normalise G's hidden layers (as DCGAN's G, Radford et al. 2015)",
        "maxout_pieces": "give D's hidden layers maxout units of this many pieces (the paper's MNIST D: 5; 0: LeakyReLU)",
    }

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, width=256, dropout=0.0, minibatch_stddev=False,
                       generator_batch_norm=False, maxout_pieces=0):
        return (build_mlp_generator(image_shape, latent_dim, width, generator_batch_norm),
                build_mlp_discriminator(image_shape, width, dropout, minibatch_stddev, maxout_pieces))
