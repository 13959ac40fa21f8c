"""WGAN-GP (Gulrajani et al. 2017): gradient penalty."""

from conftest import run_family_test


def test_wgan_gp_shapes_train_step_and_saving(tmp_path):
    gan = run_family_test("wgan_gp", tmp_path, image_shape=(28, 28, 1), num_classes=0, width=8)
    assert gan.num_classes == 0
