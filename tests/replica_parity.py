"""Trains each named family for two steps under `make_strategy("one_device")` (TensorFlow's default
strategy on a machine without a GPU) and under MirroredStrategy on two
logical CPU devices, with every stabiliser the family takes and a weight average (SGD with
momentum), and writes every variable of both runs to ``OUT/<run>.npz`` (``one_device/i`` and
``mirrored/i``).

A family runs eagerly (``<run>`` is its name): two steps of these small networks cost a fraction
of tracing them, about a quarter of the time (dragan 14 s against 64 s, biggan 30 s against 115 s,
on idle cores), and the numbers are the traced step's to within 1e-6. Under MirroredStrategy each
replica still runs in its own thread with the same variables, the same model-owned seed and the
same all-reduces, so a draw duplicated across replicas fails as it does traced. ``FAMILY:traced``
runs traced, with Grappler's rewrites as in training (``<run>`` is ``FAMILY.traced``): the sentinel
for what only a traced step could get wrong.

Usage: python tests/replica_parity.py OUT FAMILY[:traced] [...]. A separate process, because the
logical devices must be configured before TensorFlow starts.
"""

import os
import sys
import time
import traceback

import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import family_cases  # noqa: E402
from keras_gans.strategy import make_strategy  # noqa: E402


def train_two_steps(name, strategy, traced):
    keras.utils.set_random_seed(0)
    with strategy.scope():
        gan = family_cases.build(name, seed=1, ema_decay=0.9)
        # SGD: the update is linear in the gradient, so a mismatch shows as it is. Adam's first
        # step moves every weight by about the learning rate whatever its gradient's size, which
        # turns float noise in gradients that are zero in exact arithmetic into visible steps.
        gan.compile(keras.optimizers.SGD(0.01, momentum=0.5), keras.optimizers.SGD(0.01, momentum=0.5),
                    run_eagerly=not traced, **family_cases.stabilizers(name))
    per_step = gan.real_batches_per_step
    first, second = family_cases.training_data(name, steps=2, batches_per_step=per_step)
    dataset = tf.data.Dataset.from_tensor_slices((first, second)).batch(family_cases.batch_size(name) * per_step)
    gan.fit(dataset, epochs=1, steps_per_epoch=2, verbose=0)
    variables = gan.weights + gan.d_optimizer.variables + gan.g_optimizer.variables
    return [np.asarray(v.numpy()) for v in variables]


def main(out, runs):
    # One strategy object of each kind for all families: new MirroredStrategy objects in one process
    # reuse collective instance keys and mismatch.
    strategies = {name: make_strategy(name) for name in ("one_device", "mirrored")}
    for run in runs:
        name, _, mode = run.partition(":")
        if mode not in ("", "traced"):
            raise SystemExit(f"unknown run {run!r}: FAMILY or FAMILY:traced")
        traced = mode == "traced"
        started = time.perf_counter()
        stem = f"{name}.traced" if traced else name
        try:
            variables = {key: train_two_steps(name, strategy, traced) for key, strategy in strategies.items()}
            np.savez(os.path.join(out, f"{stem}.npz"),
                     **{f"{key}/{i}": value for key, values in variables.items() for i, value in enumerate(values)})
        except Exception:  # reported per run; the others still run
            with open(os.path.join(out, f"{stem}.error"), "w") as f:
                f.write(traceback.format_exc())
        print(f"{stem}: {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
