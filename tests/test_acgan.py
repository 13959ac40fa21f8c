"""AC-GAN (Odena et al. 2017): conditional G, D with an auxiliary classifier."""

from conftest import build_family, run_family_test


def test_acgan_shapes_train_step_and_saving(tmp_path):
    gan = run_family_test("acgan", tmp_path, image_shape=(28, 28, 1), num_classes=10, width=8)
    assert gan.num_classes == 10


def test_acgan_discriminator_classifies_without_seeing_the_label():
    import numpy as np

    gan = build_family("acgan", num_classes=10, width=8)
    assert len(gan.discriminator.inputs) == 1
    scores, class_logits = gan.score_and_auxiliary(np.zeros((3, 28, 28, 1), "float32"))
    assert scores.shape == (3,) and class_logits.shape == (3, 10)
