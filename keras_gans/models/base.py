"""The GAN base class: what every family shares, written once.

A family subclasses `GAN`, builds its generator and discriminator in ``build_networks`` and, only
when its update differs from the standard one (one D step, then one G step), overrides
``train_step``. Everything around the update lives here: latent sampling from a model-owned
`SeedGenerator`, loss reduction for the global batch (so one device, several replicas and several
workers train the same), loss scaling for mixed precision, and the metrics.
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import losses


def _replicas_and_id():
    """(replicas in sync, this replica's id); (1, 0) outside a replica context."""
    context = tf.distribute.get_replica_context()
    if context is None:
        return 1, 0
    return context.num_replicas_in_sync, context.replica_id_in_sync_group


class GAN(keras.Model):
    """A generator and a discriminator trained adversarially with Keras' ``fit``.

    Args:
        generator: maps ``z`` (and, for conditional models, ``label``) to images in [-1, 1].
        discriminator: maps images (and labels) to one raw score per example.
        latent_dim: size of ``z``.
        num_classes: the number of classes of a conditional model, 0 for unconditional ones.
        seed: seed of the model's `SeedGenerator`; with a fixed seed training is repeatable.
        ema_decay: when set (e.g. 0.999), an exponential moving average of the generator's weights
            is kept in ``ema_generator`` and used for sampling (Karras et al. 2018, Yazıcı et al.
            2019, "The Unusual Effectiveness of Averaging in GAN Training").
    """

    # Class-conditional families set this: their networks take a ``label`` input.
    conditional = False

    def __init__(self, generator, discriminator, latent_dim, num_classes=0, seed=None, ema_decay=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.ema_decay = ema_decay
        self.ema_generator = None
        if ema_decay:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.num_classes = int(num_classes)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        # Both networks are built functional models, so there is nothing left to build.
        self.built = True

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build_networks(cls, image_shape, latent_dim, num_classes, **hparams):
        """Returns ``(generator, discriminator)`` for this family. Families implement it."""
        raise NotImplementedError

    @classmethod
    def from_hparams(cls, image_shape, latent_dim=128, num_classes=0, seed=None, ema_decay=None, **hparams):
        """Builds the family's networks and the model around them; unconditional families
        ignore ``num_classes``."""
        num_classes = num_classes if cls.conditional else 0
        generator, discriminator = cls.build_networks(
            tuple(image_shape), int(latent_dim), int(num_classes), **hparams
        )
        return cls(generator, discriminator, latent_dim, num_classes=num_classes, seed=seed, ema_decay=ema_decay)

    def compile(self, d_optimizer, g_optimizer, loss="non_saturating", **kwargs):
        """Sets the two optimizers and the adversarial loss (a name from `keras_gans.losses`).

        Both optimizers are built here, so a checkpoint restores their slots before the first step.
        Under a `tf.distribute` strategy, call it inside ``strategy.scope()``.
        """
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.adversarial_loss = losses.get(loss)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Both networks are built at construction. Keras' symbolic build would pull a batch and
        # reduce it across replicas, which fails under MultiWorkerMirroredStrategy (Keras 3.15).
        return

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker, self.d_fake_tracker]

    # -- the pieces a train_step is made of -----------------------------------------------------

    def sample_latent(self, batch_size):
        """``z ~ N(0, I)`` for this replica's share of the global batch.

        The latents of the whole global batch are drawn and this replica's rows taken, so the
        replicas draw different latents and training does not depend on how many there are.
        """
        replicas, replica_id = _replicas_and_id()
        z = keras.random.normal((batch_size * replicas, self.latent_dim), seed=self.seed_generator)
        start = replica_id * batch_size
        return z[start : start + batch_size]

    def generator_inputs(self, z, labels=None):
        """What the generator takes: ``z``, or ``[z, labels]`` for conditional models."""
        return [z, labels] if self.conditional else z

    @property
    def sampling_generator(self):
        """The generator to sample and ship: the weight average when kept, else the generator."""
        return self.ema_generator or self.generator

    def generate(self, z, labels=None, training=False):
        """Images from ``z`` (and labels): the trained generator when ``training``, else the
        `sampling_generator`."""
        network = self.generator if training else self.sampling_generator
        return network(self.generator_inputs(z, labels), training=training)

    def discriminate(self, images, labels=None, training=False):
        inputs = [images, labels] if self.conditional else images
        return ops.reshape(self.discriminator(inputs, training=training), (-1,))

    def reduce_loss(self, per_example_loss):
        """Sum over this replica's examples divided by the global batch size.

        The optimizer sums gradients over replicas, so this makes the update that of the mean
        over the global batch.
        """
        global_batch = ops.shape(per_example_loss)[0] * _replicas_and_id()[0]
        return ops.sum(per_example_loss) / ops.cast(global_batch, per_example_loss.dtype)

    def apply_update(self, tape, loss, network, optimizer):
        """Differentiates ``loss`` (recorded on ``tape``) and applies it to ``network``."""
        variables = network.trainable_variables
        # scale_loss(1) is the loss-scale factor of a LossScaleOptimizer and 1 otherwise.
        scale = ops.cast(optimizer.scale_loss(1.0), loss.dtype)
        gradients = tape.gradient(loss, variables, output_gradients=scale)
        # Embedding gradients are IndexedSlices, whose all-reduce under XLA + MirroredStrategy
        # needs CollectiveGatherV2, which XLA cannot compile; dense gradients all-reduce fine.
        gradients = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in gradients]
        optimizer.apply(gradients, variables)

    def update_ema(self):
        """Moves the averaged generator towards the generator; copies batch-norm statistics."""
        if self.ema_generator is None:
            return
        for average, current in zip(self.ema_generator.trainable_weights, self.generator.trainable_weights):
            average.assign(self.ema_decay * average + (1.0 - self.ema_decay) * current)
        for average, current in zip(self.ema_generator.non_trainable_weights, self.generator.non_trainable_weights):
            average.assign(current)

    def update_metrics(self, d_loss, g_loss, real_scores, fake_scores):
        if self.adversarial_loss.probabilistic:
            real_scores, fake_scores = ops.sigmoid(real_scores), ops.sigmoid(fake_scores)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_real_tracker.update_state(ops.mean(real_scores))
        self.d_fake_tracker.update_state(ops.mean(fake_scores))
        results = {m.name: m.result() for m in self.metrics}
        if isinstance(self.distribute_strategy, tf.distribute.MultiWorkerMirroredStrategy):
            # Keras 3.15 reduces multi-worker step outputs along axis 0, which scalars lack.
            results = {name: ops.reshape(value, (1,)) for name, value in results.items()}
        return results

    # -- the standard update: one D step, then one G step ---------------------------------------

    def train_step(self, data):
        real, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        batch_size = ops.shape(real)[0]
        loss = self.adversarial_loss

        with tf.GradientTape() as tape:
            fake = self.generate(self.sample_latent(batch_size), labels, training=True)
            real_scores = self.discriminate(real, labels, training=True)
            fake_scores = self.discriminate(fake, labels, training=True)
            d_per_example = loss.discriminator(real_scores, fake_scores)
            d_loss = self.reduce_loss(d_per_example)
        self.apply_update(tape, d_loss, self.discriminator, self.d_optimizer)

        with tf.GradientTape() as tape:
            fake = self.generate(self.sample_latent(batch_size), labels, training=True)
            g_scores = self.discriminate(fake, labels, training=True)
            g_per_example = loss.generator(tf.stop_gradient(real_scores), g_scores)
            g_loss = self.reduce_loss(g_per_example)
        self.apply_update(tape, g_loss, self.generator, self.g_optimizer)
        self.update_ema()

        return self.update_metrics(ops.mean(d_per_example), ops.mean(g_per_example), real_scores, fake_scores)

    # -- serialization --------------------------------------------------------------------------

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "num_classes": self.num_classes,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
