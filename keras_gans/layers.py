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
