"""Training throughput, compared side by side: each comparison runs its two arms in alternating
rounds (A, B, A, B, ...) in one process, so load on the machine hits both alike, and prints the
median ratio B/A of images per second with its min-max over the rounds.

    python benchmarks/train_throughput.py --data_dir=../shared/data/fashion_mnist \
        [--model=cgan --batch_size=128 --rounds=7 --steps_per_round=10 --compare=fit_vs_loop,xla,reuse_fakes]

Comparisons (A -> B), each as a ratio of images per CPU-second (this process's CPU time: the
machine's other load hardly moves it) and of images per wall second:
    fit_vs_loop   a bare tf.function loop over train_step -> the library's ``fit``
    xla           jit_compile off -> on
    reuse_fakes   two generator forward passes per step -> one (``--reuse_fakes``)
    bfloat16      float32 -> mixed_bfloat16 compute (``--bfloat16``)
    fast          the defaults -> ``--reuse_fakes --bfloat16`` together
Also prints the FLOPs of a training step (counted from the layers, the 3x rule: a differentiated
pass costs three forward passes) per CPU-second beside a float32 matmul's, and the rates of the
generator's transposed convolutions (forward and backward) beside the forms that could replace
them: at stride 1 the plain convolution with the flipped kernel (the same function), at stride 2
upsampling and a convolution (another function), all measured in this run.
"""

import statistics
import sys
import time

import keras
import numpy as np
import tensorflow as tf
from absl import app, flags

from keras_gans import data, models, train

COMPARISONS = ("fit_vs_loop", "xla", "reuse_fakes", "bfloat16", "fast")
_DATA_DIR = flags.DEFINE_string("data_dir", "../shared/data/fashion_mnist", "The dataset's folder.")
_DATASET = flags.DEFINE_string("dataset", "fashion_mnist", "Dataset name.")
_MODEL = flags.DEFINE_string("model", "cgan", "GAN family.")
_BATCH_SIZE = flags.DEFINE_integer("batch_size", 128, "Batch size (the cgan recipe's).")
_LATENT_DIM = flags.DEFINE_integer("latent_dim", 128, "Latent size (the cgan recipe's).")
_WIDTH = flags.DEFINE_integer("width", 64, "Base filters (the cgan recipe's).")
_ROUNDS = flags.DEFINE_integer("rounds", 7, "Alternating rounds per comparison.")
_STEPS = flags.DEFINE_integer("steps_per_round", 10, "Training steps per arm and round.")
_COMPARE = flags.DEFINE_list("compare", list(COMPARISONS), f"Comparisons to run: {', '.join(COMPARISONS)}.")
_JIT = flags.DEFINE_boolean("jit_compile", False, "XLA for every arm but the xla comparison's.")
_LAYER_RATES = flags.DEFINE_boolean("layer_rates", True, "Also measure G's transposed convolutions and their replacements.")


def build(source, jit_compile=False, reuse_fakes=False, policy="float32"):
    keras.mixed_precision.set_dtype_policy(policy)  # layers keep the policy they were built under
    gan = models.get(_MODEL.value).from_hparams(source.image_shape, _LATENT_DIM.value, num_classes=source.num_classes,
                                                seed=0, width=_WIDTH.value)
    keras.mixed_precision.set_dtype_policy("float32")
    optimizers = [train.make_optimizer("adam", 2e-4, 0.5, 0.999) for _ in range(2)]
    gan.compile(*optimizers, reuse_fakes=reuse_fakes, jit_compile=jit_compile)
    return gan


