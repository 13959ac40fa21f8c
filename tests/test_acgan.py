"""AC-GAN (Odena et al. 2017): conditional G, D with an auxiliary classifier."""

from conftest import build_family


def test_acgan_discriminator_classifies_without_seeing_the_label():
    import numpy as np

    gan = build_family("acgan", num_classes=10, width=8)
    assert len(gan.discriminator.inputs) == 1
    scores, class_logits = gan.score_and_auxiliary(np.zeros((3, 28, 28, 1), "float32"))
    assert scores.shape == (3,) and class_logits.shape == (3, 10)


def test_discriminator_class_loss_on_fakes_is_the_papers_and_can_be_left_out():
    """D's auxiliary loss is the class cross-entropy on real plus on fake images (the paper's L_C);
    with ``fake_class_loss=False``, on real images only (the Keras mnist_acgan example's change,
    which keeps samples diverse within a class), checked against a hand computation."""
    import keras
    import numpy as np

    gan = build_family("acgan", num_classes=10, width=8)
    rng = np.random.default_rng(0)
    real_logits, fake_logits = (rng.standard_normal((4, 10)).astype("float32") for _ in range(2))
    labels = np.array([0, 3, 7, 9])
    log_softmax = lambda x: x - np.log(np.exp(x).sum(axis=1, keepdims=True))  # noqa: E731
    cross_entropy = lambda x: -log_softmax(x)[np.arange(4), labels]  # noqa: E731
    both = gan.discriminator_auxiliary_loss(None, labels, real_logits, fake_logits)
    np.testing.assert_allclose(both, cross_entropy(real_logits) + cross_entropy(fake_logits), rtol=1e-5)

    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), class_weight=0.5, fake_class_loss=False)
    real_only = gan.discriminator_auxiliary_loss(None, labels, real_logits, fake_logits)
    np.testing.assert_allclose(real_only, 0.5 * cross_entropy(real_logits), rtol=1e-5)
    # G still learns to make its fakes classifiable.
    np.testing.assert_allclose(gan.generator_auxiliary_loss(None, labels, fake_logits), 0.5 * cross_entropy(fake_logits),
                               rtol=1e-5)
