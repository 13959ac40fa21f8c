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

    # Seeded: 128 N(0, 1) weights have a standard deviation within 0.15 of 1 only 98.4% of the time.
    keras.utils.set_random_seed(0)
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


def test_zoo_generator_truncates_in_w_and_mixes_styles():
    import pytest

    from keras_gans import data
    from keras_gans.errors import UsageError
    from keras_gans.zoo import Generator

    gan = build_family("stylegan", image_shape=(32, 32, 3), num_classes=0, width=4)
    gan.generator.get_layer("truncation").w_avg.assign(np.full(16, 0.5, "float32"))
    generator = Generator(gan.generator)
    z = generator.latents(6, seed=3)
    assert generator.truncation_space == "w" and generator.styles.num_styles == 8
    np.testing.assert_array_equal(generator.sample(6, seed=3), data.to_uint8(gan.generator(z)).numpy())
    # truncation is psi in W: the same images as the network with its truncation layer's psi set.
    for psi in (0.0, 0.7):
        expected = data.to_uint8(gan.truncated(psi)(z)).numpy().astype(int)
        assert np.abs(generator.sample(6, seed=3, truncation=psi).astype(int) - expected).max() <= 1
    np.testing.assert_array_equal(generator.latents(6, seed=3, truncation=0.7), z)  # z itself is not truncated
    # Style mixing: layers before the crossover styled by the first latent, the rest by the second.
    mixed = generator.mix_styles(1, 2, crossovers=[1, 5])
    w1, w2 = (np.asarray(gan.mapping(generator.latents(1, seed))) for seed in (1, 2))
    for image, crossover in zip(mixed, (1, 5)):
        styles = np.concatenate([np.repeat(w1[:, None], crossover, 1), np.repeat(w2[:, None], 8 - crossover, 1)], 1)
        expected = data.to_uint8(gan.synthesis(styles)).numpy()[0].astype(int)
        assert np.abs(image.astype(int) - expected).max() <= 1
    assert len(generator.mix_styles(1, 2)) == 7  # every crossover
    np.testing.assert_array_equal(generator.mix_styles(1, 1, [4]), generator.styles.images(generator.styles.w(generator.latents(1, 1))))
    for call, match in [
        (lambda: generator.mix_styles(1, 2, crossovers=[8]), r"crossover must lie in \[1, 8\)"),
        (lambda: generator.mix_styles(1, 2, crossovers=[0]), "crossover must be at least 1"),
        (lambda: generator.mix_styles(1, [0.0] * 3), "a seed or a finite vector of 16 values"),
        (lambda: generator.sample(2, truncation=1.5), r"psi\) must lie in \[0.0, 1.0\]"),
        (lambda: Generator(build_family("dcgan", image_shape=(28, 28, 1), num_classes=0, width=4).generator)
         .mix_styles(1, 2), "not a StyleGAN generator"),
    ]:
        with pytest.raises(UsageError, match=match):
            call()


def test_the_mapping_network_starts_with_w_spread_like_its_latents():
    """StyleGAN's pixel norm gives z unit variance per coordinate (not unit length), and each
    leaky-ReLU layer has gain sqrt(2), so w starts with about unit spread over latents. Without them
    w varied 40x less with z, every style sat near its bias and G started nearly blind to z, with
    the mapping network learning at 0.01 of the rate to widen it."""
    from keras_gans.models import stylegan

    mapping = stylegan.build_mapping(128, mapping_layers=4)
    z = np.random.default_rng(0).standard_normal((2048, 128)).astype("float32") * 3  # the norm undoes any scale
    normalized = np.asarray(mapping.get_layer("pixel_norm")(z))
    np.testing.assert_allclose(np.mean(normalized**2, axis=1), 1.0, rtol=1e-4)
    spread = float(np.mean(np.std(np.asarray(mapping(z)), axis=0)))
    assert 0.5 < spread < 2.0, spread
