"""cGAN (Mirza & Osindero 2014) with a projection discriminator (Miyato & Koyama 2018)."""

import numpy as np
import pytest

from conftest import build_family
from keras_gans.errors import UsageError


def test_cgan_label_changes_the_sample_and_the_score():
    gan = build_family("cgan", num_classes=10, width=8)
    z = np.zeros((2, gan.latent_dim), "float32") + 0.5
    labels = np.array([0, 7], "int32")
    fake = np.array(gan.generate(z, labels))
    assert not np.allclose(fake[0], fake[1])
    image = np.repeat(fake[:1], 2, axis=0)
    scores = np.array(gan.discriminate(image, labels))
    assert scores[0] != scores[1]


def test_cgan_needs_labels():
    with pytest.raises(UsageError, match="dcgan"):
        build_family("cgan", num_classes=0, width=8)


def test_embedding_gradients_reach_the_optimizers_dense():
    """IndexedSlices gradients would need CollectiveGatherV2 under XLA + MirroredStrategy."""
    import tensorflow as tf

    gan = build_family("cgan", num_classes=10, width=8)
    seen = []
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        def spy(gradients, variables, apply=optimizer.apply):
            seen.extend(type(g) for g in gradients)
            return apply(gradients, variables)
        optimizer.apply = spy
    real = np.zeros((4, 28, 28, 1), "float32")
    gan.train_on_batch(real, np.arange(4, dtype="int32"))
    assert seen and tf.IndexedSlices not in seen


@pytest.mark.parametrize("steps_before, decay", [
    (0, 0.5 ** 20),  # the first step: a half-life of 0.05 steps, so the average is G
    (40, 0.5 ** (1 / 2.05)),  # the 41st: 2.05 steps
    (1000, 0.9),  # later the decay asked for, once 5% of the steps exceed its half-life (6.6 steps)
])
def test_ema_generator_averages_weights_with_a_ramped_decay_and_is_sampled(steps_before, decay):
    """StyleGAN2-ADA's ramp-up: the average's half-life is at most 5% of the G steps taken, so a
    young average does not hold the untrained weights of the first steps."""
    gan = build_family("cgan", num_classes=10, width=8, ema_decay=0.9)
    gan.g_optimizer.iterations.assign(steps_before)
    before = [w.numpy() for w in gan.generator.trainable_weights]
    np.testing.assert_array_equal(before[0], gan.ema_generator.trainable_weights[0].numpy())
    gan.train_on_batch(np.zeros((4, 28, 28, 1), "float32"), np.arange(4, dtype="int32"))
    for old, new, average in zip(before, gan.generator.trainable_weights, gan.ema_generator.trainable_weights):
        np.testing.assert_allclose(average.numpy(), decay * old + (1 - decay) * new.numpy(), rtol=1e-5, atol=1e-7)
    assert gan.sampling_generator is gan.ema_generator
    z, labels = np.ones((2, gan.latent_dim), "float32"), np.array([1, 2], "int32")
    np.testing.assert_allclose(np.array(gan.generate(z, labels)), np.array(gan.ema_generator([z, labels])), atol=1e-6)
    assert type(gan).from_config(gan.get_config()).ema_decay == 0.9
