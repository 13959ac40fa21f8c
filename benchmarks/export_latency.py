"""Size and latency of each exported artifact: SavedModel (serving_default) and every TFLite
variant, batch 1 and batch 64, median of 50 runs after 5 warm-up runs, on this machine's CPU.

    python benchmarks/export_latency.py --model=cgan_fashion [--out=/tmp/exported]

Prints a Markdown table (the one in BUILD_NOTES.md and export/README.md).
"""

import os
import statistics
import sys
import time

from absl import app, flags

from keras_gans import export, zoo

_MODEL = flags.DEFINE_string("model", "cgan_fashion", "Zoo name, preset folder, .keras file or logdir.")
_OUT = flags.DEFINE_string("out", "/tmp/keras_gans_exported", "Where to export.")
_RUNS = flags.DEFINE_integer("runs", 50, "Timed runs per measurement.")


def median_ms(fn, runs, warmup=5):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def folder_size(path):
    return sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(path) for f in files)


def main(argv):
    del argv
    import tensorflow as tf

    from keras_gans.lite import LiteGenerator

    generator = zoo.load(_MODEL.value)
    rows = []
    saved_model = export.export_saved_model(generator, _OUT.value)
    serve = tf.saved_model.load(saved_model).signatures["serving_default"]
    for batch in (1, 64):
        z, labels = export.parity_batch(generator, batch)
        inputs = {"z": tf.constant(z)} | ({"label": tf.constant(labels)} if labels is not None else {})
        rows.append(("SavedModel", folder_size(saved_model), batch, median_ms(lambda: serve(**inputs), _RUNS.value)))
    for quantize in export.QUANTIZATIONS:
        path = export.export_tflite(generator, _OUT.value, quantize)
        lite = LiteGenerator(path)
        for batch in (1, 64):
            z, labels = export.parity_batch(generator, batch)
            rows.append((f"TFLite {quantize}", os.path.getsize(path), batch,
                         median_ms(lambda: lite.generate(z, labels), _RUNS.value)))
    print(f"{generator.name}: median of {_RUNS.value} runs, {os.cpu_count()} CPU cores")
    print("| artifact | size | batch | latency (ms) |\n|---|---|---|---|")
    for name, size, batch, ms in rows:
        print(f"| {name} | {size / 1e6:.2f} MB | {batch} | {ms:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(app.run(main))
