"""WGAN (Arjovsky et al. 2017): weight clipping and n_critic critic steps."""

from conftest import build_family


def test_wgan_clips_the_critic_after_its_steps():
    import numpy as np

    gan = build_family("wgan", num_classes=0, width=8)
    assert gan.n_critic == 5 and gan.adversarial_loss.name == "wasserstein"
    gan.train_on_batch(np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32"), np.zeros(8, "int32"))
    assert max(float(np.abs(w.numpy()).max()) for w in gan.discriminator.trainable_weights) <= 0.01 + 1e-7
