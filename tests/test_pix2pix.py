"""pix2pix (Isola et al. 2017): U-Net G, PatchGAN D on (input, target) pairs, L1 + adversarial."""

import numpy as np
import pytest

from conftest import run_translation_family_test
from keras_gans.models import pix2pix


def test_pix2pix_shapes_train_step_and_saving(tmp_path):
    gan = run_translation_family_test("pix2pix", tmp_path, width=8)
    assert gan.l1_weight == 100.0 and gan.adversarial_loss.name == "non_saturating"
    # The PatchGAN scores patches of the concatenated pair.
    assert tuple(gan.discriminator.inputs[0].shape[1:]) == (32, 32, 6)
    assert tuple(gan.discriminator.outputs[0].shape[1:]) == (4, 4, 1)


def test_unet_needs_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        pix2pix.build_unet((48, 48, 3), 3, width=8)


def test_patch_discriminator_receptive_field_on_256():
    model = pix2pix.build_patch_discriminator((256, 256, 6), width=8)
    assert tuple(model.outputs[0].shape[1:]) == (32, 32, 1)
    assert np.isfinite(np.asarray(model(np.zeros((1, 256, 256, 6), "float32")))).all()


def test_translation_grid_rows_are_input_output_target(tmp_path):
    from conftest import run_translation_family_test as build
    from keras_gans.callbacks import TranslationSamples

    gan = build("pix2pix", tmp_path, width=8)
    batch = (np.full((3, 32, 32, 3), -1.0, "float32"), np.full((3, 32, 32, 3), 1.0, "float32"))
    grid = TranslationSamples(batch, rows=3)(gan)
    assert grid.shape == (3 * 33 - 1, 3 * 33 - 1, 3)
    assert np.all(grid[:32, :32] == 0) and np.all(grid[:32, 66:] == 255)  # input | output | target
