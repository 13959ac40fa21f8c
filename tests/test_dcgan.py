"""DCGAN (Radford et al. 2015): unconditional; networks at 28x28x1 and 32x32x3."""

import pytest

from conftest import build_family, run_family_test


@pytest.mark.parametrize("image_shape", [(28, 28, 1), (32, 32, 3)])
def test_dcgan_shapes_train_step_and_saving(tmp_path, image_shape):
    gan = run_family_test("dcgan", tmp_path, image_shape=image_shape, num_classes=0, width=8)
    assert not gan.conditional and gan.num_classes == 0


def test_dcgan_ignores_classes_of_labelled_data():
    assert build_family("dcgan", num_classes=10, width=8).num_classes == 0


def test_dcgan_refuses_unsupported_image_size():
    with pytest.raises(ValueError, match="--image_size"):
        build_family("dcgan", image_shape=(28, 30, 1), num_classes=0, width=8)
