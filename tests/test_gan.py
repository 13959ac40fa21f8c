"""Goodfellow et al. 2014 (MLP G and D)."""

from conftest import run_family_test


def test_gan_shapes_train_step_and_saving(tmp_path):
    gan = run_family_test("gan", tmp_path, image_shape=(28, 28, 1), num_classes=0, width=16)
    assert gan.num_classes == 0
