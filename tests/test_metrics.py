"""Metric functions against independent computations and known values."""

import numpy as np
import pytest
import scipy.linalg

from keras_gans import metrics
from keras_gans.metrics import fid
from keras_gans.metrics.kid import polynomial_kernel


def gaussian_features(seed, n=2000, d=16, shift=0.0, scale=1.0):
    """Samples of one correlated Gaussian (the same for every seed), shifted and scaled."""
    mixing = np.random.default_rng(1234).standard_normal((d, d)) / np.sqrt(d)
    return (np.random.default_rng(seed).standard_normal((n, d)) @ mixing) * scale + shift


def reference_fid(a, b):
    """float64 numpy + scipy.linalg.sqrtm, as pytorch-fid computes it."""
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


def test_frechet_distance_matches_scipy_sqrtm():
    a, b = gaussian_features(0), gaussian_features(1, shift=0.3, scale=1.2)
    ours, reference = metrics.frechet_distance(a, b), reference_fid(a, b)
    assert abs(ours - reference) / reference < 1e-6


def test_frechet_distance_streaming_equals_in_memory():
    a, b = gaussian_features(0), gaussian_features(1, shift=0.5)
    stats = metrics.FeatureStatistics()
    for chunk in np.array_split(a, 7):
        stats.update(chunk)
    np.testing.assert_allclose(stats.covariance, np.cov(a, rowvar=False), rtol=1e-9, atol=1e-12)
    assert metrics.frechet_distance(stats, b) == pytest.approx(metrics.frechet_distance(a, b), rel=1e-9)


def test_frechet_distance_of_identical_sets_is_zero():
    a = gaussian_features(0)
    assert abs(metrics.frechet_distance(a, a)) < 1e-8


def test_frechet_distance_diagonal_gaussians_closed_form():
    # Population statistics: FID = |mu1 - mu2|^2 + sum (s1 + s2 - 2 sqrt(s1 s2)) for variances s1, s2.
    rng = np.random.default_rng(0)
    n, var1, var2 = 400_000, np.array([1.0, 4.0, 0.25]), np.array([2.0, 1.0, 0.25])
    mu1, mu2 = np.array([0.0, 1.0, -1.0]), np.array([0.5, 1.0, 0.0])
    a = mu1 + rng.standard_normal((n, 3)) * np.sqrt(var1)
    b = mu2 + rng.standard_normal((n, 3)) * np.sqrt(var2)
    expected = ((mu1 - mu2) ** 2).sum() + (var1 + var2 - 2 * np.sqrt(var1 * var2)).sum()
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, abs=0.03)


def test_frechet_distance_handles_singular_covariances():
    rng = np.random.default_rng(0)
    low_rank = rng.standard_normal((500, 3)) @ rng.standard_normal((3, 32))  # rank 3 in 32 dims
    assert np.isfinite(metrics.frechet_distance(low_rank, low_rank + 0.1))


def test_fewer_samples_than_dimensions_take_the_sample_route_to_the_same_distance():
    """Fewer vectors than dimensions (a translator's test set in the season judge's 1,024 features):
    the trace comes from an SVD of the samples' cross product, checked against the d x d eigen route
    and scipy's sqrtm on the same covariances."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((40, 120)) @ rng.standard_normal((120, 120)) / 11
    b = rng.standard_normal((55, 120)) @ rng.standard_normal((120, 120)) / 11 + 0.2
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    by_samples = fid.trace_sqrt_product_of_samples(a, b)
    # The d x d route: eigenvalues of S_1^(1/2) S_2 S_1^(1/2); rank 39 here, and the other 81 are
    # rounding (|e| ~ 1e-15) whose square roots the full route adds (about 1e-6 in all).
    w, v = np.linalg.eigh(s1)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    eigenvalues = np.linalg.eigvalsh(root @ s2 @ root)
    assert (eigenvalues > 1e-10).sum() == 39
    assert by_samples == pytest.approx(np.sqrt(eigenvalues[eigenvalues > 1e-10]).sum(), rel=1e-9)
    assert by_samples == pytest.approx(fid.trace_sqrt_product(s1, s2), rel=1e-7)
    # sqrtm of a singular product is less exact than either route; it agrees to its own rounding.
    assert by_samples == pytest.approx(np.trace(scipy.linalg.sqrtm(s1 @ s2).real), rel=1e-5)
    expected = float(((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(s1) + np.trace(s2)) - 2 * by_samples
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-12)
    # Statistics alone take the d x d route, rounding's square roots and all.
    assert metrics.frechet_distance(a, b) == pytest.approx(metrics.frechet_distance(metrics.FeatureStatistics.of(a), b),
                                                           rel=1e-7)


def test_kid_of_one_distribution_is_about_zero():
    a, b = gaussian_features(0, n=3000), gaussian_features(1, n=3000)
    mean, std = metrics.kernel_distance(a, b, num_subsets=20, subset_size=500)
    assert abs(mean) < 3 * std + 1e-3
    far, _ = metrics.kernel_distance(a, gaussian_features(2, n=3000, shift=1.0), num_subsets=20, subset_size=500)
    assert far > 0.1


def test_kid_equals_direct_unbiased_estimator():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((20, 5)), rng.standard_normal((20, 5)) + 0.5
    m, d = 20, 5
    k = lambda a, b: (a @ b / d + 1) ** 3  # noqa: E731
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    mean, std = metrics.kernel_distance(x, y, num_subsets=3, subset_size=20)
    assert mean == pytest.approx(xx + yy - 2 * xy, rel=1e-10) and std == pytest.approx(0, abs=1e-12)
    assert polynomial_kernel(x, y).shape == (20, 20)


def test_inception_score_extremes():
    assert metrics.inception_score(np.zeros((100, 10)), splits=10)[0] == pytest.approx(1.0)
    confident = np.full((1000, 10), -50.0)
    confident[np.arange(1000), np.arange(1000) % 10] = 50.0
    mean, std = metrics.inception_score(confident, splits=10)
    assert mean == pytest.approx(10.0, rel=1e-6) and std < 1e-6


def test_precision_recall_extremes():
    a = gaussian_features(0, n=500, d=8)
    assert metrics.precision_recall(a, a.copy()) == (1.0, 1.0)
    assert metrics.precision_recall(a, a + 100.0) == (0.0, 0.0)


def test_mode_coverage():
    full = metrics.mode_coverage(np.arange(1000) % 10, 10)
    assert full["classes_covered"] == 10 and full["kl_divergence"] == pytest.approx(0.0, abs=1e-12)
    collapsed = metrics.mode_coverage(np.zeros(1000, int) + 3, 10)
    assert collapsed["classes_covered"] == 1 and collapsed["kl_divergence"] == pytest.approx(np.log(10))
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        metrics.mode_coverage([11], 10)
