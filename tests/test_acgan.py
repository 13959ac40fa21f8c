"""AC-GAN (Odena et al. 2017): conditional G, D with an auxiliary classifier."""

from conftest import build_family


def test_acgan_discriminator_classifies_without_seeing_the_label():
    import numpy as np

    gan = build_family("acgan", num_classes=10, width=8)
    assert len(gan.discriminator.inputs) == 1
    scores, class_logits = gan.score_and_auxiliary(np.zeros((3, 28, 28, 1), "float32"))
    assert scores.shape == (3,) and class_logits.shape == (3, 10)
