"""StyleGAN, small (Karras et al. 2019/2020): mapping network, modulated convolutions, noise
inputs, style mixing, truncation trick."""

import numpy as np

from conftest import build_family
from keras_gans.layers import ModulatedConv2D, NoiseInjection


def test_stylegan_is_a_mapping_then_a_styled_synthesis_with_noise():
    gan = build_family("stylegan", image_shape=(32, 32, 3), num_classes=0, width=4)
    assert gan.mapping.name == "mapping" and gan.synthesis.inputs[0].shape[1] == 8  # styles per layer
    assert any(isinstance(layer, NoiseInjection) for layer in gan.synthesis.layers)


def test_demodulation_gives_unit_variance_outputs():
    layer = ModulatedConv2D(16, 3)
    x = np.random.default_rng(0).standard_normal((8, 8, 8, 32)).astype("float32")
    style = np.random.default_rng(1).standard_normal((8, 10)).astype("float32") * 3
    out = np.asarray(layer([x, style]))
    assert 0.7 < out[:, 2:-2, 2:-2].std() < 1.3  # interior pixels, away from the zero padding


def test_style_mixing_and_the_average_w():
    gan = build_family("stylegan", image_shape=(32, 32, 3), num_classes=0, width=4)
    styles = np.asarray(gan.mixed_styles(gan.sample_latent(64)))
    changes = np.any(np.abs(np.diff(styles, axis=1)) > 0, axis=2).sum(axis=1)  # crossovers per sample
    assert set(np.unique(changes)) <= {0, 1} and 0.75 < changes.mean() <= 1.0
    assert np.any(np.asarray(gan.generator.get_layer("truncation").w_avg) != 0)


def test_truncation_pulls_samples_towards_the_average():
    gan = build_family("stylegan", image_shape=(32, 32, 3), num_classes=0, width=4)
    gan.generator.get_layer("truncation").w_avg.assign(np.ones(16, "float32"))
    z = np.random.default_rng(0).standard_normal((16, 16)).astype("float32")
    full, none = np.asarray(gan.truncated(1.0)(z)), np.asarray(gan.truncated(0.0)(z))
    assert np.allclose(none, none[0], atol=1e-5)  # psi = 0: every latent gives the average image
    assert not np.allclose(full, full[0], atol=1e-3)


def test_equalised_learning_rate_moves_every_effective_weight_by_the_same_step():
    """Karras et al. 2018: w = c * stored with c = lr_mul / sqrt(fan_in); Adam's first step moves
    each stored weight by the learning rate, so each effective weight moves by c * that rate."""
    import keras
    import tensorflow as tf

    from keras_gans.layers import EqualizedDense

    for fan_in, lr_multiplier in ((16, 1.0), (64, 0.01)):
        # float64: the stored weights reach about 400 at lr_mul 0.01, where float32 rounds a 1e-3 step by 3%.
        layer = EqualizedDense(8, lr_multiplier=lr_multiplier, dtype="float64")
        x = tf.constant(np.random.default_rng(0).standard_normal((32, fan_in)))
        layer.build(x.shape)
        c = lr_multiplier / np.sqrt(fan_in)
        np.testing.assert_allclose(np.asarray(layer(x)), x.numpy() @ (layer.kernel.numpy() * c), rtol=1e-5, atol=1e-5)
        assert abs(layer.kernel.numpy().std() * lr_multiplier - 1) < 0.15  # stored N(0, 1 / lr_mul^2)
        before = layer.kernel.numpy() * c
        optimizer = keras.optimizers.Adam(1e-3, epsilon=1e-14)  # a step of exactly the rate
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(layer(x) - 1.0))
        optimizer.apply(tape.gradient(loss, layer.trainable_variables), layer.trainable_variables)
        np.testing.assert_allclose(np.abs(layer.kernel.numpy() * c - before), 1e-3 * c, rtol=1e-3)


def test_fixed_noise_and_constant_input_are_standard_normal():
    gan = build_family("stylegan", image_shape=(32, 32, 3), num_classes=0, width=4)
    noise = np.concatenate([layer.fixed_noise.numpy().ravel() for layer in gan.synthesis.layers
                            if isinstance(layer, NoiseInjection)])
    assert 0.8 < noise.std() < 1.2
