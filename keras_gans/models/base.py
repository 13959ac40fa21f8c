"""The GAN base class: what every family shares, written once.

A family subclasses `GAN`, builds its generator and discriminator in ``build_networks`` and, only
when its update differs from the standard one (one D step, then one G step), overrides
``train_step``. Everything around the update lives here: latent sampling from a model-owned
`SeedGenerator`, loss reduction for the global batch (so one device, several replicas and several
workers train the same), loss scaling for mixed precision, and the metrics.
"""

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import augment, global_batch, losses
from keras_gans.errors import UsageError

# The options of the update `GAN.compile` takes; a family declares in ``stabilizers`` which its
# update applies (``n_critic``: only above 1).
STABILIZERS = (
    "label_smoothing", "instance_noise", "r1_gamma", "diff_augment", "feature_matching", "unrolled_steps", "n_critic",
    "reuse_fakes",
)

# The averaged generator's half-life is at most this fraction of the G steps taken (`GAN.ramped_ema_decay`).
EMA_RAMPUP = 0.05
# Draws that estimate the averaged generator's batch-norm statistics (`GAN.refresh_standing_statistics`).
STANDING_STATISTICS_BATCHES, STANDING_STATISTICS_BATCH = 16, 256


def batch_norm_layers(network):
    """Every batch-norm layer of ``network``, nested ones included (ConditionalBatchNormalization's)."""
    return [layer for layer in network._flatten_layers() if isinstance(layer, keras.layers.BatchNormalization)]


def estimate_standing_statistics(generator, latent_dim, num_classes=0, batches=STANDING_STATISTICS_BATCHES,
                                 batch_size=STANDING_STATISTICS_BATCH):
    """Sets every batch-norm layer's moving mean and variance in a latent generator to their mean
    over ``batches`` fixed draws of latents (and balanced classes) through it ("standing
    statistics", as BigGAN's authors sample their averaged generator). A no-op without batch norm."""
    norms = batch_norm_layers(generator)
    if not norms:
        return
    rng = np.random.default_rng(0)
    momenta = [norm.momentum for norm in norms]
    try:
        for k in range(batches):
            for norm in norms:  # moving = (k x moving + this batch's) / (k + 1): the running mean
                norm.momentum = k / (k + 1)
            z = rng.standard_normal((batch_size, latent_dim)).astype("float32")
            if num_classes:
                generator([z, (np.arange(batch_size) % num_classes).astype("int32")], training=True)
            else:
                generator(z, training=True)
    finally:
        for norm, momentum in zip(norms, momenta):
            norm.momentum = momentum


def family_name(family):
    """The registry name of a `GAN` subclass (its class name if unregistered)."""
    from keras_gans import models

    return next((name for name, cls in models.FAMILIES.items() if cls is family), family.__name__)


