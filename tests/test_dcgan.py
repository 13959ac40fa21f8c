"""DCGAN (Radford et al. 2015): unconditional; networks at 28x28x1 and 32x32x3."""

import keras
import numpy as np
import pytest

from conftest import build_family, run_family_test


def test_dcgan_ignores_classes_of_labelled_data():
    assert build_family("dcgan", num_classes=10, width=8).num_classes == 0


def test_dcgan_refuses_unsupported_image_size():
    with pytest.raises(ValueError, match="--image_size"):
        build_family("dcgan", image_shape=(28, 30, 1), num_classes=0, width=8)


@pytest.mark.parametrize("family", ["dcgan", "cgan", "sngan", "acgan", "infogan"])
def test_extra_layers_add_stride_one_convolutions_at_half_size(tmp_path, family):
    """``n_extra_layers`` of the WGAN code's DCGAN: 3x3 convolutions at 14x14 for 28x28 images."""
    num_classes = 10 if family in ("cgan", "acgan") else 0
    plain = build_family(family, num_classes=num_classes, width=8)
    deeper = run_family_test(family, tmp_path, num_classes=num_classes, width=8, extra_layers=2)

    def layers_of(network):  # nested models' layers too (InfoGAN's G wraps the DCGAN one)
        for layer in network.layers:
            yield from layers_of(layer) if isinstance(layer, keras.Model) else [layer]

    def stride_one_convolutions(network):
        found = []
        for layer in layers_of(network):
            convolution = getattr(layer, "layer", layer)  # a spectrally normalised one is wrapped
            if type(convolution) is keras.layers.Conv2D and convolution.strides == (1, 1):
                found.append(layer.output.shape[1:3])
        return found

    for name in ("generator", "discriminator"):
        assert stride_one_convolutions(getattr(plain, name)) == []
        assert stride_one_convolutions(getattr(deeper, name)) == [(14, 14)] * 2, name


def test_dcgan_has_the_papers_initialisation_and_batch_norm_in_d():
    gan = build_family("dcgan", num_classes=0, width=8)
    kernels = [w.numpy() for w in gan.generator.weights + gan.discriminator.weights if "kernel" in w.path]
    assert all(abs(k.std() - 0.02) < 0.004 for k in kernels if k.size > 1000)
    # Each layer draws its own: same-shaped layers start different.
    deeper = build_family("dcgan", num_classes=0, width=8, extra_layers=2)
    extra = [layer.kernel.numpy() for layer in deeper.discriminator.layers
             if isinstance(layer, keras.layers.Conv2D) and layer.strides == (1, 1)]
    assert len(extra) == 2 and not np.allclose(extra[0], extra[1])
    normalised = [layer for layer in gan.discriminator.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(normalised) == 1  # every convolution but the first (28x28: two convolutions)
    critic = build_family("wgan_gp", num_classes=0, width=8)  # the gradient penalty is per example
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in critic.discriminator.layers)
