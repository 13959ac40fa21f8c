"""LSGAN (Mao et al. 2017): DCGAN networks, least-squares loss by default."""

from conftest import build_family


def test_lsgan_defaults_to_least_squares():
    assert build_family("lsgan", num_classes=0, width=8).adversarial_loss.name == "least_squares"
