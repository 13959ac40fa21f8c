"""Each stabiliser acts as its paper says: penalties on known critics, smoothing equals its BCE,
noise and DiffAugment change what D sees, minibatch std-dev adds the batch's spread."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from conftest import build_family
from keras_gans import augment, losses
from keras_gans.errors import UsageError
from keras_gans.layers import MinibatchStdDev


def linear_critic(image_shape, direction):
    """D(x) = <w, x> with |w| = the norm of ``direction``: |w|-Lipschitz, gradient w everywhere."""
    image = keras.Input(image_shape)
    dense = keras.layers.Dense(1, use_bias=False)
    model = keras.Model(image, dense(keras.layers.Flatten()(image)))
    dense.kernel.assign(direction.reshape(-1, 1))
    return model


def images(seed, n=6, shape=(28, 28, 1)):
    return tf.constant(np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype("float32"))


def test_gradient_penalty_is_zero_for_a_1_lipschitz_linear_critic():
    gan = build_family("wgan_gp", num_classes=0, width=8)
    direction = np.random.default_rng(0).standard_normal(28 * 28).astype("float32")
    gan.discriminator = linear_critic((28, 28, 1), direction / np.linalg.norm(direction))
    np.testing.assert_allclose(np.asarray(gan.discriminator_penalty(images(1), images(2), None)), 0.0, atol=1e-4)
    gan.discriminator = linear_critic((28, 28, 1), 3 * direction / np.linalg.norm(direction))
    np.testing.assert_allclose(np.asarray(gan.discriminator_penalty(images(1), images(2), None)), 10 * 4.0, rtol=1e-4)


def test_r1_penalty_equals_half_gamma_times_the_squared_gradient_norm():
    gan = build_family("sngan", num_classes=0, width=8)
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), r1_gamma=2.0)
    direction = np.full(28 * 28, 0.5, "float32")
    gan.discriminator = linear_critic((28, 28, 1), direction)
    penalty = np.asarray(gan.discriminator_penalty(images(1), images(2), None))
    np.testing.assert_allclose(penalty, 0.5 * 2.0 * np.sum(direction**2), rtol=1e-5)


def test_label_smoothing_equals_bce_with_softened_real_targets():
    gan = build_family("dcgan", num_classes=0, width=8)
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), label_smoothing=0.1)
    real, fake = np.array([2.0, -1.0, 0.3], "float32"), np.array([0.5, -2.0, 1.0], "float32")
    smoothed = np.asarray(losses.get("non_saturating").discriminator(real, fake)) + 0.1 * real
    bce = keras.losses.binary_crossentropy
    expected = [float(bce([0.9], [r], from_logits=True)) + float(bce([0.0], [f], from_logits=True)) for r, f in zip(real, fake)]
    np.testing.assert_allclose(smoothed, expected, rtol=1e-5)
    with pytest.raises(UsageError, match="sigmoid loss"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), loss="hinge", label_smoothing=0.1)


def test_stabilisers_train_together():
    gan = build_family("cgan", num_classes=10, width=8)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), label_smoothing=0.1, instance_noise=0.1,
                r1_gamma=1.0, diff_augment="color,translation,cutout")
    logs = gan.train_on_batch(np.asarray(images(0, 8)), np.arange(8, dtype="int32"), return_dict=True)
    assert all(np.isfinite(v) for v in logs.values())


def test_instance_noise_has_the_requested_spread():
    gan = build_family("dcgan", num_classes=0, width=8)
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), instance_noise=0.2)
    x = tf.zeros((64, 28, 28, 1))
    assert np.std(np.asarray(gan.discriminator_view(x))) == pytest.approx(0.2, rel=0.05)


def test_diff_augment_policies():
    seed = keras.random.SeedGenerator(0)
    x = images(3, n=32)
    colored = np.asarray(augment.color(x, seed))
    assert not np.allclose(colored, x) and colored.shape == x.shape
    shifted = np.asarray(augment.translation(x, seed))
    assert shifted.shape == x.shape and not np.allclose(shifted, x)
    # Zero padding appears where a shifted image moved away from an edge.
    assert np.mean(shifted == 0) > np.mean(np.asarray(x) == 0)
    cut = np.asarray(augment.cutout(x, seed))
    assert 0.1 < np.mean(cut == 0) <= 0.26  # up to a half-size square: a quarter of the pixels
    with pytest.raises(UsageError, match="Known: color, translation, cutout"):
        augment.parse_policy("color,zoom")
    # Differentiable: G's gradient flows through the augmentation.
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(augment.diff_augment(x, "color,translation,cutout", seed))
    assert tape.gradient(total, x) is not None


def test_minibatch_stddev_appends_the_spread_of_each_group_of_four():
    x = np.random.default_rng(0).standard_normal((8, 4, 4, 3)).astype("float32")
    out = np.asarray(MinibatchStdDev()(x))
    assert out.shape == (8, 4, 4, 4)
    for group in (slice(0, 4), slice(4, 8)):
        np.testing.assert_allclose(out[group, ..., 3], np.mean(np.sqrt(np.var(x[group], axis=0) + 1e-8)), rtol=1e-5)
    # A batch that does not split into groups of four is one group.
    odd = np.asarray(MinibatchStdDev()(x[:6]))
    np.testing.assert_allclose(odd[..., 3], np.mean(np.sqrt(np.var(x[:6], axis=0) + 1e-8)), rtol=1e-5)
    gan = build_family("dcgan", num_classes=0, width=8, minibatch_stddev=True)
    assert any(isinstance(layer, MinibatchStdDev) for layer in gan.discriminator.layers)


def test_diff_augment_translation_draws_every_shift_in_minus_s_to_s_uniformly():
    """Zhao et al.'s reference draws integer shifts uniformly in [-s, s] (s = 1/8 of the side)."""
    x = tf.zeros((4000, 16, 16, 1))
    # One bright pixel in the middle of each image: its new row is the vertical shift.
    x = tf.tensor_scatter_nd_update(x, [[i, 8, 8, 0] for i in range(4000)], tf.ones(4000))
    shifted = np.asarray(augment.translation(x, keras.random.SeedGenerator(0)))
    rows = np.argwhere(shifted[..., 0] == 1.0)
    shifts = 8 - rows[:, 1]  # the content moves by -dy
    values, counts = np.unique(shifts, return_counts=True)
    assert list(values) == [-2, -1, 0, 1, 2]
    assert counts.max() / counts.min() < 1.25, dict(zip(values, counts))


