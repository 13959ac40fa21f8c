"""The original GAN (Goodfellow et al. 2014): multilayer perceptrons, dropout in D as the paper's."""

import numpy as np

from conftest import build_family


def test_discriminator_dropout_drops_hidden_units_in_training_only():
    gan = build_family("gan", num_classes=0, width=8, dropout=0.5)
    rates = [layer.rate for layer in gan.discriminator.layers if layer.__class__.__name__ == "Dropout"]
    assert rates == [0.5, 0.5]  # after each hidden layer, as the paper's D
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    training = [np.array(gan.discriminator(images, training=True)) for _ in range(2)]
    assert not np.allclose(training[0], training[1])
    inference = [np.array(gan.discriminator(images, training=False)) for _ in range(2)]
    np.testing.assert_array_equal(inference[0], inference[1])


def test_without_dropout_the_discriminator_has_none():
    # The default builds the networks the shipped runs trained, with no layers added.
    gan = build_family("gan", num_classes=0, width=8)
    assert not [layer for layer in gan.discriminator.layers if layer.__class__.__name__ == "Dropout"]
