"""Fréchet distance between Gaussians fitted to two feature sets: FID when the features are
InceptionV3 pool features (Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule
Converge to a Local Nash Equilibrium"), and the same formula on any other feature network.

    d^2 = |mu_1 - mu_2|^2 + Tr(S_1 + S_2 - 2 (S_1 S_2)^(1/2))

Statistics and the matrix square root are float64. Tr((S_1 S_2)^(1/2)) is computed as the sum
of the square roots of the eigenvalues of S_1^(1/2) S_2 S_1^(1/2), which is symmetric positive
semi-definite, so near-singular covariances need no complex arithmetic; eigenvalues that are
negative beyond rounding (the "imaginary component" pytorch-fid checks for) are an error. Where
both sets have fewer vectors than dimensions (a translator's few hundred test images in the
season judge's 1,024 features), the same trace comes exactly from the samples
(`trace_sqrt_product_of_samples`): a small SVD instead of two d x d eigen-decompositions.
"""

import numpy as np


class FeatureStatistics:
    """Running mean and covariance of feature vectors, in float64.

    Feed batches with `update`; 50k samples never need to sit in memory together.
    """

    def __init__(self, dim=None):
        self.count = 0
        self.dim = dim
        self._sum = None
        self._outer = None

    def update(self, features):
        features = np.asarray(features, np.float64)
        if features.ndim != 2:
            raise ValueError(f"features must be [batch, dim], got shape {features.shape}")
        if self._sum is None:
            self.dim = self.dim or features.shape[1]
            self._sum = np.zeros(self.dim)
            self._outer = np.zeros((self.dim, self.dim))
        if features.shape[1] != self.dim:
            raise ValueError(f"feature size changed from {self.dim} to {features.shape[1]}")
        self.count += features.shape[0]
        self._sum += features.sum(axis=0)
        self._outer += features.T @ features
        return self

    @property
    def mean(self):
        return self._sum / self.count

    @property
    def covariance(self):
        """Unbiased sample covariance (divides by N - 1, as numpy.cov)."""
        if self.count < 2:
            raise ValueError("a covariance needs at least 2 feature vectors")
        mean = self.mean
        return (self._outer - self.count * np.outer(mean, mean)) / (self.count - 1)

    @classmethod
    def of(cls, features):
        return features if isinstance(features, cls) else cls().update(features)


def _symmetric_sqrt(matrix):
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0, None))) @ eigenvectors.T


def trace_sqrt_product(cov1, cov2, tolerance=1e-6):
    """Tr((cov1 cov2)^(1/2)) for symmetric positive semi-definite ``cov1``, ``cov2``."""
    root = _symmetric_sqrt(cov1)
    eigenvalues = np.linalg.eigvalsh(root @ cov2 @ root)
    scale = max(np.abs(eigenvalues).max(), 1e-300)
    if eigenvalues.min() < -tolerance * scale:
        raise ValueError(
            f"(cov1 cov2)^(1/2) has a non-negligible imaginary part (eigenvalue {eigenvalues.min():.3g} "
            f"against a largest of {scale:.3g}); the covariances are not positive semi-definite."
        )
    return float(np.sqrt(np.clip(eigenvalues, 0, None)).sum())


def trace_sqrt_product_of_samples(features1, features2):
    """Tr((S_1 S_2)^(1/2)) for the sample covariances S_i of ``features_i`` ``[n_i, d]``. With the
    centred samples X_i, S_i = X_i^T X_i / (n_i - 1), and the non-zero eigenvalues of S_1 S_2 are
    those of M M^T / ((n_1 - 1)(n_2 - 1)) with M = X_1 X_2^T: the squared singular values of M,
    scaled. An n_1 x n_2 SVD, cheaper than the d x d route when both n_i < d."""
    centred1, centred2 = (np.asarray(f, np.float64) - np.mean(f, axis=0, dtype=np.float64)
                          for f in (features1, features2))
    singular_values = np.linalg.svd(centred1 @ centred2.T, compute_uv=False)
    return float(singular_values.sum() / np.sqrt((len(centred1) - 1) * (len(centred2) - 1)))


def frechet_distance(real_features, fake_features, eps=1e-6):
    """Fréchet distance between two feature sets (arrays ``[n, d]`` or `FeatureStatistics`).

    ``eps`` is added to both covariances' diagonals only if the result is not finite otherwise,
    as pytorch-fid does for singular products.
    """
    real, fake = FeatureStatistics.of(real_features), FeatureStatistics.of(fake_features)
    if real.dim != fake.dim:
        raise ValueError(f"feature sizes differ: {real.dim} and {fake.dim}")
    mean_term = float(np.sum((real.mean - fake.mean) ** 2))
    cov1, cov2 = real.covariance, fake.covariance
    if isinstance(real_features, FeatureStatistics) or isinstance(fake_features, FeatureStatistics) or max(
            real.count, fake.count) >= real.dim:
        trace = trace_sqrt_product(cov1, cov2)
    else:  # fewer samples than dimensions in both: exact from the samples, and always finite
        trace = trace_sqrt_product_of_samples(real_features, fake_features)
    if not np.isfinite(trace):
        offset = eps * np.eye(real.dim)
        trace = trace_sqrt_product(cov1 + offset, cov2 + offset)
    return mean_term + float(np.trace(cov1) + np.trace(cov2)) - 2.0 * trace