def test_relativistic_generator_loss_reads_the_real_scores_of_the_updated_discriminator():
    import dataclasses

    gan = build_family("dcgan", num_classes=0, width=8)
    gan.compile(keras.optimizers.SGD(0.5), keras.optimizers.SGD(0.1), loss="relativistic")
    real = images(5, 8)
    before_update = np.asarray(gan.discriminate(real, training=True))
    seen = {}

    def spy(real_scores, fake_scores):
        seen["real"] = np.asarray(real_scores)
        return losses.get("relativistic").generator(real_scores, fake_scores)

    gan.discriminator_step(real, None)
    after_update = np.asarray(gan.discriminate(real, training=True))
    gan.adversarial_loss = dataclasses.replace(gan.adversarial_loss, generator=spy)
    gan.generator_step(real, None)  # G's update leaves D as it is
    assert not np.allclose(after_update, before_update, atol=1e-4)
    np.testing.assert_allclose(seen["real"], after_update, rtol=1e-5, atol=1e-6)


def test_feature_matching_loss_is_the_squared_gap_of_mean_features():
    gan = build_family("wgan_gp", num_classes=0, width=8)  # no batch norm: features alike in training
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), feature_matching=2.0, n_critic=1)
    real, fake = images(1, 8), images(2, 8)
    f_real, f_fake = (np.asarray(gan.discriminator_features(x)) for x in (real, fake))
    expected = 2.0 * np.sum((f_real.mean(0) - f_fake.mean(0)) ** 2)
    np.testing.assert_allclose(np.asarray(gan.feature_matching_loss(real, fake, None)), expected, rtol=1e-4)
    logs = gan.train_on_batch(np.asarray(real), np.zeros(8, "int32"), return_dict=True)
    assert np.isfinite(logs["g_loss"])


def test_unrolled_steps_restore_the_discriminator_and_its_optimizer():
    plain, unrolled = (build_family("dcgan", num_classes=0, width=8) for _ in range(2))
    unrolled.set_weights(plain.get_weights())
    plain.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    unrolled.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2), unrolled_steps=3)
    real = np.asarray(images(4, 8))
    for gan in (plain, unrolled):
        gan.train_on_batch(real, np.zeros(8, "int32"))
    # Trainable weights: D's batch-norm statistics also move in G's step, which the restore undoes.
    for a, b in zip(plain.discriminator.trainable_weights, unrolled.discriminator.trainable_weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    assert int(unrolled.d_optimizer.iterations.numpy()) == 1
    assert not all(np.allclose(a.numpy(), b.numpy()) for a, b in zip(plain.generator.weights, unrolled.generator.weights))