def overflow_on_every_replica(gradients):
    """``gradients``, made non-finite on every replica when they are on any. Keras'
    LossScaleOptimizer decides to skip a step from the first replica's gradients alone, taking them
    to be summed already, but it sums them itself afterwards: an overflow on another replica would
    reach the weights. With this every replica skips the step and the scale drops once."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return gradients
    finite = tf.reduce_all([tf.reduce_all(tf.math.is_finite(g)) for g in gradients if g is not None])
    overflows = context.all_reduce(tf.distribute.ReduceOp.SUM, 1.0 - tf.cast(finite, tf.float32))
    poison = tf.where(overflows > 0, float("nan"), 0.0)
    return [None if g is None else g + tf.cast(poison, g.dtype) for g in gradients]


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
            2019, "The Unusual Effectiveness of Averaging in GAN Training"), its decay ramped up
            over the first steps (`ramped_ema_decay`) and its batch norm given standing statistics.
    """

    # Class-conditional families set this: their networks take a ``label`` input.
    conditional = False
    # Whether a conditional family's D takes the label too (AC-GAN's does not: it classifies).
    label_conditioned_discriminator = True
    # The adversarial loss a family uses unless compile() names another.
    default_loss = "non_saturating"
    # What the family trains on: "labelled" images, "paired" or "unpaired" image-to-image data.
    data_kind = "labelled"
    # The stabilisers of `compile` this family's update applies; asking for another is refused.
    stabilizers = STABILIZERS
    # Whether the networks take square images of a given side; None: images of any shape.
    takes_side = None
    # D updates per G update, each on a fresh real batch, unless compile() says otherwise.
    default_n_critic = 1
    # Whether the family's paper samples with truncated latents (BigGAN's trick in z; StyleGAN's in
    # W comes with its styles): a zoo card then shows a grid of truncations.
    truncation_trick = False
    # Help for each option this class adds to compile, build_networks or from_hparams; the defaults
    # are the signatures', and `keras_gans.models.hyperparameters` and the train CLI read both.
    hyperparameters = {}

    def __init__(self, generator, discriminator, latent_dim, num_classes=0, seed=None, ema_decay=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.ema_decay = ema_decay
        self.ema_generator = None
        self._standing_statistics_step = None
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
    def image_size_for(cls, height, width):
        """None when the networks take ``height`` x ``width`` images as they are, else the side
        of the square to resize them to: the side nearest to theirs that `takes_side` accepts
        (the larger on a tie)."""
        if cls.takes_side is None or (height == width and cls.takes_side(height)):
            return None
        size = max(height, width)
        return min((s for s in range(4, 2 * size + 1) if cls.takes_side(s)), key=lambda s: (abs(s - size), -s))

    @classmethod
    def from_hparams(cls, image_shape, latent_dim=128, num_classes=0, seed=None, ema_decay=None, **hparams):
        """Builds the family's networks and the model around them; unconditional families
        ignore ``num_classes``."""
        num_classes = num_classes if cls.conditional else 0
        generator, discriminator = cls.build_networks(
            tuple(image_shape), int(latent_dim), int(num_classes), **hparams
        )
        return cls(generator, discriminator, latent_dim, num_classes=num_classes, seed=seed, ema_decay=ema_decay)

    def compile(self, d_optimizer, g_optimizer, loss=None, label_smoothing=0.0, instance_noise=0.0, r1_gamma=0.0,
                diff_augment="", feature_matching=0.0, unrolled_steps=0, n_critic=None, reuse_fakes=False, **kwargs):
        """Sets the two optimizers, the adversarial loss and the stabilisers.

        Args:
            loss: a name from `keras_gans.losses`; None for the family's ``default_loss``.
            label_smoothing: one-sided label smoothing, real targets 1 - this (Salimans et al.
                2016); for the sigmoid losses (minimax, non_saturating).
            instance_noise: std of Gaussian noise added to every image D sees (Sønderby et al.
                2017, Arjovsky & Bottou 2017).
            r1_gamma: weight of the R1 penalty, gamma/2 E|grad_x D(x)|^2 on real data (Mescheder
                et al. 2018).
            diff_augment: DiffAugment policy for every image D sees, e.g. "color,translation,cutout"
                (Zhao et al. 2020).
            feature_matching: weight of |E f(x) - E f(G(z))|^2 added to G's loss, f being D's
                last flattened features (Salimans et al. 2016).
            unrolled_steps: G is updated against D after this many more D steps, then D and its
                optimizer are restored (Metz et al. 2017, without differentiating through the
                unrolled steps).
            n_critic: D updates per G update, each on a fresh real batch (Arjovsky et al. 2017's
                and Gulrajani et al. 2017's Algorithm 1; BigGAN takes 2); None: the family's
                ``default_n_critic``. A step then takes ``n_critic`` batches of real data
                (`real_batches_per_step`).
            reuse_fakes: run G forward once per step: the last D update trains on G's fakes, and
                the G update scores the same fakes with the updated D (as PyTorch's DCGAN example
                does), instead of drawing new ones; G's forward pass is most of a DCGAN step's work.

        Both optimizers are built here, so a checkpoint restores their slots before the first step.
        Under a `tf.distribute` strategy, call it inside ``strategy.scope()``.
        """
        super().compile(**kwargs)
        self.n_critic = int(self.default_n_critic if n_critic is None else n_critic)
        if self.n_critic < 1:
            raise UsageError(f"n_critic must be at least 1; got {n_critic}.")
        self._refuse_unsupported_stabilizers(
            label_smoothing=label_smoothing, instance_noise=instance_noise, r1_gamma=r1_gamma,
            diff_augment=diff_augment, feature_matching=feature_matching, unrolled_steps=unrolled_steps,
            n_critic=self.n_critic > 1, reuse_fakes=reuse_fakes,
        )
        self.reuse_fakes = bool(reuse_fakes)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.adversarial_loss = losses.get(loss or self.default_loss)
        if label_smoothing and self.adversarial_loss.name not in ("minimax", "non_saturating"):
            raise UsageError(
                f"label smoothing needs a sigmoid loss (minimax or non_saturating), not {self.adversarial_loss.name}."
            )
        self.label_smoothing = float(label_smoothing)
        self.instance_noise = float(instance_noise)
        self.r1_gamma = float(r1_gamma)
        self.augment_policy = augment.parse_policy(diff_augment)
        self.feature_matching = float(feature_matching)
        self.discriminator_features = None
        if self.feature_matching:
            flat = [layer for layer in self.discriminator.layers if isinstance(layer, keras.layers.Flatten)]
            if not flat:
                raise UsageError(f"feature matching needs a discriminator with a Flatten layer; {self.name}'s has none.")
            self.discriminator_features = keras.Model(self.discriminator.inputs, flat[-1].output)
        self.unrolled_steps = int(unrolled_steps)
        self._unroll_backup = []
        if self.unrolled_steps:
            # Copies of D and its optimizer's state, restored after each unrolled look-ahead.
            unrolled = self.discriminator.weights + self.d_optimizer.variables
            self._unroll_backup = [
                (v, self.add_weight(shape=v.shape, dtype=v.dtype, initializer="zeros", trainable=False)) for v in unrolled
            ]
        self.d_optimizer.build(self.discriminator_variables)
        self.g_optimizer.build(self.generator_variables)

    def _refuse_unsupported_stabilizers(self, **requested):
        from keras_gans import models

        for name, value in requested.items():
            if value and name not in self.stabilizers:
                takers = [f for f, family in models.FAMILIES.items() if name in family.stabilizers]
                raise UsageError(
                    f"{name} does not apply to {family_name(type(self))}; families that take it: {', '.join(takers)}."
                )

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Both networks are built at construction. Keras' symbolic build would pull a batch and
        # reduce it across replicas, which fails under MultiWorkerMirroredStrategy (Keras 3.15).
        return

    @property
    def real_batches_per_step(self):
        """How many batches of real data one `train_step` takes (one per D update)."""
        return self.n_critic

    @property
    def generator_variables(self):
        """What the G optimizer trains (families with two generators add the second)."""
        return self.generator.trainable_variables

    @property
    def discriminator_variables(self):
        return self.discriminator.trainable_variables

    def checkpoint_objects(self):
        """The networks a checkpoint holds, by name."""
        objects = {"generator": self.generator, "discriminator": self.discriminator}
        if self.ema_generator is not None:
            objects["ema_generator"] = self.ema_generator
        return objects

    def saved_generators(self):
        """The generators a finished run saves, by file stem."""
        return {"generator": self.sampling_generator}

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker, self.d_fake_tracker]

    # -- the pieces a train_step is made of -----------------------------------------------------

    def sample_latent(self, batch_size):
        """``z ~ N(0, I)`` for this replica's share of the global batch.

        The latents of the whole global batch are drawn and this replica's rows taken, so the
        replicas draw different latents and training does not depend on how many there are.
        """
        return global_batch.normal((batch_size, self.latent_dim), self.seed_generator)

    def generator_inputs(self, z, labels=None):
        """What the generator takes: ``z``, or ``[z, labels]`` for conditional models."""
        return [z, labels] if self.conditional else z

    @property
    def sampling_generator(self):
        """The generator to sample and ship: the weight average when kept, else the generator.
        Read eagerly, the average's batch norm first gets its standing statistics
        (`refresh_standing_statistics`) when G has stepped since they were last estimated."""
        if self.ema_generator is None:
            return self.generator
        optimizer = getattr(self, "g_optimizer", None)
        step = None if optimizer is None else int(np.asarray(optimizer.iterations))
        if tf.executing_eagerly() and (step is None or step != self._standing_statistics_step):
            self.refresh_standing_statistics()
            self._standing_statistics_step = step
        return self.ema_generator

    def refresh_standing_statistics(self):
        """Re-estimates the averaged generator's batch-norm statistics from its own activations
        (`estimate_standing_statistics`): the statistics `update_ema` copies from G belong to G's
        weights, not to their average, and a young average normalised with them samples noise.
        Translators' generators take images, not latents: theirs are left as copied."""
        if self.data_kind == "labelled":
            estimate_standing_statistics(self.ema_generator, self.latent_dim, self.num_classes)

    def generate(self, z, labels=None, training=False):
        """Images from ``z`` (and labels): the trained generator when ``training``, else the
        `sampling_generator`."""
        network = self.generator if training else self.sampling_generator
        return network(self.generator_inputs(z, labels), training=training)

    def discriminator_view(self, images):
        """What D sees while training: DiffAugment and instance noise, when turned on."""
        if self.augment_policy:
            images = augment.diff_augment(images, self.augment_policy, self.seed_generator)
        if self.instance_noise:
            images = images + self.instance_noise * global_batch.normal(ops.shape(images), self.seed_generator)
        return images

    def score_and_auxiliary(self, images, labels=None, training=False):
        """(D's raw score per example, its auxiliary outputs or None); in training, of the
        `discriminator_view` of the images. D outputs a score, or ``[score, auxiliary]`` for
        families with an auxiliary head (AC-GAN's class logits, InfoGAN's code predictions)."""
        if training:
            images = self.discriminator_view(images)
        inputs = [images, labels] if self.conditional and self.label_conditioned_discriminator else images
        outputs = self.discriminator(inputs, training=training)
        score, auxiliary = outputs if isinstance(outputs, (list, tuple)) else (outputs, None)
        return ops.reshape(score, (-1,)), auxiliary

    def discriminate(self, images, labels=None, training=False):
        """D's raw score per example."""
        return self.score_and_auxiliary(images, labels, training)[0]

    def squared_gradient_norm(self, images, labels=None):
        """|grad_x D(x)|^2 per example, differentiable (for R1 and the WGAN-GP penalty)."""
        with tf.GradientTape() as tape:
            tape.watch(images)
            total_score = ops.sum(self.discriminate(images, labels, training=True))
        gradients = tape.gradient(total_score, images)
        return ops.sum(ops.square(gradients), axis=list(range(1, len(images.shape))))

    def unit_gradient_penalty(self, points, labels=None):
        """(|grad_x D(x)| - 1)^2 per example at ``points`` (WGAN-GP's and DRAGAN's penalty)."""
        return ops.square(ops.sqrt(self.squared_gradient_norm(points, labels) + 1e-12) - 1.0)

    def reduce_loss(self, per_example_loss):
        """Sum over this replica's examples divided by the global batch size.

        The optimizer sums gradients over replicas, so this makes the update that of the mean
        over the global batch.
        """
        size = global_batch.size(ops.shape(per_example_loss)[0])
        return ops.sum(per_example_loss) / ops.cast(size, per_example_loss.dtype)

    def apply_update(self, tape, loss, variables, optimizer):
        """Differentiates ``loss`` (recorded on ``tape``) and applies it to ``variables``."""
        # scale_loss(1) is the loss-scale factor of a LossScaleOptimizer and 1 otherwise.
        scale = ops.cast(optimizer.scale_loss(1.0), loss.dtype)
        gradients = tape.gradient(loss, variables, output_gradients=scale)
        # Embedding gradients are IndexedSlices, whose all-reduce under XLA + MirroredStrategy
        # needs CollectiveGatherV2, which XLA cannot compile; dense gradients all-reduce fine.
        gradients = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in gradients]
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            gradients = overflow_on_every_replica(gradients)
        optimizer.apply(gradients, variables)

    def ramped_ema_decay(self, steps):
        """``ema_decay``, lowered while its half-life exceeds ``EMA_RAMPUP`` of the G steps taken
        (StyleGAN2-ADA's ramp-up, Karras et al. 2020): a young average then spans the recent steps,
        not the untrained weights of the first ones, and a long run's average is unchanged."""
        half_life = math.log(0.5) / math.log(self.ema_decay)
        return 0.5 ** (1.0 / ops.maximum(ops.minimum(half_life, EMA_RAMPUP * steps), 1e-8))

    def update_ema(self):
        """Moves the averaged generator towards the generator; copies its other state (batch-norm
        statistics, which `sampling_generator` re-estimates for the average; StyleGAN's mean w)."""
        if self.ema_generator is None:
            return
        decay = self.ramped_ema_decay(ops.cast(self.g_optimizer.iterations, "float32"))
        for average, current in zip(self.ema_generator.trainable_weights, self.generator.trainable_weights):
            average.assign(decay * average + (1.0 - decay) * current)
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

    def discriminator_penalty(self, real, fake, labels):
        """Terms added to D's loss besides the adversarial one (per example): R1 here."""
        if not self.r1_gamma:
            return ops.zeros_like(ops.sum(real, axis=list(range(1, len(real.shape)))))
        return 0.5 * self.r1_gamma * self.squared_gradient_norm(real, labels)

    def discriminator_auxiliary_loss(self, z, labels, real_auxiliary, fake_auxiliary):
        """Per-example loss of D's auxiliary head; families with one override it."""
        return 0.0

    def generator_auxiliary_loss(self, z, labels, fake_auxiliary):
        """Per-example loss G takes from D's auxiliary head; families with one override it."""
        return 0.0

    def discriminator_step(self, real, labels, z=None, fake=None):
        """One D update; returns (per-example D loss, real scores, fake scores). ``z`` and
        ``fake``: G's fakes of the step when it made them already (``reuse_fakes``)."""
        with tf.GradientTape() as tape:
            if fake is None:
                z = self.sample_latent(ops.shape(real)[0])
                fake = self.generate(z, labels, training=True)
            fake = tf.stop_gradient(fake)
            real_scores, real_auxiliary = self.score_and_auxiliary(real, labels, training=True)
            fake_scores, fake_auxiliary = self.score_and_auxiliary(fake, labels, training=True)
            d_per_example = self.adversarial_loss.discriminator(real_scores, fake_scores)
            # One-sided smoothing: BCE with target 1 - s equals the loss plus s * the real logit.
            d_per_example += self.label_smoothing * real_scores
            d_per_example += self.discriminator_auxiliary_loss(z, labels, real_auxiliary, fake_auxiliary)
            d_loss = self.reduce_loss(d_per_example + self.discriminator_penalty(real, fake, labels))
        self.apply_update(tape, d_loss, self.discriminator_variables, self.d_optimizer)
        return d_per_example, real_scores, fake_scores

    def feature_matching_loss(self, real, fake, labels):
        """|mean f(real) - mean f(fake)|^2 over D's features (Salimans et al. 2016), the same for
        every example."""
        inputs = [real, fake]
        if self.conditional and self.label_conditioned_discriminator:
            inputs = [[real, labels], [fake, labels]]
        real_features, fake_features = (self.discriminator_features(x, training=True) for x in inputs)
        # Means over the global batch, so several replicas match the same statistics as one device.
        gap = ops.sum(ops.square(global_batch.mean(tf.stop_gradient(real_features)) - global_batch.mean(fake_features)))
        return self.feature_matching * gap * ops.ones((ops.shape(real)[0],))

    def generator_adversarial_loss(self, fake_scores, score_real):
        """G's adversarial loss per example. ``score_real()`` scores the real batch with D as it
        is now, after its update; it runs only for losses that compare with real scores (the
        relativistic one), and no gradient flows through it."""
        real_scores = tf.stop_gradient(score_real()) if self.adversarial_loss.generator_uses_real else fake_scores
        return self.adversarial_loss.generator(real_scores, fake_scores)

    def generator_step(self, real, labels, before_scoring=None):
        """One G update (then the EMA); returns the per-example G loss. ``before_scoring(z, fake)``
        runs between G's forward pass and D's scoring of its fakes (``reuse_fakes``: the D update)."""
        with tf.GradientTape() as tape:
            z = self.sample_latent(ops.shape(real)[0])
            fake = self.generate(z, labels, training=True)
            if before_scoring is not None:
                before_scoring(z, fake)
            g_scores, g_auxiliary = self.score_and_auxiliary(fake, labels, training=True)
            g_per_example = self.generator_adversarial_loss(
                g_scores, lambda: self.discriminate(real, labels, training=True)
            )
            g_per_example += self.generator_auxiliary_loss(z, labels, g_auxiliary)
            if self.feature_matching:
                g_per_example += self.feature_matching_loss(real, fake, labels)
            g_loss = self.reduce_loss(g_per_example)
        self.apply_update(tape, g_loss, self.generator_variables, self.g_optimizer)
        self.update_ema()
        return g_per_example

    def unrolled_generator_step(self, real, labels, before_scoring=None):
        """`generator_step` against D after ``unrolled_steps`` look-ahead D steps, which are then
        undone (Metz et al. 2017, first-order)."""
        if not self.unrolled_steps:
            return self.generator_step(real, labels, before_scoring)

        def look_ahead(z, fake):
            if before_scoring is not None:
                before_scoring(z, fake)
            for variable, backup in self._unroll_backup:
                backup.assign(variable)
            for _ in range(self.unrolled_steps):
                self.discriminator_step(real, labels)

        g_per_example = self.generator_step(real, labels, look_ahead)
        for variable, backup in self._unroll_backup:
            variable.assign(backup)
        return g_per_example

    def critic_batches(self, real, labels):
        """The ``n_critic`` real batches of a step's data. The data holds ``n_critic`` examples for
        each example of a D update, consecutively: batch i takes every ``n_critic``-th example
        from the i-th, so each replica's rows split the same way as one device's."""
        if self.n_critic == 1:
            return [(real, labels)]
        if real.shape[0] is not None and real.shape[0] % self.n_critic:
            raise UsageError(
                f"a step of {family_name(type(self))} takes n_critic={self.n_critic} real batches, so a multiple of "
                f"{self.n_critic} examples; got {real.shape[0]} (see real_batches_per_step)."
            )
        grouped = ops.reshape(real, (-1, self.n_critic, *real.shape[1:]))
        grouped_labels = None if labels is None else ops.reshape(labels, (-1, self.n_critic))
        return [(grouped[:, i], None if labels is None else grouped_labels[:, i]) for i in range(self.n_critic)]

    def constrain_critic(self):
        """Runs after each D update; WGAN clips D's weights here."""

    @staticmethod
    def unpack_step_data(data):
        """(first, second) of a step's batch as tensors: images and labels (None when unlabelled),
        or an image pair. Run eagerly, Keras hands the step the caller's arrays as they are, and a
        network called on a tensor beside a NumPy array (z beside labels) refuses the mix."""
        first, second, _ = keras.utils.unpack_x_y_sample_weight(data)
        return tuple(None if x is None else ops.convert_to_tensor(x) for x in (first, second))

    def train_step(self, data):
        real, labels = self.unpack_step_data(data)
        batches = self.critic_batches(real, labels)
        critic = {}

        def last_critic_step(z=None, fake=None):
            critic["outputs"] = self.discriminator_step(*batches[-1], z, fake)
            self.constrain_critic()

        for critic_real, critic_labels in batches[:-1]:  # unrolled in the traced step
            self.discriminator_step(critic_real, critic_labels)
            self.constrain_critic()
        if self.reuse_fakes:
            g_per_example = self.unrolled_generator_step(*batches[-1], before_scoring=last_critic_step)
        else:
            last_critic_step()
            g_per_example = self.unrolled_generator_step(*batches[-1])
        d_per_example, real_scores, fake_scores = critic["outputs"]
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
