"""pix2pix (Isola et al. 2017): U-Net G, PatchGAN D on (input, target) pairs, L1 + adversarial."""

import keras
import numpy as np
import pytest

from conftest import build_family
from keras_gans.errors import UsageError
from keras_gans.models import pix2pix


def test_pix2pix_conditions_a_patch_discriminator_on_the_input():
    gan = build_family("pix2pix", image_shape=(32, 32, 3), num_classes=0, latent_dim=0, width=8)
    assert gan.l1_weight == 100.0 and gan.adversarial_loss.name == "non_saturating"
    # The PatchGAN scores patches of the concatenated pair.
    assert tuple(gan.discriminator.inputs[0].shape[1:]) == (32, 32, 6)
    assert tuple(gan.discriminator.outputs[0].shape[1:]) == (4, 4, 1)


def test_unet_bottleneck_carries_the_input_at_batch_size_one():
    """The paper trains with batch size 1; batch norm on the 1x1 bottleneck would make it constant."""
    unet = pix2pix.build_unet((32, 32, 3), 3, width=8)
    bottleneck = next(layer for layer in unet.layers
                      if isinstance(layer, keras.layers.LeakyReLU) and layer.output.shape[1] == 1)
    probe = keras.Model(unet.inputs, bottleneck.output)
    rng = np.random.default_rng(0)
    a, b = (rng.uniform(-1, 1, (1, 32, 32, 3)).astype("float32") for _ in range(2))
    out_a, out_b = np.asarray(probe(a, training=True)), np.asarray(probe(b, training=True))
    assert np.abs(out_a - out_b).max() > 1e-3


def test_pix2pix_trains_at_batch_size_one():
    gan = build_family("pix2pix", image_shape=(32, 32, 3), num_classes=0, latent_dim=0, width=8)
    rng = np.random.default_rng(0)
    a, b = (rng.uniform(-1, 1, (1, 32, 32, 3)).astype("float32") for _ in range(2))
    before = [w.numpy() for w in gan.generator.trainable_weights]
    logs = gan.train_on_batch(a, b, return_dict=True)
    assert all(np.isfinite(v) for v in logs.values())
    assert any(not np.array_equal(x, w.numpy()) for x, w in zip(before, gan.generator.trainable_weights))


def test_unet_needs_a_power_of_two():
    with pytest.raises(UsageError, match="power of two"):
        pix2pix.build_unet((48, 48, 3), 3, width=8)


def test_patch_discriminator_receptive_field_on_256():
    model = pix2pix.build_patch_discriminator((256, 256, 6), width=8)
    assert tuple(model.outputs[0].shape[1:]) == (32, 32, 1)
    assert np.isfinite(np.asarray(model(np.zeros((1, 256, 256, 6), "float32")))).all()


def test_translation_grid_rows_are_input_output_target(tmp_path):
    from keras_gans.callbacks import TranslationSamples

    gan = build_family("pix2pix", image_shape=(32, 32, 3), num_classes=0, latent_dim=0, width=8)
    batch = (np.full((3, 32, 32, 3), -1.0, "float32"), np.full((3, 32, 32, 3), 1.0, "float32"))
    grid = TranslationSamples(batch, rows=3)(gan)
    assert grid.shape == (3 * 33 - 1, 3 * 33 - 1, 3)
    assert np.all(grid[:32, :32] == 0) and np.all(grid[:32, 66:] == 255)  # input | output | target
