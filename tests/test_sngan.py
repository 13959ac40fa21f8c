"""SNGAN (Miyato et al. 2018): spectrally normalised D, hinge loss by default."""

from conftest import build_family, run_family_test


def test_sngan_shapes_train_step_and_saving(tmp_path):
    gan = run_family_test("sngan", tmp_path, image_shape=(32, 32, 3), num_classes=0, width=8)
    assert gan.num_classes == 0


def test_sngan_discriminator_is_spectrally_normalised_with_hinge_loss():
    import keras

    gan = build_family("sngan", num_classes=0, width=8)
    assert gan.adversarial_loss.name == "hinge"
    wrapped = [layer for layer in gan.discriminator.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert len(wrapped) == 3  # two convolutions and the score layer
