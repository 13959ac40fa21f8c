"""SNGAN (Miyato et al. 2018): spectrally normalised D (reparametrised: the gradient flows through
sigma), hinge loss by default."""

import keras
import numpy as np
import tensorflow as tf

from conftest import build_family, matrix_with_singular_values
from keras_gans.layers import SpectralNormalization


def test_sngan_discriminator_is_spectrally_normalised_with_hinge_loss():
    gan = build_family("sngan", num_classes=0, width=8)
    assert gan.adversarial_loss.name == "hinge"
    wrapped = [layer for layer in gan.discriminator.layers if isinstance(layer, SpectralNormalization)]
    assert len(wrapped) == 3  # two convolutions and the score layer


def converged_layer(kernel_shape, layer):
    """``layer`` wrapped and built, its u converged to W's top singular vector. W has singular
    values 4, 2, 1, ...: with a random W, sigma_2 / sigma_1 was above 0.97 about once in 100 draws,
    and then 200 power iterations from the unseeded u missed the gradient's tolerance."""
    wrapped = SpectralNormalization(layer, power_iterations=200)
    wrapped.build((None, *kernel_shape[:-1]) if len(kernel_shape) == 2 else (None, 6, 6, kernel_shape[2]))
    rows, cols = int(np.prod(kernel_shape[:-1])), kernel_shape[-1]
    matrix = matrix_with_singular_values(rows, cols, 4.0 / 2.0 ** np.arange(min(rows, cols)))
    wrapped.layer.kernel.assign(matrix.reshape(kernel_shape))
    wrapped.sigma(training=True)
    return wrapped


def test_spectral_norm_gradient_equals_autodiff_of_w_over_its_largest_singular_value():
    """Miyato et al.'s reparametrisation: d/dW of f(x W / sigma(W)), sigma differentiated too."""
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((5, 7)).astype("float32"))
    target = tf.constant(rng.standard_normal((5, 4)).astype("float32"))
    wrapped = converged_layer((7, 4), keras.layers.Dense(4))
    kernel = wrapped.layer.kernel
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(wrapped(x) - target))
    layer_gradient = tape.gradient(loss, kernel)

    w = tf.Variable(kernel.numpy())
    with tf.GradientTape() as tape:
        sigma = tf.linalg.svd(w, compute_uv=False)[0]
        reference = tf.reduce_sum(tf.square(x @ (w / sigma) + wrapped.layer.bias - target))
    reference_gradient = tape.gradient(reference, w)
    np.testing.assert_allclose(loss.numpy(), reference.numpy(), rtol=1e-5)
    np.testing.assert_allclose(layer_gradient.numpy(), reference_gradient.numpy(), rtol=1e-4, atol=1e-5)
    # Keras' layer, which overwrites W with W / sigma, leaves out the gradient through sigma.
    with tf.GradientTape() as tape:
        frozen = tf.reduce_sum(tf.square(x @ (w / tf.stop_gradient(sigma)) + wrapped.layer.bias - target))
    assert not np.allclose(tape.gradient(frozen, w).numpy(), reference_gradient.numpy(), atol=1e-3)


def test_spectrally_normalised_convolution_has_unit_spectral_norm():
    wrapped = converged_layer((3, 3, 2, 5), keras.layers.Conv2D(5, 3, padding="same"))
    matrix = wrapped.layer.kernel.numpy().reshape(-1, 5)
    np.testing.assert_allclose(float(wrapped.sigma()), np.linalg.svd(matrix, compute_uv=False)[0], rtol=1e-4)
    x = np.random.default_rng(1).standard_normal((2, 6, 6, 2)).astype("float32")
    bias = wrapped.layer.bias.numpy()
    expected = tf.nn.conv2d(x, matrix.reshape(3, 3, 2, 5) / float(wrapped.sigma()), 1, "SAME") + bias
    np.testing.assert_allclose(np.asarray(wrapped(x)), expected.numpy(), rtol=1e-4, atol=1e-5)
