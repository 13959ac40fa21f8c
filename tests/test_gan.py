"""The original GAN (Goodfellow et al. 2014): multilayer perceptrons, dropout in D as the paper's."""

import keras
import numpy as np
import pytest

from conftest import build_family, run_family_test
from keras_gans.errors import UsageError


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


def test_minibatch_stddev_lets_the_discriminator_see_the_variety_of_its_batch():
    # The statistic joins the first hidden layer's features, so D's score for an example depends on
    # the rest of its group of 4: the same image scores differently beside copies and beside others.
    keras.utils.set_random_seed(0)  # over random weights the gap fell to 2e-4, near the bound
    gan = build_family("gan", num_classes=0, width=8, minibatch_stddev=True)
    stddev = [layer for layer in gan.discriminator.layers if layer.__class__.__name__ == "MinibatchStdDev"]
    assert len(stddev) == 1 and stddev[0].output.shape[-1] == 8 * 2 + 1
    images = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    copies = np.repeat(images[:1], 8, axis=0)
    varied, alike = (np.array(gan.discriminator(x, training=False))[0, 0] for x in (images, copies))
    assert abs(varied - alike) > 1e-4
    default = build_family("gan", num_classes=0, width=8)
    assert not [layer for layer in default.discriminator.layers if layer.__class__.__name__ == "MinibatchStdDev"]
    assert gan.discriminator.count_params() == default.discriminator.count_params() + 8


def test_generator_batch_norm_normalises_each_hidden_layer_of_g():
    gan = build_family("gan", num_classes=0, width=8, generator_batch_norm=True)
    norms = [layer for layer in gan.generator.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(norms) == 3  # after each hidden Dense, before its activation
    z = np.random.default_rng(0).normal(size=(64, gan.latent_dim)).astype("float32")
    hidden = keras.Model(gan.generator.input, norms[0].output)(z, training=True)
    np.testing.assert_allclose(np.mean(np.array(hidden), axis=0), 0.0, atol=1e-4)  # batch statistics in training
    default = build_family("gan", num_classes=0, width=8)
    assert not [layer for layer in default.generator.layers if isinstance(layer, keras.layers.BatchNormalization)]


def test_maxout_discriminator_takes_the_largest_of_each_units_pieces():
    # The paper's MNIST D: each hidden unit is the max of 5 linear pieces (pylearn2's consecutive
    # grouping); checked against the Dense layer's weights by hand.
    gan = build_family("gan", num_classes=0, width=4, maxout_pieces=5)
    dense = [layer for layer in gan.discriminator.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [8 * 5, 4 * 5, 1]
    images = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    kernel, bias = (np.array(w) for w in dense[0].weights)
    pieces = (images.reshape(3, -1) @ kernel + bias).reshape(3, 8, 5)
    first_hidden = keras.Model(gan.discriminator.input, gan.discriminator.layers[3].output)
    np.testing.assert_allclose(np.array(first_hidden(images)), pieces.max(axis=-1), rtol=1e-5, atol=1e-5)
    default = build_family("gan", num_classes=0, width=4)
    assert [layer.units for layer in default.discriminator.layers if isinstance(layer, keras.layers.Dense)] == [8, 4, 1]


def test_maxout_discriminator_trains_and_its_config_rebuilds_it(tmp_path):
    gan = run_family_test("gan", tmp_path, num_classes=0, width=4, maxout_pieces=5)
    rebuilt = type(gan).from_config(gan.get_config())
    assert rebuilt.discriminator.count_params() == gan.discriminator.count_params()


def test_maxout_needs_two_pieces_or_more():
    with pytest.raises(UsageError, match="maxout_pieces is 0 .* or at least 2"):
        build_family("gan", num_classes=0, width=4, maxout_pieces=1)
