"""Learning-rate schedules shared by both optimizers of a GAN."""

import keras
from keras import ops


class LinearDecayTail(keras.optimizers.schedules.LearningRateSchedule):
    """Constant, then linear decay to zero over the last ``decay_fraction`` of ``total_steps``.

    The schedule of CycleGAN (Zhu et al. 2017: constant for half the epochs, then linear to zero);
    ``decay_fraction=1`` is the linear decay used for SNGAN and in Mimicry. Progress is read from
    ``global_step`` (the G optimizer's iterations) when given, so a critic updated several times per
    training step follows the same curve as the generator.
    """

    def __init__(self, initial_learning_rate, total_steps, decay_fraction, global_step=None):
        if not 0.0 < decay_fraction <= 1.0:
            raise ValueError(f"decay_fraction must be in (0, 1]; got {decay_fraction}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.total_steps = int(total_steps)
        self.decay_steps = max(1.0, decay_fraction * total_steps)
        self.global_step = global_step

    def __call__(self, step):
        step = ops.cast(self.global_step if self.global_step is not None else step, "float32")
        remaining = ops.clip((self.total_steps - step) / self.decay_steps, 0.0, 1.0)
        return self.initial_learning_rate * remaining

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "total_steps": self.total_steps,
            "decay_fraction": self.decay_steps / self.total_steps,
        }
