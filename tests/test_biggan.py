"""BigGAN, small (Brock et al. 2019): conditional BN, projection D with spectral norm, hinge loss,
orthogonal regularisation, truncation."""

import keras
import numpy as np
import pytest

from conftest import build_family, matrix_with_singular_values, run_family_test
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


def test_hierarchical_latents_reach_every_block_and_two_d_steps_per_g_step():
    from keras_gans.layers import LatentChunks

    assert LatentChunks(3).sizes(10) == [4, 3, 3]
    gan = build_family("biggan", image_shape=(32, 32, 3), num_classes=10, latent_dim=20, width=8)
    assert gan.n_critic == 2
    chunk_layer = next(layer for layer in gan.generator.layers if isinstance(layer, LatentChunks))
    assert chunk_layer.num_chunks == 4  # the first layer and three residual blocks (4 -> 32)
    # Conditional batch norm starts as plain batch norm (zero kernels): give it a trained-like state.
    rng = np.random.default_rng(0)
    for layer in gan.generator.layers:
        if isinstance(layer, ConditionalBatchNormalization):
            for dense in (layer.gamma, layer.beta):
                dense.kernel.assign(0.1 * rng.standard_normal(dense.kernel.shape).astype("float32"))
    z = rng.standard_normal((2, 20)).astype("float32")
    labels = np.array([1, 2], "int32")
    base = np.asarray(gan.generate(z, labels))
    for start, size in ((0, 5), (5, 5), (10, 5), (15, 5)):  # the first layer's chunk, then each block's
        moved = z.copy()
        moved[:, start : start + size] += 1.0
        assert np.abs(np.asarray(gan.generate(moved, labels)) - base).max() > 1e-4


def test_nearest_upsampling_equals_keras_upsampling_with_a_static_shape():
    import tensorflow as tf

    from keras_gans.layers import NearestUpsampling2D

    x = np.random.default_rng(0).standard_normal((3, 7, 5, 4)).astype("float32")
    np.testing.assert_array_equal(NearestUpsampling2D()(x), keras.layers.UpSampling2D()(x))
    # In a traced graph of unknown batch size the height and width stay known (TFLite needs them).
    traced = tf.function(NearestUpsampling2D().__call__).get_concrete_function(tf.TensorSpec([None, 7, 5, 4]))
    assert traced.output_shapes.as_list() == [None, 14, 10, 4]


def test_the_projection_embedding_is_spectrally_normalised_like_the_rest_of_d():
    """BigGAN's D has spectral norm everywhere, its class embedding included (SNEmbedding in the
    authors' BigGAN-PyTorch): the embedding D projects its features on has largest singular value 1."""
    from keras_gans.layers import SpectralNormalization

    gan = build_family("biggan", image_shape=(32, 32, 3), num_classes=10, width=8)
    wrapped = [layer for layer in gan.discriminator.layers
               if isinstance(layer, SpectralNormalization) and isinstance(layer.layer, keras.layers.Embedding)]
    assert len(wrapped) == 1
    embedding = wrapped[0]
    # Singular values 30, 15, ...: with a gap this wide 50 power iterations converge from any start
    # u. A Gaussian 10 x 32 matrix has sigma_1 / sigma_2 near 1.04, where 50 iterations from an
    # unlucky start (u is drawn unseeded) left sigma 1.6% short.
    classes, features = embedding.layer.embeddings.shape
    embedding.layer.embeddings.assign(matrix_with_singular_values(classes, features, 30.0 / 2.0 ** np.arange(classes)))
    labels = np.arange(10)
    for _ in range(50):  # power iterations, as training steps make them
        embedding(labels, training=True)
    effective = np.asarray(embedding(labels, training=False))  # [classes, features]: W / sigma
    assert np.linalg.svd(effective, compute_uv=False)[0] == pytest.approx(1.0, rel=1e-3)
