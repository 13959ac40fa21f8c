"""DRAGAN (Kodali et al. 2017): a gradient penalty at random points around the real data."""

import numpy as np
import tensorflow as tf

from conftest import build_family
from test_stabilizers import images, linear_critic


def test_penalty_points_lie_between_each_real_image_and_its_perturbation():
    gan = build_family("dragan", num_classes=0, width=8)
    real = images(0, n=64)
    offsets = np.asarray(gan.penalty_points(real)) - np.asarray(real)
    # x + alpha * 0.5 std(x) u: between 0 and half the batch's standard deviation, per pixel.
    scale = 0.5 * float(np.std(np.asarray(real)))
    assert offsets.min() >= 0 and offsets.max() <= scale + 1e-6
    per_image = offsets.reshape(64, -1).mean(axis=1) / (scale / 2)  # alpha (U[0, 1)) times E[u] = 1/2
    assert per_image.min() < 0.2 and per_image.max() > 0.8 and abs(per_image.mean() - 0.5) < 0.1


def test_penalty_is_lambda_times_the_squared_gap_of_the_gradient_norm_to_one():
    gan = build_family("dragan", num_classes=0, width=8)
    direction = np.random.default_rng(0).standard_normal(28 * 28).astype("float32")
    for norm, expected in ((1.0, 0.0), (3.0, 10 * (3.0 - 1.0) ** 2)):
        gan.discriminator = linear_critic((28, 28, 1), norm * direction / np.linalg.norm(direction))
        penalty = np.asarray(gan.discriminator_penalty(images(1), images(2), None))
        np.testing.assert_allclose(penalty, expected, atol=1e-3, rtol=1e-4)


def test_dragan_uses_the_standard_loss_and_a_critic_without_batch_norm():
    import keras

    gan = build_family("dragan", num_classes=0, width=8)
    assert gan.adversarial_loss.name == "non_saturating" and gan.gp_weight == 10.0
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in gan.discriminator.layers)
    assert isinstance(gan.discriminator_penalty(images(1), images(2), None), tf.Tensor)
