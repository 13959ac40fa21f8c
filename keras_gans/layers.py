"""Layers shared by several families."""

import keras
from keras import ops

from keras_gans import global_batch, sampling


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStdDev(keras.layers.Layer):
    """Appends one more channel: the feature standard deviation over a group of ``group_size``
    examples, averaged, so D can see a lack of variety across samples (Karras et al. 2018,
    "Progressive Growing of GANs", sec. 3, with the groups of 4 of their code; a simpler form of
    Salimans et al. 2016's minibatch discrimination).

    Groups are consecutive examples (the official code strides them; the batch is shuffled, so
    the two are alike), which keeps them within a replica: several replicas compute what one
    device computes as long as each replica's batch is a multiple of the group size. A batch that
    is not is one group."""

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        self.group_size = int(group_size)

    def call(self, x):
        batch = ops.shape(x)[0]
        group = ops.minimum(self.group_size, batch)
        group = ops.where(batch % group == 0, group, batch)
        grouped = ops.reshape(ops.cast(x, "float32"), (-1, group, *x.shape[1:]))  # [groups, group, H, W, C]
        std = ops.sqrt(ops.var(grouped, axis=1) + 1e-8)
        per_group = ops.mean(std, axis=tuple(range(1, len(x.shape))))  # [groups]
        per_example = ops.reshape(ops.repeat(per_group[:, None], group, axis=1), (-1,) + (1,) * (len(x.shape) - 1))
        return ops.concatenate([x, ops.cast(per_example, x.dtype) * ops.ones_like(x[..., :1])], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}


@keras.saving.register_keras_serializable(package="keras_gans")
class SpectralNormalization(keras.layers.Wrapper):
    """Spectral normalisation as Miyato et al. 2018 define it ("Spectral Normalization for
    Generative Adversarial Networks", Algorithm 1): the wrapped linear layer computes with
    W / sigma(W), sigma estimated by power iteration with u (and v) held fixed, so the gradient
    flows through sigma as well as W. (Keras' own `SpectralNormalization` overwrites the kernel
    with W / sigma, and no gradient flows through sigma.)

    The wrapped layer (Dense, Conv2D, Embedding, ...) must be linear in its kernel with no activation:
    then layer(x) with W / sigma equals (layer(x) - b) / sigma + b, which is how it is computed.
    Every training-mode call makes ``power_iterations`` updates of u, which is kept between calls
    (as the authors' Chainer code, which updates u in each forward pass); sigma is computed in
    float32 under mixed precision too.
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        self.power_iterations = int(power_iterations)

    def build(self, input_shape):
        super().build(input_shape)
        if getattr(self.layer, "activation", None) not in (None, keras.activations.linear):
            raise ValueError(f"SpectralNormalization needs a layer without activation; {self.layer.name} has one.")
        # An Embedding's table [classes, features] is its kernel (BigGAN's SNEmbedding).
        self.kernel = self.layer.embeddings if isinstance(self.layer, keras.layers.Embedding) else self.layer.kernel
        self.u = self.add_weight(shape=(1, self.kernel.shape[-1]), initializer=keras.initializers.RandomNormal(),
                                 trainable=False, name="u")

    def _matrix(self):
        """W reshaped to [inputs, outputs], in float32."""
        return ops.reshape(ops.cast(self.kernel, "float32"), (-1, self.kernel.shape[-1]))

    def singular_vectors(self, training):
        """(u, v) of `_matrix`, after the power iterations when training."""
        matrix = self._matrix()
        u = ops.cast(self.u, "float32")
        v = ops.normalize(ops.matmul(u, ops.transpose(matrix)), epsilon=1e-12)
        for _ in range(self.power_iterations if training else 0):
            u = ops.normalize(ops.matmul(v, matrix), epsilon=1e-12)
            v = ops.normalize(ops.matmul(u, ops.transpose(matrix)), epsilon=1e-12)
        if training:
            self.u.assign(u)
        return ops.stop_gradient(u), ops.stop_gradient(v)

    def sigma(self, training=False):
        """The estimate v^T W u of W's largest singular value, differentiable in W."""
        u, v = self.singular_vectors(training)
        return ops.sum(ops.matmul(v, self._matrix()) * u)

    def call(self, inputs, training=False):
        outputs = self.layer(inputs)
        sigma = ops.cast(self.sigma(training), outputs.dtype)
        bias = getattr(self.layer, "bias", None)
        if bias is None:
            return outputs / sigma
        bias = ops.cast(bias, outputs.dtype)
        return (outputs - bias) / sigma + bias

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}


