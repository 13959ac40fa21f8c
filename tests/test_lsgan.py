"""LSGAN (Mao et al. 2017): DCGAN networks, least-squares loss by default."""

from conftest import build_family, run_family_test


def test_lsgan_shapes_train_step_and_saving(tmp_path):
    gan = run_family_test("lsgan", tmp_path, image_shape=(28, 28, 1), num_classes=0, width=8)
    assert gan.num_classes == 0


def test_lsgan_defaults_to_least_squares():
    assert build_family("lsgan", num_classes=0, width=8).adversarial_loss.name == "least_squares"
