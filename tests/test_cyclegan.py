"""CycleGAN (Zhu et al. 2017): two ResNet generators, two PatchGANs, cycle and identity losses,
image history pool."""

import numpy as np

from conftest import build_family


def test_cyclegan_has_two_generators_and_the_papers_losses():
    gan = build_family("cyclegan", image_shape=(32, 32, 3), num_classes=0, latent_dim=0, width=8, residual_blocks=2)
    assert gan.adversarial_loss.name == "least_squares" and gan.cycle_weight == 10.0
    assert set(gan.saved_generators()) == {"generator", "generator_ba"}
    assert len(gan.generator_variables) == len(gan.generator.trainable_variables) * 2


def test_image_pool_fills_then_swaps_half_of_the_time():
    gan = build_family("cyclegan", image_shape=(32, 32, 3), num_classes=0, latent_dim=0, width=8, residual_blocks=1)
    pool, count = gan.pools["b"]
    count.assign(0)
    first = np.random.default_rng(0).uniform(-1, 1, (50, 32, 32, 3)).astype("float32")
    np.testing.assert_array_equal(np.asarray(gan.from_history("b", first)), first)  # filling: returned as is
    assert int(np.asarray(count)) == 50
    np.testing.assert_array_equal(np.asarray(pool), first)
    new = np.full((200, 32, 32, 3), 0.5, "float32")
    out = np.asarray(gan.from_history("b", new))
    from_history = np.mean(np.any(out != 0.5, axis=(1, 2, 3)))
    assert 0.35 < from_history < 0.65  # about half came from the history