@keras.saving.register_keras_serializable(package="keras_gans")
class Dropout(keras.layers.Layer):
    """Inverted dropout whose mask is drawn per example of the global batch
    (`keras_gans.global_batch`), so several replicas drop what one device drops; Keras' own
    `Dropout` gives every replica the same mask."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = float(rate), seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training or not self.rate:
            return inputs
        keep = global_batch.uniform(ops.shape(inputs), self.seed_generator) >= self.rate
        return ops.where(keep, inputs / (1.0 - self.rate), ops.zeros_like(inputs))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_gans")
class Maxout(keras.layers.Layer):
    """The maxout activation (Goodfellow et al. 2013, "Maxout Networks"): each output unit is the
    largest of ``pieces`` consecutive input features, so a Dense layer of ``units * pieces``
    followed by it is a maxout layer of ``units`` (pylearn2's grouping, which the GAN paper used)."""

    def __init__(self, pieces, **kwargs):
        super().__init__(**kwargs)
        self.pieces = int(pieces)

    def call(self, x):
        return ops.max(ops.reshape(x, (-1, *x.shape[1:-1], x.shape[-1] // self.pieces, self.pieces)), axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] // self.pieces)

    def get_config(self):
        return {**super().get_config(), "pieces": self.pieces}


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
class NearestUpsampling2D(keras.layers.Layer):
    """2x nearest-neighbour upsampling, as ``layers.UpSampling2D()``, with a static output shape:
    UpSampling2D repeats rows with ``ops.repeat``, whose output height TensorFlow leaves unknown,
    and TFLite's builtin convolution then refuses the next layer. (``layers.Resizing`` would do
    it too, but a model holding that preprocessing layer runs its batch norms in training mode
    when called with ``training=None``.)"""

    def call(self, images):
        return ops.image.resize(images, (2 * images.shape[1], 2 * images.shape[2]), interpolation="nearest")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return batch, 2 * height, 2 * width, channels


@keras.saving.register_keras_serializable(package="keras_gans")
class LatentChunks(keras.layers.Layer):
    """Splits ``z`` into ``num_chunks`` consecutive chunks of (nearly) equal size, the earlier ones
    one longer when it does not divide (BigGAN's hierarchical latents, Brock et al. 2019)."""

    def __init__(self, num_chunks, **kwargs):
        super().__init__(**kwargs)
        self.num_chunks = int(num_chunks)

    def sizes(self, dim):
        base, extra = divmod(dim, self.num_chunks)
        return [base + (1 if i < extra else 0) for i in range(self.num_chunks)]

    def call(self, z):
        chunks, start = [], 0
        for size in self.sizes(z.shape[-1]):
            chunks.append(z[:, start : start + size])
            start += size
        return chunks

    def compute_output_shape(self, input_shape):
        return [(*input_shape[:-1], size) for size in self.sizes(input_shape[-1])]

    def get_config(self):
        return {**super().get_config(), "num_chunks": self.num_chunks}


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantInput(keras.layers.Layer):
    """A learned ``[size, size, channels]`` tensor, repeated for each example of the batch it is
    called on (StyleGAN's synthesis input, Karras et al. 2019)."""

    def __init__(self, size, channels, **kwargs):
        super().__init__(**kwargs)
        self.size, self.channels = size, channels

    def build(self, input_shape):
        shape = (1, self.size, self.size, self.channels)
        self.constant = self.add_weight(shape=shape, initializer=keras.initializers.RandomNormal(0.0, 1.0), name="constant")

    def call(self, batch_reference):
        return ops.repeat(self.constant, ops.shape(batch_reference)[0], axis=0)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "channels": self.channels}


@keras.saving.register_keras_serializable(package="keras_gans")
class PixelNormalization(keras.layers.Layer):
    """Scales each vector to unit mean square over its last axis (Karras et al. 2018, sec. 4.2;
    StyleGAN's normalisation of z): a latent of N(0, I) draws keeps its scale, unlike unit length.
    Computed in float32, where the epsilon does not round to zero."""

    def call(self, x):
        x32 = ops.cast(x, "float32")
        return ops.cast(x32 * ops.rsqrt(ops.mean(ops.square(x32), axis=-1, keepdims=True) + 1e-8), x.dtype)


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(keras.layers.Layer):
    """A dense layer with the equalised learning rate of Karras et al. 2018 ("Progressive Growing
    of GANs", sec. 4.1), as StyleGAN uses it: weights stored as N(0, 1 / lr_multiplier^2) draws and
    scaled at run time by c = lr_multiplier / sqrt(fan_in) (biases by lr_multiplier). Adam's steps
    are about the same size for every stored weight, so every layer's effective weights move at the
    same rate relative to their scale, and a layer with lr_multiplier 0.01 (StyleGAN's mapping
    network) 100 times slower."""

    def __init__(self, units, lr_multiplier=1.0, bias_initializer=0.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.lr_multiplier, self.bias_initializer = int(units), float(lr_multiplier), float(bias_initializer)

    def build(self, input_shape):
        fan_in = input_shape[-1]
        self.weight_gain = self.lr_multiplier / fan_in**0.5
        self.kernel = self.add_weight(shape=(fan_in, self.units), name="kernel",
                                      initializer=keras.initializers.RandomNormal(0.0, 1.0 / self.lr_multiplier))
        self.bias = self.add_weight(shape=(self.units,), name="bias",
                                    initializer=keras.initializers.Constant(self.bias_initializer / self.lr_multiplier))

    def call(self, x):
        return ops.matmul(x, self.kernel * self.weight_gain) + self.bias * self.lr_multiplier

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "lr_multiplier": self.lr_multiplier,
                "bias_initializer": self.bias_initializer}


@keras.saving.register_keras_serializable(package="keras_gans")
class ModulatedConv2D(keras.layers.Layer):
    """StyleGAN2's modulated convolution (Karras et al. 2020, sec. 2.2) on ``[features, style]``:
    an affine map of the style scales each input channel, then demodulation rescales each output
    channel to unit expected variance. Scaling the activations instead of the weights is the
    same computation and needs no grouped convolution. Optional bilinear 2x upsampling first.
    With ``style_index``, the style input is ``[batch, layers, w_dim]`` and this layer takes its
    own row. Both the affine map and the kernel have the equalised learning rate (`EqualizedDense`;
    the kernel is N(0, 1) scaled by 1 / sqrt(fan_in) at run time), as in StyleGAN2."""

    def __init__(self, filters, kernel_size=3, demodulate=True, upsample=False, style_index=None, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.demodulate, self.upsample = filters, kernel_size, demodulate, upsample
        self.style_index = style_index

    def build(self, input_shape):
        features_shape, style_shape = input_shape
        channels = features_shape[-1]
        self.affine = EqualizedDense(channels, bias_initializer=1.0, name="affine")
        self.affine.build((style_shape[0], style_shape[-1]))
        self.kernel = self.add_weight(shape=(self.kernel_size, self.kernel_size, channels, self.filters),
                                      initializer=keras.initializers.RandomNormal(0.0, 1.0), name="kernel")
        self.weight_gain = (self.kernel_size * self.kernel_size * channels) ** -0.5
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

    def call(self, inputs):
        features, style = inputs
        if self.style_index is not None:
            style = style[:, self.style_index]
        scale = self.affine(style)  # [B, in]
        if self.upsample:
            features = ops.image.resize(features, (features.shape[1] * 2, features.shape[2] * 2), interpolation="bilinear")
        kernel = self.kernel * self.weight_gain
        out = ops.conv(features * scale[:, None, None, :], kernel, padding="same")
        if self.demodulate:
            weight_energy = ops.sum(ops.square(kernel), axis=(0, 1))  # [in, out]
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
        # Standard normal, as the training noise (Keras' "random_normal" has a std of 0.05).
        self.fixed_noise = self.add_weight(shape=(1, input_shape[1], input_shape[2], 1),
                                           initializer=keras.initializers.RandomNormal(0.0, 1.0),
                                           trainable=False, name="fixed_noise")

    def call(self, features, training=False):
        if training:
            noise = global_batch.normal((ops.shape(features)[0], features.shape[1], features.shape[2], 1),
                                        self.seed_generator, dtype=features.dtype)
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


@keras.saving.register_keras_serializable(package="keras_gans")
class LatentCodes(keras.layers.Layer):
    """InfoGAN's structured codes read off standard normal latents (Chen et al. 2016 draw a
    uniform categorical code and continuous codes uniform in [-1, 1]).

    Of ``z``'s coordinates, the one before the last ``num_continuous`` picks the category (its
    normal CDF in [k/K, (k+1)/K) gives category k, each equally likely) and the last ones become
    continuous codes `keras_gans.sampling.continuous_code` (uniform on (-1, 1) to within 3.6e-4
    of the CDF). Output: ``[noise, one-hot category, continuous codes]``. So the N(0, I) latents
    that every sampler, export and server draws are exactly the inputs the generator trained on.
    """

    def __init__(self, num_categories, num_continuous, **kwargs):
        super().__init__(**kwargs)
        self.num_categories, self.num_continuous = int(num_categories), int(num_continuous)

    @property
    def layout(self):
        """The code layout `keras_gans.sampling.set_codes` takes."""
        return {"categorical": self.num_categories, "continuous": self.num_continuous}

    def codes(self, z):
        """(noise, category index, continuous codes) of latents ``z``."""
        split = z.shape[-1] - 1 - self.num_continuous
        coordinate = z[:, split]
        category = sum(ops.cast(coordinate >= t, "int32") for t in sampling.category_thresholds(self.num_categories))
        return z[:, :split], category, sampling.continuous_code(z[:, split + 1 :], ops.tanh)

    def call(self, z):
        noise, category, continuous = self.codes(z)
        return ops.concatenate([noise, ops.one_hot(category, self.num_categories, dtype=z.dtype), continuous], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] - 1 + self.num_categories)

    def get_config(self):
        return {**super().get_config(), "num_categories": self.num_categories, "num_continuous": self.num_continuous}


def latent_layout(generator):
    """The `LatentCodes` layout of a generator (its own layer, or a nested model's), else None."""
    for layer in generator.layers:
        if isinstance(layer, LatentCodes):
            return layer.layout
        if isinstance(layer, keras.Model):
            nested = latent_layout(layer)
            if nested:
                return nested
    return None
