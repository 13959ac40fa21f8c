"""BigGAN, small (Brock et al. 2019): conditional BN, projection D with spectral norm, hinge loss,
orthogonal regularisation, truncation."""

import numpy as np

from conftest import build_family, run_family_test
from keras_gans import sampling
from keras_gans.layers import ConditionalBatchNormalization
from keras_gans.models import biggan


def test_biggan_shapes_train_step_and_saving(tmp_path):
    gan = run_family_test("biggan", tmp_path, image_shape=(32, 32, 3), num_classes=10, width=8)
    assert gan.adversarial_loss.name == "hinge"
    assert any(isinstance(layer, ConditionalBatchNormalization) for layer in gan.generator.layers)


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
