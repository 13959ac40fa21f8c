"""``reuse_fakes``: one generator forward pass per step, its fakes trained on by D and then scored
by the updated D for G's update."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import family_cases
from keras_gans.errors import UsageError


def _compiled(name, reuse_fakes, lr=0.1, **settings):
    gan = family_cases.build(name)
    gan.compile(keras.optimizers.SGD(lr), keras.optimizers.SGD(lr), reuse_fakes=reuse_fakes, **settings)
    return gan


def _step_data(gan, name):
    images, labels = family_cases.training_data(name, steps=1, batches_per_step=gan.real_batches_per_step)
    return images, labels


@pytest.mark.parametrize("reuse_fakes, forward_passes", [(False, 2), (True, 1)])
def test_the_generator_runs_once_per_step_with_reuse_fakes(reuse_fakes, forward_passes):
    gan = _compiled("cgan", reuse_fakes)
    calls = []
    generate = gan.generate
    gan.generate = lambda *args, **kwargs: calls.append(1) or generate(*args, **kwargs)
    gan.train_on_batch(*_step_data(gan, "cgan"))
    assert len(calls) == forward_passes  # counted while the step is traced


def test_the_generator_update_scores_the_d_step_fakes_with_the_updated_d():
    """G moves by -lr times the gradient of its loss on D_after(G(z)), z being the latents the D
    step's fakes came from."""
    lr = 0.1
    gan = _compiled("cgan", True, lr)
    images, labels = _step_data(gan, "cgan")
    labels = tf.constant(labels)
    z = tf.constant(np.random.default_rng(3).standard_normal((len(images), gan.latent_dim)).astype("float32"))
    gan.sample_latent = lambda batch_size: z
    before = [w.numpy() for w in gan.generator.trainable_weights]
    gan.train_on_batch(images, labels)
    after = [w.numpy() for w in gan.generator.trainable_weights]

    reference = family_cases.build("cgan")
    reference.generator.set_weights(gan.generator.get_weights())
    for weight, value in zip(reference.generator.trainable_weights, before):
        weight.assign(value)  # G as it was before the step, its batch-norm statistics as after
    reference.discriminator.set_weights(gan.discriminator.get_weights())  # D after its update
    with tf.GradientTape() as tape:
        fake = reference.generator([z, labels], training=True)
        scores = tf.reshape(reference.discriminator([fake, labels], training=True), [-1])
        loss = tf.reduce_mean(tf.nn.softplus(-scores))  # non-saturating
    gradients = tape.gradient(loss, reference.generator.trainable_weights)
    for b, a, g in zip(before, after, gradients):
        np.testing.assert_allclose(a, b - lr * tf.convert_to_tensor(g).numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["wgan_gp", "infogan"])
def test_reuse_fakes_trains_with_the_other_stabilisers(name):
    settings = {k: v for k, v in family_cases.stabilizers(name).items() if k != "label_smoothing"}
    gan = _compiled(name, True, lr=1e-3, **settings)
    logs = gan.train_on_batch(*_step_data(gan, name), return_dict=True)
    assert all(np.isfinite(float(v)) for v in logs.values())


def test_families_with_their_own_update_refuse_reuse_fakes():
    with pytest.raises(UsageError, match="^reuse_fakes does not apply to pix2pix"):
        _compiled("pix2pix", True)
