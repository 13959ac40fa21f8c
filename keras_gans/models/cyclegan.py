"""CycleGAN: Zhu et al. 2017, "Unpaired Image-to-Image Translation using Cycle-Consistent
Adversarial Networks" (arXiv:1703.10593).

Two ResNet generators (G: A -> B, F: B -> A; Johnson et al. 2016 with instance norm) and two
PatchGAN discriminators (D_B, D_A), least-squares adversarial losses, cycle consistency
lambda * (|F(G(a)) - a| + |G(F(b)) - b|) with lambda = 10, identity 0.5 * lambda, and D trained on
a history of 50 generated images (Shrivastava et al. 2017). Trains on unpaired data
(``--dataset=summer2winter --data_dir=../shared/data/summer2winter_yosemite_subset``) with the
paper's random jitter and mirroring, each domain's image on its own (`keras_gans.data.random_jitter`).
Deviations from the paper:
- Zero padding where the paper uses reflection padding (Keras has no reflection padding layer).
- Of the stabilisers of `GAN.compile`, CycleGAN takes DiffAugment and instance noise; the others
  are refused.
"""

import keras
import tensorflow as tf
from keras import layers, ops

from keras_gans import global_batch
from keras_gans.models.base import GAN
from keras_gans.models.pix2pix import build_patch_discriminator, l1_per_example, per_example


