"""WGAN (Arjovsky et al. 2017): weight clipping, and n_critic critic steps each on a fresh real batch."""

import numpy as np

from conftest import build_family


def test_wgan_takes_five_critic_steps_on_fresh_batches_and_clips_the_critic():
    gan = build_family("wgan", num_classes=0, width=8)
    assert gan.n_critic == 5 and gan.real_batches_per_step == 5 and gan.adversarial_loss.name == "wasserstein"
    real = np.random.default_rng(0).uniform(-1, 1, (40, 28, 28, 1)).astype("float32")
    gan.train_on_batch(real, np.zeros(40, "int32"))
    assert int(gan.d_optimizer.iterations.numpy()) == 5 and int(gan.g_optimizer.iterations.numpy()) == 1
    assert max(float(np.abs(w.numpy()).max()) for w in gan.discriminator.trainable_weights) <= 0.01 + 1e-7


def test_critic_batches_are_disjoint_and_split_replicas_as_one_device():
    gan = build_family("wgan", num_classes=0, width=8)
    real = np.arange(40, dtype="float32").reshape(40, 1, 1, 1) * np.ones((1, 28, 28, 1), "float32")
    labels = np.arange(40, dtype="int32")
    batches = [(np.asarray(x)[:, 0, 0, 0], np.asarray(y)) for x, y in gan.critic_batches(real, labels)]
    seen = np.concatenate([x for x, _ in batches])
    assert sorted(seen) == list(range(40))  # every example once: five fresh batches of 8
    for x, y in batches:
        np.testing.assert_array_equal(x, y)  # labels stay with their images
    # Two replicas hold rows 0-19 and 20-39; each one's i-th batch is half of one device's i-th.
    halves = [[np.asarray(x)[:, 0, 0, 0] for x, _ in gan.critic_batches(real[rows], labels[rows])]
              for rows in (slice(0, 20), slice(20, 40))]
    for i, (x, _) in enumerate(batches):
        np.testing.assert_array_equal(np.concatenate([halves[0][i], halves[1][i]]), x)
