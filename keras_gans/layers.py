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


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantInput(keras.layers.Layer):
    """A learned ``[size, size, channels]`` tensor, repeated for each example of the batch it is
    called on (StyleGAN's synthesis input, Karras et al. 2019)."""

    def __init__(self, size, channels, **kwargs):
        super().__init__(**kwargs)
        self.size, self.channels = size, channels

    def build(self, input_shape):
        shape = (1, self.size, self.size, self.channels)
        self.constant = self.add_weight(shape=shape, initializer="random_normal", name="constant")

    def call(self, batch_reference):
        return ops.repeat(self.constant, ops.shape(batch_reference)[0], axis=0)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "channels": self.channels}


@keras.saving.register_keras_serializable(package="keras_gans")
class ModulatedConv2D(keras.layers.Layer):
    """StyleGAN2's modulated convolution (Karras et al. 2020, sec. 2.2) on ``[features, style]``:
    an affine map of the style scales each input channel, then demodulation rescales each output
    channel to unit expected variance. Scaling the activations instead of the weights is the
    same computation and needs no grouped convolution. Optional bilinear 2x upsampling first.
    With ``style_index``, the style input is ``[batch, layers, w_dim]`` and this layer takes its
    own row."""

    def __init__(self, filters, kernel_size=3, demodulate=True, upsample=False, style_index=None, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.demodulate, self.upsample = filters, kernel_size, demodulate, upsample
        self.style_index = style_index

    def build(self, input_shape):
        features_shape, style_shape = input_shape
        channels = features_shape[-1]
        self.affine = keras.layers.Dense(channels, bias_initializer="ones", name="affine")
        self.affine.build((style_shape[0], style_shape[-1]))
        self.kernel = self.add_weight(shape=(self.kernel_size, self.kernel_size, channels, self.filters),
                                      initializer="he_normal", name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

    def call(self, inputs):
        features, style = inputs
        if self.style_index is not None:
            style = style[:, self.style_index]
        scale = self.affine(style)  # [B, in]
        if self.upsample:
            features = ops.image.resize(features, (features.shape[1] * 2, features.shape[2] * 2), interpolation="bilinear")
        out = ops.conv(features * scale[:, None, None, :], self.kernel, padding="same")
        if self.demodulate:
            weight_energy = ops.sum(ops.square(self.kernel), axis=(0, 1))  # [in, out]
            out = out * ops.rsqrt(ops.matmul(ops.square(scale), weight_energy) + 1e-8)[:, None, None, :]
        return out + self.bias

    def compute_output_shape(self, input_shape):
        shape = input_shape[0]
        factor = 2 if self.upsample else 1
        return (shape[0], shape[1] * factor, shape[2] * factor, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "demodulate": self.demodulate, "upsample": self.upsample, "style_index": self.style_index}


@keras.saving.register_keras_serializable(package="keras_gans")
class NoiseInjection(keras.layers.Layer):
    """Adds per-pixel Gaussian noise scaled by a learned per-channel strength (StyleGAN's B
    inputs, Karras et al. 2019). Random while training; a fixed stored noise map when not, so a
    latent always gives the same image (StyleGAN2's ``noise_mode="const"``)."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.strength = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="strength")
        self.fixed_noise = self.add_weight(shape=(1, input_shape[1], input_shape[2], 1), initializer="random_normal",
                                           trainable=False, name="fixed_noise")

    def call(self, features, training=False):
        if training:
            noise = keras.random.normal((ops.shape(features)[0], features.shape[1], features.shape[2], 1),
                                        seed=self.seed_generator)
        else:
            noise = self.fixed_noise
        return features + noise * self.strength

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_gans")
class Truncation(keras.layers.Layer):
    """The truncation trick in W (Karras et al. 2019): w' = w_avg + psi (w - w_avg). ``w_avg`` is
    a running average the training step updates; psi = 1 (the default) leaves w unchanged."""

    def __init__(self, psi=1.0, **kwargs):
        super().__init__(**kwargs)
        self.psi = psi

    def build(self, input_shape):
        self.w_avg = self.add_weight(shape=(input_shape[-1],), initializer="zeros", trainable=False, name="w_avg")

    def call(self, w):
        return self.w_avg + self.psi * (w - self.w_avg)

    def get_config(self):
        return {**super().get_config(), "psi": self.psi}
