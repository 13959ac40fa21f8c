"""Warm latency of `keras_gans.zoo.Generator` sampling on this machine's CPU, against:

- the whole Keras model called eagerly (how `Generator` sampled before it compiled),
- the exported SavedModel's ``serving_default`` signature; like ``sample``, each call draws its
  latents afresh (a tensor reused call after call runs ~0.2 ms faster at batch 1 than any new
  request's),
- for a mixture, the whole mixture compiled (every component on every row) against the
  per-component path (each component on the rows that pick it).

    python benchmarks/sampling_latency.py [--models=cgan_fashion,dcgan_mnist] [--rounds=7] [--round_ms=150]

Each comparison alternates A and B in rounds (each side calls for ``--round_ms``, ``--rounds``
times) after warm-up, so a shared machine's changing load hits both sides alike. Prints a Markdown
table: each side's median ms over all its calls with min-max, and B/A of the medians.
"""

import os
import statistics
import sys
import tempfile
import time

import numpy as np
from absl import app, flags, logging

_MODELS = flags.DEFINE_list("models", ["cgan_fashion", "dcgan_mnist"], "Zoo names (or any model reference).")
_ROUNDS = flags.DEFINE_integer("rounds", 7, "Alternating A/B rounds per comparison.")
_ROUND_MS = flags.DEFINE_integer("round_ms", 150, "How long each side calls per round (at least once).")
BATCHES = (1, 64)


def interleaved_ms(a, b, rounds, round_ms, warmup=3):
    """Per-call ms of ``a`` and of ``b``, timed in alternating rounds after ``warmup`` calls of each."""
    for _ in range(warmup):
        a()
        b()
    times = ([], [])
    for _ in range(rounds):
        for fn, fn_times in zip((a, b), times):
            round_end = time.perf_counter() + round_ms / 1000
            while not fn_times or time.perf_counter() < round_end:
                start = time.perf_counter()
                fn()
                fn_times.append((time.perf_counter() - start) * 1000)
    return times


def comparisons(generator, serve, batch):
    """(A name, A, B name, B) pairs for one generator at one batch size."""
    import tensorflow as tf

    from keras_gans import data, export
    from keras_gans.zoo.generator import CompiledNetwork

    z, labels = export.parity_batch(generator, batch)  # what sample(batch, seed=0) draws
    label_inputs = {} if labels is None else {"label": tf.constant(labels)}
    keras_inputs = z if labels is None else [z, labels]
    sample = (f"sample({batch})", lambda: generator.sample(batch, seed=0))
    pairs = [
        ("Keras eager call", lambda: data.to_uint8(np.asarray(generator.keras_model(keras_inputs, training=False))), *sample),
        ("SavedModel serving_default",
         lambda: serve(z=tf.constant(generator.latents(batch, seed=0)), **label_inputs)["images"].numpy(), *sample),
    ]
    if generator.mixture_components:
        whole = CompiledNetwork(generator.keras_model)
        pairs.append(("whole mixture, compiled", lambda: whole(z, labels),
                      "per-component", lambda: generator.generate(z, labels)))
    return pairs


def main(argv):
    del argv
    import tensorflow as tf

    from keras_gans import export, zoo

    logging.set_verbosity(logging.WARNING)  # not the export's INFO lines
    rounds, round_ms = _ROUNDS.value, _ROUND_MS.value
    print(f"warm median ms over {rounds} alternating rounds of {round_ms} ms per side, {os.cpu_count()} CPU cores")
    print("| model | batch | A | B | A ms (min-max) | B ms (min-max) | B/A |\n|---|---|---|---|---|---|---|")
    for reference in _MODELS.value:
        generator = zoo.load(reference)
        with tempfile.TemporaryDirectory() as out:
            serve = tf.saved_model.load(export.export_saved_model(generator, out)).signatures["serving_default"]
            for batch in BATCHES:
                for a_name, a, b_name, b in comparisons(generator, serve, batch):
                    a_ms, b_ms = interleaved_ms(a, b, rounds, round_ms)
                    ratio = statistics.median(b_ms) / statistics.median(a_ms)
                    print(f"| {generator.name} | {batch} | {a_name} | {b_name} | "
                          f"{statistics.median(a_ms):.2f} ({min(a_ms):.2f}-{max(a_ms):.2f}) | "
                          f"{statistics.median(b_ms):.2f} ({min(b_ms):.2f}-{max(b_ms):.2f}) | {ratio:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(app.run(main))
