"""BigGAN, small (Brock et al. 2019): conditional BN, projection D with spectral norm, hinge loss,
orthogonal regularisation, truncation."""

import keras
import numpy as np
import pytest

from conftest import build_family, run_family_test
from keras_gans import sampling
from keras_gans.layers import ConditionalBatchNormalization
from keras_gans.models import biggan


def test_biggan_has_conditional_batch_norm_and_the_hinge_loss():
    gan = build_family("biggan", image_shape=(32, 32, 3), num_classes=10, width=8)
    assert gan.adversarial_loss.name == "hinge"
    assert any(isinstance(layer, ConditionalBatchNormalization) for layer in gan.generator.layers)


def test_biggan_at_28x28_starts_from_7x7_and_pools_at_7x7(tmp_path):
    gan = run_family_test("biggan", tmp_path, image_shape=(28, 28, 1), num_classes=10, width=8)
    def first(network, layer_type):
        return next(layer for layer in network.layers if isinstance(layer, layer_type))

    assert first(gan.generator, keras.layers.Reshape).output.shape[1:3] == (7, 7)
    assert first(gan.discriminator, keras.layers.GlobalAveragePooling2D).input.shape[1:3] == (7, 7)


def test_biggan_rejects_a_size_it_cannot_grow_to():
    with pytest.raises(ValueError, match="Pass --image_size"):
        build_family("biggan", image_shape=(36, 36, 1), num_classes=10, width=8)


def test_orthogonal_regularisation_vanishes_for_orthogonal_columns():
    q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((12, 5)))
    assert float(biggan.off_diagonal_gram((q * [1, 2, 3, 4, 5]).astype("float32"))) < 1e-8
    assert float(biggan.off_diagonal_gram(np.random.default_rng(1).standard_normal((12, 5)).astype("float32"))) > 1
    gan = build_family("biggan", image_shape=(32, 32, 3), num_classes=10, width=8)
    assert float(gan.orthogonal_penalty()) > 0


def test_truncated_latents_stay_within_the_threshold():
    z = sampling.latents(2000, 16, seed=0, truncation=0.5)
    assert np.abs(z).max() <= 0.5 and z.shape == (2000, 16)
    np.testing.assert_array_equal(z, sampling.latents(2000, 16, seed=0, truncation=0.5))
