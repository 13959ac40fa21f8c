"""Training callbacks: TensorBoard summaries, checkpoints (of finite weights only), a guard against
non-finite losses, the step budget and throughput.

The global step is the generator optimizer's iteration count: one per ``train_step``, restored
with the checkpoint, so every callback agrees on it across resumes.
"""

import math
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans import data, images
from keras_gans.errors import KerasGansError, UsageError


def global_step(model):
    return int(model.g_optimizer.iterations.numpy())


def checkpoint_step(path):
    """The step a checkpoint path was saved at (``.../ckpt-120`` -> 120); None for no path."""
    return int(path.rsplit("-", 1)[1]) if path else None


class NonFiniteLossError(KerasGansError, RuntimeError):
    """Training produced a NaN or Inf loss or weights; the last good checkpoint is kept."""


def _stopped(step, problem, manager):
    """The `NonFiniteLossError` for ``problem``, naming the checkpoint to resume from: the newest,
    which is finite since `check_finite` guards every save."""
    latest = manager and manager.latest_checkpoint
    kept = (
        f"The last good checkpoint is {latest}; continue from it with --resume, "
        "after lowering the learning rates or changing the loss."
        if latest
        else "No checkpoint was written before it; lower the learning rates or change the loss."
    )
    return NonFiniteLossError(f"Training stopped at step {step}: {problem}. {kept}")


def check_finite(manager, step):
    """Raises `NonFiniteLossError` when a float variable of ``manager``'s checkpoint (weights,
    optimizer slots, ...) holds a NaN or Inf, so nothing saves them: a step can break the weights
    while the loss it computed, before its update, was finite."""
    variables = [v for v in tf.train.TrackableView(manager.checkpoint).descendants()
                 if isinstance(v, (keras.Variable, tf.Variable)) and tf.as_dtype(v.dtype).is_floating]
    broken = [getattr(v, "path", v.name) for v in variables if not bool(tf.reduce_all(tf.math.is_finite(v)))]
    if broken:
        raise _stopped(step, f"non-finite weights in {len(broken)} variable(s), e.g. {broken[0]}", manager)


class NonFiniteGuard(keras.callbacks.Callback):
    """Stops training at the first NaN or Inf loss, before anything saves the broken weights.

    Place it before `Checkpointer`: raising from ``on_train_batch_end`` skips the callbacks after
    it for that batch and ``on_train_end``, so no checkpoint of the broken step is written
    (`Checkpointer` checks the weights themselves too).
    """

    def __init__(self, checkpoint_manager=None):
        super().__init__()
        self.checkpoint_manager = checkpoint_manager

    def on_train_batch_end(self, batch, logs=None):
        bad = {k: v for k, v in (logs or {}).items() if not math.isfinite(float(v))}
        if bad:
            names = ", ".join(f"{k}={v}" for k, v in bad.items())
            raise _stopped(global_step(self.model), f"non-finite {names}", self.checkpoint_manager)


class Checkpointer(keras.callbacks.Callback):
    """Saves a `tf.train.CheckpointManager` every ``every`` steps and at the end of training, once
    `check_finite` passes."""

    def __init__(self, manager, every):
        super().__init__()
        self.manager = manager
        self.every = every

    def _save(self):
        step = global_step(self.model)
        if checkpoint_step(self.manager.latest_checkpoint) != step:
            check_finite(self.manager, step)
            self.manager.save(checkpoint_number=step)

    def on_train_batch_end(self, batch, logs=None):
        if self.every and global_step(self.model) % self.every == 0:
            self._save()

    def on_train_end(self, logs=None):
        self._save()


class StepBudget(keras.callbacks.Callback):
    """Ends training once the global step reaches ``total_steps`` (resumes stop at the same place)."""

    def __init__(self, total_steps):
        super().__init__()
        self.total_steps = total_steps

    def on_train_batch_end(self, batch, logs=None):
        if global_step(self.model) >= self.total_steps:
            self.model.stop_training = True


class Throughput(keras.callbacks.Callback):
    """Measures training images per second in each epoch (``images_per_second``)."""

    def __init__(self, global_batch_size):
        super().__init__()
        self.global_batch_size = global_batch_size
        self.images_per_second = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start, self._steps = time.perf_counter(), 0

    def on_train_batch_end(self, batch, logs=None):
        self._steps += 1

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._start
        self.images_per_second.append(self._steps * self.global_batch_size / seconds)
        if logs is not None:
            logs["images_per_second"] = self.images_per_second[-1]