def fit_arm(gan, pipeline):
    def run(steps):
        gan.fit(pipeline, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return run


def loop_arm(gan, pipeline):
    step = tf.function(gan.train_step, jit_compile=bool(gan.jit_compile))
    batches = iter(pipeline)

    def run(steps):
        for _ in range(steps):
            step(next(batches))
    return run


def timed(run, steps):
    """(wall seconds, CPU seconds of this process) of ``run(steps)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run(steps)
    return time.perf_counter() - wall, time.process_time() - cpu


def compare(name, before, after, images_per_step):
    """Alternating rounds of the two arms; prints the ratios after/before of images per CPU-second
    and per second (median and min-max over the rounds); returns the median speeds of each arm."""
    for run in (before, after):  # tracing and compilation, outside the timed rounds
        run(2)
    ratios, speeds = {"cpu": [], "wall": []}, {"before": [], "after": []}
    for _ in range(_ROUNDS.value):
        seconds = {arm: timed(run, _STEPS.value) for arm, run in (("before", before), ("after", after))}
        for arm, (wall, cpu) in seconds.items():
            speeds[arm].append((images_per_step * _STEPS.value / wall, images_per_step * _STEPS.value / cpu))
        ratios["wall"].append(seconds["before"][0] / seconds["after"][0])
        ratios["cpu"].append(seconds["before"][1] / seconds["after"][1])
    median = {arm: [statistics.median(v[i] for v in values) for i in (0, 1)] for arm, values in speeds.items()}
    spread = {basis: f"{statistics.median(r):.2f} ({min(r):.2f}-{max(r):.2f})" for basis, r in ratios.items()}
    print(f"{name:12s} after/before per CPU-s {spread['cpu']}, per s {spread['wall']} | "
          f"before {median['before'][1]:.0f} images per CPU-s ({median['before'][0]:.0f}/s) | "
          f"after {median['after'][1]:.0f} per CPU-s ({median['after'][0]:.0f}/s)")
    return median


def forward_flops(model):
    """FLOPs per example of one forward pass (Dense and convolutions: 2 per multiply-add)."""
    total = 0
    for layer in model._flatten_layers(include_self=False):
        if not layer._inbound_nodes:  # a layer inside a wrapper (spectral norm): counted with it
            continue
        core = layer.layer if isinstance(layer, keras.layers.Wrapper) else layer
        if isinstance(core, keras.layers.Dense):
            total += 2 * int(core.kernel.shape[0]) * int(core.kernel.shape[1])
        elif isinstance(core, keras.layers.Conv2DTranspose):  # every input pixel scatters a kernel
            height, width = layer.input.shape[1:3]
            total += 2 * int(np.prod(core.kernel.shape)) * height * width
        elif isinstance(core, keras.layers.Conv2D):
            height, width = layer.output.shape[1:3]
            total += 2 * int(np.prod(core.kernel.shape)) * height * width
    return total


def step_flops(gan, reuse_fakes=False):
    """Training FLOPs per example of one step: D steps (G forward, D on real and fake, both
    differentiated), then G's (G differentiated, D forward and back to its input)."""
    g, d = forward_flops(gan.generator), forward_flops(gan.discriminator)
    critic = gan.n_critic * (g + 2 * 3 * d)
    generator = 3 * g + 2 * d
    return critic + generator - (g if reuse_fakes else 0)


def differentiated(layer):
    """A compiled forward and backward pass (to the input and the weights) of ``layer``."""
    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(tf.square(layer(x)))
        return tape.gradient(loss, [x, *layer.trainable_weights])
    return step


def transposed_convolution_rates(generator, batch_size, repeats=10, rounds=5):
    """For each Conv2DTranspose of ``generator``: GFLOP per CPU-second of its forward and backward
    pass (its own FLOPs, the 3x rule) and of the replacements' (credited the same FLOPs)."""
    for layer in generator._flatten_layers(include_self=False):
        if not isinstance(layer, keras.layers.Conv2DTranspose):
            continue
        x = tf.random.normal((batch_size, *layer.input.shape[1:]))
        height, width = layer.input.shape[1:3]
        flops = 3 * 2 * int(np.prod(layer.kernel.shape)) * height * width * batch_size
        config = {k: layer.get_config()[k] for k in ("filters", "kernel_size", "padding", "use_bias")}
        forms = {"Conv2DTranspose": keras.layers.Conv2DTranspose(strides=layer.strides, **config)}
        if layer.strides == (1, 1):
            forms["Conv2D (the flipped-kernel form of the same function)"] = keras.layers.Conv2D(**config)
        else:
            forms["UpSampling2D + Conv2D"] = keras.Sequential([keras.layers.UpSampling2D(layer.strides),
                                                              keras.layers.Conv2D(**config)])
        steps = {name: differentiated(form) for name, form in forms.items()}
        rates = {name: [] for name in steps}
        for step in steps.values():
            step(x)
        for _ in range(rounds):
            for name, step in steps.items():
                cpu = time.process_time()
                for _ in range(repeats):
                    step(x)
                rates[name].append(flops * repeats / (time.process_time() - cpu) / 1e9)
        shape = f"{layer.input.shape[1:]} -> {layer.output.shape[1:]}, {layer.kernel_size}, strides {layer.strides}"
        print(f"  {shape}: " + ", ".join(f"{name} {statistics.median(r):.0f}" for name, r in rates.items())
              + " GFLOP per CPU-s")


def matmul_gflops_per_cpu_second(n=2048, repeats=20):
    a = tf.random.normal((n, n))
    matmul = tf.function(lambda a: tf.matmul(a, a))
    matmul(a).numpy()
    cpu = time.process_time()
    for _ in range(repeats):
        matmul(a).numpy()
    return 2 * n**3 * repeats / (time.process_time() - cpu) / 1e9


def main(argv):
    del argv
    unknown = set(_COMPARE.value) - set(COMPARISONS)
    if unknown:
        print(f"error: unknown comparison(s) {sorted(unknown)}; known: {', '.join(COMPARISONS)}", file=sys.stderr)
        return 1
    def load(image_size=None):
        return data.load_source(_DATASET.value, data_dir=_DATA_DIR.value, split="train", max_examples=12800,
                                image_size=image_size)

    source = load()
    resize_to = models.get(_MODEL.value).image_size_for(*source.image_shape[:2])
    if resize_to:  # as train does for families that take other sizes (StyleGAN, BigGAN: 32x32)
        source = load(resize_to)
    jit = _JIT.value
    print(f"model={_MODEL.value} batch_size={_BATCH_SIZE.value} width={_WIDTH.value} latent_dim={_LATENT_DIM.value} "
          f"rounds={_ROUNDS.value} x {_STEPS.value} steps, jit_compile={jit} (but the xla comparison)")

    def pipeline(gan):
        return data.make_pipeline(source, _BATCH_SIZE.value * gan.real_batches_per_step, seed=0, repeat=True)

    arms = {
        "fit_vs_loop": lambda: (lambda gan: (loop_arm(gan, pipeline(gan)), fit_arm(gan, pipeline(gan))))(
            build(source, jit)),
        "xla": lambda: (fit_arm(g, pipeline(g)) for g in (build(source, False), build(source, True))),
        "reuse_fakes": lambda: (fit_arm(g, pipeline(g)) for g in (build(source, jit), build(source, jit, True))),
        "bfloat16": lambda: (fit_arm(g, pipeline(g)) for g in (build(source, jit),
                                                              build(source, jit, policy="mixed_bfloat16"))),
        "fast": lambda: (fit_arm(g, pipeline(g)) for g in (build(source, jit),
                                                          build(source, jit, True, policy="mixed_bfloat16"))),
    }
    measured = {}
    for name in _COMPARE.value:
        measured[name] = compare(name, *arms[name](), _BATCH_SIZE.value)
    gan = build(source, jit)
    matmul = matmul_gflops_per_cpu_second()
    flops = step_flops(gan)
    print(f"training step: {flops / 1e6:.1f} MFLOP per image (G forward {forward_flops(gan.generator) / 1e6:.1f}, "
          f"D forward {forward_flops(gan.discriminator) / 1e6:.1f}); float32 matmul {matmul:.0f} GFLOP per CPU-s")
    for name, median in measured.items():
        for arm, (_, per_cpu_second) in median.items():
            reuse = name in ("reuse_fakes", "fast") and arm == "after"
            achieved = step_flops(gan, reuse) * per_cpu_second / 1e9
            print(f"  {name} {arm}: {achieved:.0f} GFLOP per CPU-s = {achieved / matmul:.2f} of the matmul")
    if _LAYER_RATES.value:
        print("generator's transposed convolutions, forward and backward:")
        transposed_convolution_rates(gan.generator, _BATCH_SIZE.value)
    return 0


if __name__ == "__main__":
    sys.exit(app.run(main))