def build_resnet_generator(image_shape, width=64, residual_blocks=6, name="generator"):
    """c7s1-64, d128, d256, R256 x blocks, u128, u64, c7s1-C with instance norm and tanh."""
    def norm_relu(h):
        return layers.ReLU()(layers.GroupNormalization(groups=-1)(h))

    image = keras.Input(image_shape, name="z")
    h = norm_relu(layers.Conv2D(width, 7, padding="same", use_bias=False)(image))
    for filters in (width * 2, width * 4):
        h = norm_relu(layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False)(h))
    for _ in range(residual_blocks):
        r = norm_relu(layers.Conv2D(width * 4, 3, padding="same", use_bias=False)(h))
        r = layers.GroupNormalization(groups=-1)(layers.Conv2D(width * 4, 3, padding="same", use_bias=False)(r))
        h = layers.Add()([h, r])
    for filters in (width * 2, width):
        h = norm_relu(layers.Conv2DTranspose(filters, 3, strides=2, padding="same", use_bias=False)(h))
    h = layers.Conv2D(image_shape[-1], 7, padding="same")(h)
    return keras.Model(image, layers.Activation("tanh", dtype="float32", name="image")(h), name=name)


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(GAN):
    """``generator`` is G: A -> B and ``discriminator`` is D_B; ``generator_ba`` (F) and
    ``discriminator_a`` (D_A) are the reverse pair."""

    data_kind = "unpaired"
    stabilizers = ("instance_noise", "diff_augment")
    # Two stride-2 convolutions down, two transposed ones back up.
    takes_side = staticmethod(lambda side: side % 4 == 0)
    hyperparameters = {
        "cycle_weight": "weight lambda of the cycle-consistency loss",
        "identity_weight": "identity loss weight, as a fraction of cycle_weight",
        "residual_blocks": "residual blocks per generator",
    }
    default_loss = "least_squares"
    pool_size = 50

    def __init__(self, generator, discriminator, latent_dim=0, generator_ba=None, discriminator_a=None, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.generator_ba = generator_ba
        self.discriminator_a = discriminator_a
        image_shape = tuple(generator.inputs[0].shape[1:])
        # Histories of generated images, one per domain, filled as training goes.
        self.pools = {
            domain: (
                self.add_weight(shape=(self.pool_size, *image_shape), initializer="zeros", trainable=False,
                                name=f"pool_{domain}"),
                self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name=f"pool_{domain}_count"),
            )
            for domain in ("a", "b")
        }

    def compile(self, *args, cycle_weight=10.0, identity_weight=0.5, **kwargs):
        """As `GAN.compile`, plus lambda of the cycle loss and the identity loss's fraction of it."""
        super().compile(*args, **kwargs)
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)

    @classmethod
    def from_hparams(cls, image_shape, latent_dim=0, num_classes=0, seed=None, ema_decay=None, width=64,
                     residual_blocks=6):
        image_shape = tuple(image_shape)
        return cls(
            build_resnet_generator(image_shape, width, residual_blocks, "generator_ab"),
            build_patch_discriminator(image_shape, width, "instance"),
            generator_ba=build_resnet_generator(image_shape, width, residual_blocks, "generator_ba"),
            discriminator_a=build_patch_discriminator(image_shape, width, "instance"),
            seed=seed, ema_decay=ema_decay,
        )

    @property
    def generator_variables(self):
        return self.generator.trainable_variables + self.generator_ba.trainable_variables

    @property
    def discriminator_variables(self):
        return self.discriminator.trainable_variables + self.discriminator_a.trainable_variables

    def checkpoint_objects(self):
        return {**super().checkpoint_objects(), "generator_ba": self.generator_ba,
                "discriminator_a": self.discriminator_a,
                **{f"pool_{domain}{part}": variable for domain, pool in self.pools.items()
                   for part, variable in zip(("", "_count"), pool)}}

    def saved_generators(self):
        return {"generator": self.sampling_generator, "generator_ba": self.generator_ba}

    def translation_columns(self, a, b):
        return [a, self.generate(a), b, self.generator_ba(b, training=False)]

    def from_history(self, domain, images):
        """Shrivastava et al. 2017's image pool: until full, store and return each image; then
        return a random stored image (and store the new one in its place) half of the time.

        The pool is one for the global batch: every replica gathers all replicas' images, makes
        the same draws and the same update, and keeps its own rows of the result, so replicas
        hold identical pools and train as one device does."""
        pool, count = self.pools[domain]
        images = global_batch.gather(images)
        batch = ops.shape(images)[0]
        slot = count + ops.arange(batch, dtype="int32")
        random_slot = keras.random.randint((batch,), 0, self.pool_size, seed=self.seed_generator)
        swap = (slot >= self.pool_size) & (keras.random.uniform((batch,), seed=self.seed_generator) < 0.5)
        out = ops.where(swap[:, None, None, None], ops.take(pool, random_slot, axis=0), images)
        target = ops.where(slot < self.pool_size, slot, ops.where(swap, random_slot, -1))
        keep = target >= 0
        pool.assign(tf.tensor_scatter_nd_update(pool, tf.boolean_mask(target, keep)[:, None], tf.boolean_mask(images, keep)))
        count.assign(ops.minimum(count + batch, self.pool_size))
        return global_batch.own_rows(out)

    def adversarial(self, discriminator, images, training=True):
        return discriminator(self.discriminator_view(images) if training else images, training=training)

    def train_step(self, data):
        real_a, real_b = self.unpack_step_data(data)
        loss, g_ab, g_ba = self.adversarial_loss, self.generator, self.generator_ba

        with tf.GradientTape() as tape:
            fake_b, fake_a = g_ab(real_a, training=True), g_ba(real_b, training=True)
            cycle = l1_per_example(g_ba(fake_b, training=True), real_a) + l1_per_example(g_ab(fake_a, training=True), real_b)
            identity = l1_per_example(g_ab(real_b, training=True), real_b) + l1_per_example(g_ba(real_a, training=True), real_a)
            g_scores_b = self.adversarial(self.discriminator, fake_b)
            g_scores_a = self.adversarial(self.discriminator_a, fake_a)
            adversarial_b = self.generator_adversarial_loss(g_scores_b, lambda: self.adversarial(self.discriminator, real_b))
            adversarial_a = self.generator_adversarial_loss(g_scores_a, lambda: self.adversarial(self.discriminator_a, real_a))
            g_per_example = (per_example(adversarial_b) + per_example(adversarial_a)
                             + self.cycle_weight * (cycle + self.identity_weight * identity))
            g_loss = self.reduce_loss(g_per_example)
        self.apply_update(tape, g_loss, self.generator_variables, self.g_optimizer)
        self.update_ema()

        history_b = self.from_history("b", tf.stop_gradient(fake_b))
        history_a = self.from_history("a", tf.stop_gradient(fake_a))
        with tf.GradientTape() as tape:
            real_scores = self.adversarial(self.discriminator, real_b)
            fake_scores = self.adversarial(self.discriminator, history_b)
            # Halved, as in the paper, to slow D relative to G.
            d_per_example = 0.5 * (per_example(loss.discriminator(real_scores, fake_scores)) + per_example(
                loss.discriminator(self.adversarial(self.discriminator_a, real_a),
                                   self.adversarial(self.discriminator_a, history_a))))
            d_loss = self.reduce_loss(d_per_example)
        self.apply_update(tape, d_loss, self.discriminator_variables, self.d_optimizer)
        return self.update_metrics(ops.mean(d_per_example), ops.mean(g_per_example), real_scores, fake_scores)

    def get_config(self):
        return {
            **super().get_config(),
            "generator_ba": keras.saving.serialize_keras_object(self.generator_ba),
            "discriminator_a": keras.saving.serialize_keras_object(self.discriminator_a),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator_ba", "discriminator_a"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return super().from_config(config)
