"""Sample-quality metrics as pure functions on feature arrays (numpy or tensors).

Feature networks (InceptionV3, the project's domain classifiers) and the evaluation CLI build on
these; they are not part of this package yet.
"""

from keras_gans.metrics.fid import FeatureStatistics, frechet_distance
from keras_gans.metrics.inception_score import inception_score
from keras_gans.metrics.kid import kernel_distance
from keras_gans.metrics.modes import mode_coverage
from keras_gans.metrics.precision_recall import precision_recall

__all__ = [
    "FeatureStatistics",
    "frechet_distance",
    "inception_score",
    "kernel_distance",
    "mode_coverage",
    "precision_recall",
]
