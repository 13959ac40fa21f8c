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
