"""Layers shared by several families."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStdDev(keras.layers.Layer):
    """Appends the batch's average feature standard deviation as one more channel, so D can see
    a lack of variety across samples (Karras et al. 2018, "Progressive Growing of GANs", sec. 3;
    a simpler form of Salimans et al. 2016's minibatch discrimination). Statistics are over the
    whole (per-replica) batch."""

    def call(self, x):
        std = ops.sqrt(ops.var(x, axis=0) + 1e-8)
        feature = ops.mean(std) * ops.ones_like(x[..., :1])
        return ops.concatenate([x, feature], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch norm whose scale and shift are linear functions of a conditioning vector
    (de Vries et al. 2017; class-conditional BN of Miyato & Koyama 2018 and BigGAN, Brock et al.
    2019). Call it on ``[features, condition]``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.normalize = keras.layers.BatchNormalization(center=False, scale=False, synchronized=True)

    def build(self, input_shape):
        features_shape, condition_shape = input_shape
        channels = features_shape[-1]
        # gamma = 1 + f(c), beta = g(c): starts as plain batch norm. Sublayers are built here so
        # their weights exist (and are tracked) before any optimizer is built.
        self.normalize.build(features_shape)
        self.gamma = keras.layers.Dense(channels, kernel_initializer="zeros", name="gamma")
        self.beta = keras.layers.Dense(channels, kernel_initializer="zeros", name="beta")
        self.gamma.build(condition_shape)
        self.beta.build(condition_shape)

    def call(self, inputs, training=False):
        features, condition = inputs
        normalized = self.normalize(features, training=training)
        shape = (-1,) + (1,) * (len(features.shape) - 2) + (features.shape[-1],)
        gamma = ops.reshape(1.0 + self.gamma(condition), shape)
        beta = ops.reshape(self.beta(condition), shape)
        return normalized * ops.cast(gamma, normalized.dtype) + ops.cast(beta, normalized.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]
