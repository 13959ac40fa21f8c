"""Kernel Inception Distance: the unbiased estimate of squared MMD with the cubic polynomial kernel
k(x, y) = (x.y / d + 1)^3, averaged over random subsets (Binkowski et al. 2018, "Demystifying MMD
GANs"). Like the Fréchet distance, it applies to any feature network."""

import numpy as np


def polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def mmd2_unbiased(x, y):
    """Unbiased squared MMD between two equal-size samples under `polynomial_kernel`."""
    m = x.shape[0]
    k_xx, k_yy, k_xy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return within - 2.0 * k_xy.mean()


def kernel_distance(real_features, fake_features, num_subsets=100, subset_size=1000, seed=0):
    """KID as ``(mean, std)`` over ``num_subsets`` random subsets of ``subset_size`` from each set
    (fewer when a set is smaller)."""
    real = np.asarray(real_features, np.float64)
    fake = np.asarray(fake_features, np.float64)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"feature sizes differ: {real.shape[1]} and {fake.shape[1]}")
    size = min(subset_size, len(real), len(fake))
    if size < 2:
        raise ValueError("KID needs at least 2 feature vectors in each set")
    rng = np.random.default_rng(seed)
    estimates = [
        mmd2_unbiased(real[rng.choice(len(real), size, replace=False)], fake[rng.choice(len(fake), size, replace=False)])
        for _ in range(num_subsets)
    ]
    return float(np.mean(estimates)), float(np.std(estimates))