class FixedSamples:
    """Samples from latents fixed at construction, as one uint8 grid: one row per class for
    conditional models (the same latents in every row, so the grid reads as a class sweep)."""

    def __init__(self, latent_dim, num_classes, seed=0, columns=8):
        rng = np.random.default_rng(seed)
        self.rows = num_classes or columns
        if num_classes:
            z = np.tile(rng.standard_normal((columns, latent_dim)), (self.rows, 1))
            self.labels = np.repeat(np.arange(num_classes, dtype="int32"), columns)
        else:
            z = rng.standard_normal((self.rows * columns, latent_dim))
            self.labels = None
        self.z = z.astype("float32")

    def __call__(self, gan):
        fake = gan.generate(self.z, self.labels, training=False)
        return images.grid(data.to_uint8(np.asarray(fake)), self.rows)


class TranslationSamples:
    """Image-to-image grids from a fixed batch: one row per example, its columns what the model's
    ``translation_columns`` returns (input | output | target for pix2pix)."""

    def __init__(self, batch, rows=4):
        self.first, self.second = (np.asarray(part)[:rows] for part in batch)

    def __call__(self, gan):
        columns = [data.to_uint8(np.asarray(c)) for c in gan.translation_columns(self.first, self.second)]
        per_example = np.stack(columns, axis=1)  # [rows, columns, H, W, C]
        return images.grid(per_example.reshape(-1, *per_example.shape[2:]), len(per_example))


class TensorBoardSummaries(keras.callbacks.Callback):
    """Writes the losses and learning rates every ``log_every`` steps and a `FixedSamples` grid
    at each epoch's end."""

    def __init__(self, logdir, log_every, samples):
        super().__init__()
        self.writer = tf.summary.create_file_writer(logdir)
        self.log_every = log_every
        self.samples = samples

    def on_train_batch_end(self, batch, logs=None):
        step = global_step(self.model)
        if step % self.log_every:
            return
        with self.writer.as_default(step=step):
            for name, value in (logs or {}).items():
                tf.summary.scalar(f"losses/{name}", value)
            for name in ("d_optimizer", "g_optimizer"):
                learning_rate = getattr(self.model, name).learning_rate
                tf.summary.scalar(f"learning_rate/{name[0]}", float(np.asarray(learning_rate)))

    def on_epoch_end(self, epoch, logs=None):
        step = global_step(self.model)
        with self.writer.as_default(step=step):
            tf.summary.image("samples", self.samples(self.model)[None], max_outputs=1)
            for name, value in (logs or {}).items():
                tf.summary.scalar(f"epoch/{name}", value)
        self.writer.flush()

    def on_train_end(self, logs=None):
        self.writer.flush()


class LearningRates(keras.callbacks.Callback):
    """Sets both optimizers' learning rates before every step: constant, then, with
    ``decay_fraction`` > 0, linear decay to zero over that last fraction of ``total_steps`` (the
    schedule of CycleGAN, Zhu et al. 2017, for 0.5; SNGAN's linear decay for 1).

    Setting the optimizers' learning-rate variables, rather than giving them a schedule, keeps
    their checkpoints the same with and without decay (a run resumes with either), makes the flags
    the rates a resumed run uses, and keys a critic updated several times per step to the step.
    """

    def __init__(self, lr_g, lr_d, total_steps, decay_fraction=0.0):
        super().__init__()
        if not 0.0 <= decay_fraction <= 1.0:
            raise UsageError(f"--lr_decay_fraction must be between 0 and 1; got {decay_fraction}.")
        self.initial = {"g_optimizer": float(lr_g), "d_optimizer": float(lr_d)}
        self.total_steps = int(total_steps)
        self.decay_steps = decay_fraction * total_steps

    def factor(self, step):
        """The fraction of the initial rates that step ``step`` (0-based) trains with."""
        if not self.decay_steps:
            return 1.0
        return min(1.0, max(0.0, (self.total_steps - step) / self.decay_steps))

    def _assign(self):
        factor = self.factor(global_step(self.model))
        for name, initial in self.initial.items():
            getattr(self.model, name).learning_rate.assign(initial * factor)

    def on_train_begin(self, logs=None):
        self._assign()

    def on_train_batch_begin(self, batch, logs=None):
        if self.decay_steps:  # constant rates were set once, at the start
            self._assign()


class PeriodicEvaluation(keras.callbacks.Callback):
    """Every ``every_epochs`` epochs, evaluates the sampling generator with a
    `keras_gans.metrics.evaluation.Evaluator` and logs the metrics to TensorBoard (``eval/*``)."""

    def __init__(self, evaluator, every_epochs, metrics, num_samples, logdir):
        super().__init__()
        self.evaluator = evaluator
        self.every_epochs = every_epochs
        self.metrics = metrics
        self.num_samples = num_samples
        self.writer = tf.summary.create_file_writer(logdir)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_epochs:
            return
        results = self.evaluator.evaluate(self.model.sampling_generator, self.metrics, self.num_samples)
        with self.writer.as_default(step=global_step(self.model)):
            for name, value in results.items():
                tf.summary.scalar(f"eval/{name}", value)
        self.writer.flush()
        if logs is not None:
            logs.update({f"eval_{name}": value for name, value in results.items()})
