"""Each adversarial loss against its formula on fixed logits."""

import numpy as np
import pytest

from keras_gans import losses
from keras_gans.errors import UsageError

REAL = np.array([2.0, -1.0, 0.5, 0.0], "float32")
FAKE = np.array([-3.0, 0.5, 1.0, 0.0], "float32")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def mean_d(x):
    return x - np.mean(x)


EXPECTED = {
    # name: (D loss per example, G loss per example)
    "minimax": (-np.log(sigmoid(REAL)) - np.log(1 - sigmoid(FAKE)), np.log(1 - sigmoid(FAKE))),
    "non_saturating": (-np.log(sigmoid(REAL)) - np.log(1 - sigmoid(FAKE)), -np.log(sigmoid(FAKE))),
    "least_squares": (0.5 * (REAL - 1) ** 2 + 0.5 * FAKE**2, 0.5 * (FAKE - 1) ** 2),
    "wasserstein": (FAKE - REAL, -FAKE),
    "hinge": (np.maximum(0, 1 - REAL) + np.maximum(0, 1 + FAKE), -FAKE),
    "relativistic": (
        -np.log(sigmoid(REAL - FAKE.mean())) - np.log(1 - sigmoid(FAKE - REAL.mean())),
        -np.log(sigmoid(FAKE - REAL.mean())) - np.log(1 - sigmoid(REAL - FAKE.mean())),
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loss_matches_formula(name):
    loss = losses.get(name)
    d_expected, g_expected = EXPECTED[name]
    np.testing.assert_allclose(np.array(loss.discriminator(REAL, FAKE)), d_expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.array(loss.generator(REAL, FAKE)), g_expected, rtol=1e-5, atol=1e-6)


def test_every_loss_is_tested():
    assert set(losses.LOSSES) == set(EXPECTED)


def test_minimax_is_stable_for_large_logits():
    big = np.array([80.0, -80.0], "float32")
    assert np.all(np.isfinite(np.array(losses.get("minimax").discriminator(big, -big))))


def test_unknown_loss_lists_known_ones():
    with pytest.raises(UsageError, match="hinge.*least_squares"):
        losses.get("bogus")
