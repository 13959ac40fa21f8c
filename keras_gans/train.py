"""Train a GAN: ``python -m keras_gans.train --model=cgan --dataset=fashion_mnist``.

Flags map one to one onto the arguments of `run`, which Python users can call directly. A recipe is
an absl flags file: ``python -m keras_gans.train --flagfile=zoo/recipes/cgan.flags``.

What a run writes to ``--logdir``: ``config.json`` (its arguments, once training starts),
``checkpoints/`` (G, D, both optimizers, the step and the RNG state), TensorBoard events in
``train/``, and at the end ``generator.keras`` and ``samples.png``; while it runs, ``.lock`` (its
PID and host) refuses a second run on the same ``--logdir``.
"""

import contextlib
import dataclasses
import glob
import inspect
import json
import math
import os
import shutil
import socket
import sys
import types

from absl import app, flags, logging

from keras_gans.errors import KerasGansError, UsageError, check_integer, check_number


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_string(
        "model", "cgan",
        "GAN family: gan (MLP, Goodfellow 2014), dcgan (Radford 2015), cgan (conditional, projection D), "
        "acgan (auxiliary classifier), infogan (latent codes), lsgan (least squares), wgan (weight clipping), "
        "wgan_gp (gradient penalty), dragan (penalty around real data), sngan (spectral norm, hinge), "
        "biggan (small, 32x32), stylegan (small, 32x32), pix2pix (paired image-to-image), "
        "cyclegan (unpaired image-to-image).",
    )
    flags.DEFINE_string("dataset", "fashion_mnist", "Dataset name (a TFDS name, or a name for --data_dir).")
    flags.DEFINE_string(
        "data_dir", None, "A TFDS data_dir, or a folder of IDX files / class folders / paired / unpaired images."
    )
    flags.DEFINE_enum(
        "data_format", "auto", ["auto", "tfds", "idx", "class_folders", "paired", "unpaired"],
        "How to read --data_dir; auto detects it from what the folder holds.",
    )
    flags.DEFINE_integer("max_examples", None, "Use only the first N training examples.")
    flags.DEFINE_integer("image_size", None, "Resize images to this square size.")
    flags.DEFINE_integer("latent_dim", 128, "Size of the latent vector z.")
    flags.DEFINE_integer("width", 64, "Base number of filters of G and D.")
    flags.DEFINE_float(
        "ema_decay", 0.0, "Keep an exponential moving average of G's weights with this decay (e.g. 0.999) "
        "(ramped up over the first steps, as StyleGAN2-ADA) and sample and save it; 0 turns it off."
    )
    flags.DEFINE_string(
        "loss", None, "Adversarial loss: minimax, non_saturating, least_squares, wasserstein, hinge, relativistic; "
        "default: the family's (non_saturating; lsgan least_squares, wgan* wasserstein, sngan hinge)."
    )
    flags.DEFINE_float("label_smoothing", 0.0, "One-sided label smoothing: D's real target is 1 - this.")
    flags.DEFINE_float("instance_noise", 0.0, "Std of Gaussian noise added to every image D sees.")
    flags.DEFINE_float("r1_gamma", 0.0, "R1 penalty weight: gamma/2 E|grad D(x)|^2 on real images.")
    flags.DEFINE_string(
        "diff_augment", "", "DiffAugment policy for every image D sees: any of color,translation,cutout."
    )
    flags.DEFINE_float("feature_matching", 0.0, "Weight of the feature-matching term in G's loss (Salimans et al. 2016).")
    flags.DEFINE_integer("unrolled_steps", 0, "Update G against D unrolled this many steps ahead (Metz et al. 2017).")
    flags.DEFINE_integer(
        "n_critic", None, "D steps per G step, each on a fresh real batch (the family's default: 5 for wgan and "
        "wgan_gp, 2 for biggan, else 1).", lower_bound=1,
    )
    flags.DEFINE_boolean(
        "reuse_fakes", False, "Run G forward once per step: D's last update trains on G's fakes, and G's update "
        "scores the same fakes with the updated D (faster; not for pix2pix and cyclegan)."
    )
    flags.DEFINE_boolean(
        "random_jitter", None, "pix2pix's and CycleGAN's augmentation: upscale by 286/256, crop back at random, "
        "mirror half of the time (a pair alike). Default: on for those families, as in their papers."
    )
    define_family_flags()
    flags.DEFINE_integer("batch_size", 64, "Global batch size, split across replicas.")
    flags.DEFINE_integer("epochs", 10, "Number of passes over the data (ignored when --steps > 0).")
    flags.DEFINE_integer("steps", 0, "Total training steps; 0 means --epochs epochs.")
    flags.DEFINE_enum("optimizer", "adam", list(OPTIMIZERS), "Optimizer of both networks: adam, or rmsprop (WGAN's).")
    flags.DEFINE_float("lr_g", 2e-4, "Generator learning rate.")
    flags.DEFINE_float("lr_d", 2e-4, "Discriminator learning rate; differs from lr_g for TTUR.")
    flags.DEFINE_float(
        "lr_decay_fraction", 0.0, "Decay both learning rates linearly to zero over this last fraction of training "
        "(0: constant; 0.5: CycleGAN's schedule; 1: SNGAN's linear decay)."
    )
    flags.DEFINE_float("beta1", 0.5, "Adam beta_1 of both optimizers (0.5 as in DCGAN).")
    flags.DEFINE_float("beta2", 0.999, "Adam beta_2 of both optimizers.")
    flags.DEFINE_string("logdir", None, "Output folder; default runs/<model>_<dataset>.")
    flags.DEFINE_integer("seed", 0, "Seed of the weights, the data order and the latents.")
    flags.DEFINE_enum(
        "strategy", "auto", ["auto", "one_device", "mirrored", "multi_worker"],
        "tf.distribute strategy; multi_worker reads the cluster from TF_CONFIG.",
    )
    flags.DEFINE_boolean(
        "jit_compile", False, "Compile the train step with XLA. Off by default: on one CPU device it was slower in "
        "wall time for every family measured (0.5-0.8x; BigGAN's compilation did not finish in 15 minutes)."
    )
    flags.DEFINE_boolean(
        "mixed_precision", False, "mixed_float16 compute with dynamic loss scaling of both optimizers (GPUs)."
    )
    flags.DEFINE_boolean(
        "bfloat16", False, "mixed_bfloat16 compute: float32 weights, bfloat16 matmuls and convolutions, no loss "
        "scaling (bfloat16 has float32's range); faster on CPUs with AVX512_BF16 or AMX, and on TPUs."
    )
    flags.DEFINE_boolean("resume", False, "Continue from the newest checkpoint in --logdir.")
    flags.DEFINE_integer("checkpoint_every", 500, "Save a checkpoint every N steps (and at the end).")
    flags.DEFINE_integer("keep_checkpoints", 3, "How many recent checkpoints to keep.")
    flags.DEFINE_integer(
        "eval_every", 0, "Evaluate the generator every N epochs with the dataset's shipped classifier (0: never)."
    )
    flags.DEFINE_string("eval_metrics", "fid,kid,pr,cond_acc,modes", "Metrics of --eval_every.")
    flags.DEFINE_integer("eval_samples", 2000, "Samples per --eval_every evaluation.")
    flags.DEFINE_integer("log_every", 50, "Write loss and learning-rate summaries every N steps.")


def define_family_flags():
    """A flag for each option a family adds (`keras_gans.models.hyperparameters`), its help naming
    the families that take it and their defaults: a new family's options need no code here."""
    from keras_gans import models

    takers = {}
    for name in models.FAMILIES:
        for option, hyperparameter in models.hyperparameters(name).items():
            takers.setdefault(option, []).append((name, hyperparameter))
    define = {bool: flags.DEFINE_boolean, int: flags.DEFINE_integer, float: flags.DEFINE_float}
    for option, families in takers.items():
        first = families[0][1]
        defaults = ", ".join(f"{name}: {hyperparameter.default}" for name, hyperparameter in families)
        define.get(type(first.default), flags.DEFINE_string)(option, None, f"{first.help} ({defaults}).")


# Arguments that fix what a checkpoint contains: a resumed run must use the same ones (and the
# network options of the family, `keras_gans.models.hyperparameters`).
_ARCHITECTURE_ARGS = (
    "model", "dataset", "image_size", "latent_dim", "width", "ema_decay", "mixed_precision", "optimizer",
)


def make_optimizer(name, learning_rate, beta1, beta2):
    """``adam``: Adam(beta1, beta2). ``rmsprop``: RMSProp without momentum, decay 0.99 and
    PyTorch's epsilon 1e-8 added to sqrt(v), as the WGAN authors' code; the betas are Adam's only.
    Keras adds epsilon inside the square root, so 1e-16 there is PyTorch's 1e-8 outside, to within 1%
    wherever a gradient's RMS is over 1e-6 (1e-8 inside would damp a gradient of RMS r < 1e-4 by about
    1e-4 / r: 100x at 1e-6)."""
    import keras

    if name == "adam":
        return keras.optimizers.Adam(learning_rate, beta_1=beta1, beta_2=beta2)
    return keras.optimizers.RMSprop(learning_rate, rho=0.99, epsilon=1e-16)


OPTIMIZERS = ("adam", "rmsprop")


@dataclasses.dataclass
class TrainResult:
    step: int
    history: dict
    logdir: str
    generator_path: str | None
    images_per_second: list


def run(
    model="cgan",
    dataset="fashion_mnist",
    data_dir=None,
    data_format="auto",
    max_examples=None,
    image_size=None,
    latent_dim=128,
    width=64,
    ema_decay=0.0,
    loss=None,
    label_smoothing=0.0,
    instance_noise=0.0,
    r1_gamma=0.0,
    diff_augment="",
    feature_matching=0.0,
    unrolled_steps=0,
    n_critic=None,
    reuse_fakes=False,
    random_jitter=None,
    batch_size=64,
    epochs=10,
    steps=0,
    optimizer="adam",
    lr_g=2e-4,
    lr_d=2e-4,
    lr_decay_fraction=0.0,
    beta1=0.5,
    beta2=0.999,
    logdir=None,
    seed=0,
    strategy="auto",
    jit_compile=False,
    mixed_precision=False,
    bfloat16=False,
    resume=False,
    checkpoint_every=500,
    keep_checkpoints=3,
    log_every=50,
    eval_every=0,
    eval_metrics="fid,kid,pr,cond_acc,modes",
    eval_samples=2000,
    verbose=1,
    **hyperparameters,
):
    """Trains ``model`` on ``dataset`` and returns a `TrainResult`. See the module flags for the
    meaning of each argument; ``hyperparameters`` are the family's own options
    (`keras_gans.models.hyperparameters`), None meaning the family's default."""
    args = {k: v for k, v in locals().items() if k not in ("verbose", "hyperparameters")}
    args.update({name: hyperparameters.get(name) for name in all_hyperparameter_names()})
    # Imports here let `strategy` be created before other TF ops run.
    import keras
    import tensorflow as tf

    from keras_gans import callbacks, losses, models
    from keras_gans.strategy import is_chief, make_strategy, worker_id

    run_settings = types.SimpleNamespace(**args)
    _check_arguments(run_settings)
    family = models.get(model)
    if random_jitter and family.data_kind == "labelled":
        raise UsageError(f"--random_jitter is the augmentation of the image-to-image families (pix2pix, cyclegan); "
                         f"{model} trains on labelled images (for those, see --diff_augment).")
    if loss:
        losses.get(loss)
    network_options, compile_options = _family_options(model, hyperparameters)
    dist = make_strategy(strategy)
    _check_replicas(dist, jit_compile, batch_size)
    chief = is_chief(dist)
    logdir = run_settings.logdir = logdir or os.path.join("runs", f"{model}_{dataset}")
    # Non-chief workers write their share of each checkpoint to a scratch folder.
    work_dir = logdir if chief else os.path.join(logdir, f"worker_{worker_id(dist)}_scratch")
    lock = _lock_logdir(logdir) if chief else None
    previous_policy = keras.mixed_precision.dtype_policy()
    try:
        if chief:
            _check_logdir(logdir, args, resume)
            _remove_partial_checkpoints(logdir)
        # Before the pipeline: tf.data's shuffle order depends on the global seed too.
        keras.utils.set_random_seed(seed)
        source = _training_data(family, run_settings)
        if bfloat16 and not tf.config.list_physical_devices("GPU") and not cpu_has_bfloat16():
            logging.warning("--bfloat16 on a CPU without AVX512_BF16 or AMX is emulated and slower than float32: "
                            "pass --nobfloat16.")
        if mixed_precision or bfloat16:
            keras.mixed_precision.set_dtype_policy("mixed_float16" if mixed_precision else "mixed_bfloat16")
        gan, checkpoint = _compiled_model(family, source, dist, run_settings, network_options, compile_options)
        pipeline, steps_per_epoch, total_steps = _pipeline(gan, source, run_settings)
        manager = _restore(checkpoint, logdir, work_dir, run_settings)
        samples = _sample_grid(gan, source, run_settings)
        throughput = callbacks.Throughput(batch_size * gan.real_batches_per_step)
        training_callbacks = [
            callbacks.NonFiniteGuard(manager),
            callbacks.Checkpointer(manager, checkpoint_every),
            callbacks.StepBudget(total_steps),
            callbacks.LearningRates(lr_g, lr_d, total_steps, lr_decay_fraction),
            throughput,
            *(_chief_callbacks(samples, run_settings) if chief else []),
        ]
        if chief:  # only now: a run that fails to start leaves nothing that would refuse the corrected one
            _write_config(logdir, args)
        history = _fit(gan, pipeline, steps_per_epoch, total_steps, run_settings, verbose, training_callbacks)
        generator_path = _save_outputs(gan, samples, manager, run_settings) if chief else None
        if not chief:
            shutil.rmtree(work_dir, ignore_errors=True)
    finally:
        keras.mixed_precision.set_dtype_policy(previous_policy)
        if lock:
            os.remove(lock)
            with contextlib.suppress(OSError):  # a logdir made for the lock of a run that never started
                os.rmdir(logdir)
    return TrainResult(callbacks.global_step(gan), history, logdir, generator_path, throughput.images_per_second)


def cpu_has_bfloat16(cpuinfo="/proc/cpuinfo"):
    """Whether this CPU computes bfloat16 natively (AVX512_BF16 or AMX); True where it cannot tell."""
    try:
        with open(cpuinfo) as f:
            flags_line = next((line for line in f if line.startswith("flags")), None)
    except OSError:
        return True
    return flags_line is None or bool({"avx512_bf16", "amx_bf16"} & set(flags_line.split()))


def _check_arguments(s):
    """Refuses values that would fail deep inside TensorFlow, or train something silently wrong
    (an untrained generator from --epochs=0), before anything is built or written."""
    at_least = {
        1: ("latent_dim", "width", "batch_size", "log_every", "keep_checkpoints", "eval_samples"),
        0: ("steps", "checkpoint_every", "unrolled_steps", "eval_every", "seed"),
    }
    for minimum, names in at_least.items():
        for name in names:
            check_integer(getattr(s, name), f"--{name}", minimum)
    for name in ("max_examples", "image_size", "n_critic"):  # None: the data's or the family's
        if getattr(s, name) is not None:
            check_integer(getattr(s, name), f"--{name}", minimum=1)
    check_integer(s.epochs, "--epochs", minimum=None if s.steps else 1)
    for name in ("lr_g", "lr_d"):
        check_number(getattr(s, name), f"--{name}", low=0, low_open=True)
    for name in ("ema_decay", "label_smoothing", "beta1", "beta2"):
        check_number(getattr(s, name), f"--{name}", low=0, high=1, high_open=True)
    for name in ("instance_noise", "r1_gamma", "feature_matching"):
        check_number(getattr(s, name), f"--{name}", low=0)
    check_number(s.lr_decay_fraction, "--lr_decay_fraction", low=0, high=1)
    if s.mixed_precision and s.bfloat16:
        raise UsageError("--mixed_precision (float16) and --bfloat16 exclude each other: choose one.")


def _check_replicas(dist, jit_compile, batch_size):
    import tensorflow as tf

    if jit_compile and dist.num_replicas_in_sync > 1 and not tf.config.list_logical_devices("GPU"):
        raise UsageError(
            "--jit_compile with several replicas needs GPUs: XLA cannot compile cross-replica "
            "collectives on CPU (TensorFlow b/194942685). Drop --jit_compile, or use --strategy=one_device."
        )
    if batch_size % dist.num_replicas_in_sync:
        raise UsageError(
            f"--batch_size={batch_size} does not split evenly over {dist.num_replicas_in_sync} replicas; "
            f"use a multiple of {dist.num_replicas_in_sync}."
        )


def _training_data(family, run_settings):
    """The training split, resized to the nearest size the family's networks take when needed."""
    from keras_gans import data, models

    s = run_settings

    def load(image_size):
        return data.load_source(s.dataset, data_dir=s.data_dir, split="train", data_format=s.data_format,
                                image_size=image_size, max_examples=s.max_examples)

    source = load(s.image_size)
    resize_to = family.image_size_for(*source.image_shape[:2]) if s.image_size is None else None
    if resize_to:
        logging.info(
            "%s does not take %dx%d images: resizing them to %dx%d (--image_size chooses another size).",
            s.model, *source.image_shape[:2], resize_to, resize_to,
        )
        source = load(resize_to)
    if source.kind != family.data_kind:
        raise UsageError(
            f"{s.model} trains on {family.data_kind} data, but {source.description} holds {source.kind} data; "
            f"families for it: {', '.join(f for f, c in models.FAMILIES.items() if c.data_kind == source.kind)}."
        )
    return source


def _compiled_model(family, source, dist, run_settings, network_options, compile_options):
    """(the compiled model, a checkpoint of everything training changes), built under ``dist``."""
    import keras
    import tensorflow as tf

    s = run_settings
    with dist.scope():
        gan = family.from_hparams(
            source.image_shape, s.latent_dim, num_classes=source.num_classes, seed=s.seed,
            ema_decay=s.ema_decay or None, width=s.width, **network_options,
        )
        d_optimizer = make_optimizer(s.optimizer, s.lr_d, s.beta1, s.beta2)
        g_optimizer = make_optimizer(s.optimizer, s.lr_g, s.beta1, s.beta2)
        if s.mixed_precision:
            d_optimizer = keras.optimizers.LossScaleOptimizer(d_optimizer)
            g_optimizer = keras.optimizers.LossScaleOptimizer(g_optimizer)
        # jit_compile="auto" would silently turn XLA off under a strategy: pass a bool.
        gan.compile(
            d_optimizer, g_optimizer, loss=s.loss, label_smoothing=s.label_smoothing, instance_noise=s.instance_noise,
            r1_gamma=s.r1_gamma, diff_augment=s.diff_augment, feature_matching=s.feature_matching,
            unrolled_steps=s.unrolled_steps, n_critic=s.n_critic, reuse_fakes=s.reuse_fakes,
            jit_compile=bool(s.jit_compile), **compile_options,
        )
        checkpoint = tf.train.Checkpoint(
            g_optimizer=g_optimizer, d_optimizer=d_optimizer, rng_state=gan.seed_generator.state,
            **gan.checkpoint_objects(),
        )
    return gan, checkpoint


def _pipeline(gan, source, run_settings):
    """(the repeated, shuffled tf.data pipeline, steps per epoch, total steps); a step takes a
    real batch for each of its D updates (``n_critic`` of them)."""
    from keras_gans import data

    s = run_settings
    step_batch_size = s.batch_size * gan.real_batches_per_step
    steps_per_epoch = source.num_examples // step_batch_size
    if not steps_per_epoch:
        raise UsageError(
            f"{source.description} has {source.num_examples} examples, fewer than one step takes "
            f"({step_batch_size} = --batch_size x {gan.real_batches_per_step} D steps); lower --batch_size."
        )
    total_steps = s.steps if s.steps > 0 else s.epochs * steps_per_epoch
    jitter = source.kind != "labelled" if s.random_jitter is None else s.random_jitter
    pipeline = data.make_pipeline(source, step_batch_size, shuffle=True, seed=s.seed, repeat=True, jitter=jitter)
    return pipeline, steps_per_epoch, total_steps


def _restore(checkpoint, logdir, work_dir, run_settings):
    """The checkpoint manager, after restoring the chief's newest checkpoint with --resume (every
    worker restores it, so all start from the same state)."""
    import tensorflow as tf

    manager = tf.train.CheckpointManager(
        checkpoint, os.path.join(work_dir, "checkpoints"), run_settings.keep_checkpoints
    )
    latest = tf.train.latest_checkpoint(os.path.join(logdir, "checkpoints"))
    if run_settings.resume and latest:
        try:
            checkpoint.restore(latest).assert_existing_objects_matched()
        except (AssertionError, ValueError, tf.errors.OpError) as error:
            raise UsageError(
                f"{latest} does not fit the networks this version of keras_gans builds for these flags "
                f"({str(error).splitlines()[0][:200]}); train in a new --logdir."
            ) from None
        logging.info("Resumed from %s", latest)
    return manager


def _sample_grid(gan, source, run_settings):
    from keras_gans import callbacks, data

    if source.kind == "labelled":
        return callbacks.FixedSamples(run_settings.latent_dim, gan.num_classes, run_settings.seed)
    # The first examples as they are, without jitter, so that every grid shows the same inputs.
    rows = min(run_settings.batch_size, 4, source.num_examples)
    return callbacks.TranslationSamples(next(iter(data.make_pipeline(source, rows, shuffle=False, cache=False))), rows=rows)


def _chief_callbacks(samples, run_settings):
    """TensorBoard summaries, and the periodic evaluation with --eval_every."""
    from keras_gans import callbacks

    s = run_settings
    chief = [callbacks.TensorBoardSummaries(os.path.join(s.logdir, "train"), s.log_every, samples)]
    if s.eval_every:
        from keras_gans.metrics import evaluation

        evaluator = evaluation.make_evaluator(s.dataset, s.data_dir, "domain", with_train=False)
        chief.append(callbacks.PeriodicEvaluation(
            evaluator, s.eval_every, evaluation.parse_metrics(s.eval_metrics), s.eval_samples,
            os.path.join(s.logdir, "train"),
        ))
    return chief


def _fit(gan, pipeline, steps_per_epoch, total_steps, run_settings, verbose, training_callbacks):
    """Keras' fit from the restored step to ``total_steps``; its history."""
    from keras_gans import callbacks

    step = callbacks.global_step(gan)
    if step >= total_steps:
        return {}
    fit_steps = min(steps_per_epoch, total_steps)
    return gan.fit(
        # The pipeline's order is fixed by the seed: skipping the steps done resumes a run with
        # the batches an uninterrupted one would see.
        pipeline.skip(step),
        epochs=math.ceil(total_steps / fit_steps),
        initial_epoch=step // fit_steps,
        steps_per_epoch=fit_steps,
        callbacks=training_callbacks,
        verbose=verbose,
        shuffle=False,  # the pipeline shuffles
    ).history


def _save_outputs(gan, samples, manager, run_settings):
    """Writes every generator (``<stem>.keras``, computing in float32 whatever the training
    precision) and ``samples.png``, each whole or not at all; returns generator.keras' path."""
    from keras_gans import callbacks, files, images
    from keras_gans.zoo import references

    s = run_settings
    step = callbacks.global_step(gan)
    callbacks.check_finite(manager, step)  # when no step ran, the weights are a checkpoint's, unchecked
    for stem, network in gan.saved_generators().items():
        with files.atomic_write(os.path.join(s.logdir, f"{stem}.keras")) as temporary:
            _in_float32(network).save(temporary)
    images.save_png(os.path.join(s.logdir, "samples.png"), samples(gan), Model=f"{s.model} on {s.dataset}, step {step}")
    return os.path.join(s.logdir, references.RUN_GENERATOR)


def _in_float32(network):
    """``network``, or a copy of it computing in float32 when it was built under a mixed-precision
    policy: samples, evaluations and exports then do not depend on how it was trained (float16 and
    bfloat16 are slow on most CPUs, and coarser)."""
    import keras

    if all(layer.dtype_policy.name == "float32" for layer in network._flatten_layers()):
        return network

    def in_float32(layer):
        return layer.__class__.from_config({**layer.get_config(), "dtype": "float32"})

    copy = keras.models.clone_model(network, clone_function=in_float32, recursive=True)
    copy.set_weights(network.get_weights())
    return copy


def all_hyperparameter_names():
    """Every option any family adds, sorted."""
    from keras_gans import models

    return sorted({option for name in models.available() for option in models.hyperparameters(name)})


def argument_default(model, name):
    """What a run of ``model`` trains with when argument ``name`` is not given (None: unknown)."""
    from keras_gans import models

    if name in inspect.signature(run).parameters:
        return inspect.signature(run).parameters[name].default
    options = models.hyperparameters(model) if model in models.FAMILIES else {}
    return options[name].default if name in options else None


def _family_options(model, hyperparameters):
    """(network options, compile options) of the family's own options that were set (not None);
    an option the family does not take is refused, naming those that take it."""
    from keras_gans import models

    known = set(all_hyperparameter_names())
    unknown = sorted(set(hyperparameters) - known)
    if unknown:
        raise UsageError(f"Unknown option(s) {', '.join(unknown)}. Family options: {', '.join(sorted(known))}.")
    options = models.hyperparameters(model)
    chosen = {name: value for name, value in hyperparameters.items() if value is not None}
    for name in chosen:
        if name not in options:
            takers = [family for family in models.FAMILIES if name in models.hyperparameters(family)]
            raise UsageError(f"--{name} does not apply to {model}; it applies to {', '.join(takers)}.")
    by_stage = {stage: {k: v for k, v in chosen.items() if options[k].stage == stage} for stage in ("networks", "compile")}
    return by_stage["networks"], by_stage["compile"]


def _check_logdir(logdir, args, resume):
    """Refuses to overwrite a run without --resume, or to resume with another architecture."""
    config_path = os.path.join(logdir, "config.json")
    if os.path.exists(config_path) or os.path.exists(os.path.join(logdir, "checkpoints")):
        if not resume:
            raise UsageError(
                f"{logdir} already holds a training run; pass --resume to continue it, "
                "or choose a new --logdir."
            )
        saved = {}
        if os.path.exists(config_path):
            with open(config_path) as f:
                saved = json.load(f)
        from keras_gans import models

        network_options = [k for k, o in models.hyperparameters(args["model"]).items() if o.stage == "networks"]

        def value(config, k):  # an option left unset trained with the family's default
            return config[k] if config.get(k) is not None else argument_default(args["model"], k)

        changed = {
            k: (value(saved, k), value(args, k)) for k in (*_ARCHITECTURE_ARGS, *network_options)
            if k in saved and value(saved, k) != value(args, k)
        }
        if changed:
            detail = ", ".join(f"--{k} was {old!r}, now {new!r}" for k, (old, new) in changed.items())
            raise UsageError(f"Cannot resume {logdir} with a different setup: {detail}.")


def _write_config(logdir, args):
    """``config.json``: the run's arguments, which a resume is checked against."""
    from keras_gans import files

    with files.atomic_write(os.path.join(logdir, "config.json")) as temporary, open(temporary, "w") as f:
        json.dump(args, f, indent=2)


def _remove_partial_checkpoints(logdir):
    """Removes what a run killed while saving a checkpoint leaves: TensorFlow writes ``ckpt-N_temp/``
    and ``checkpoint.tmp<hex>`` and then renames them into place."""
    checkpoints = os.path.join(logdir, "checkpoints")
    for path in glob.glob(os.path.join(checkpoints, "ckpt-*_temp")):
        shutil.rmtree(path)
    for path in glob.glob(os.path.join(checkpoints, "checkpoint.tmp*")):
        os.remove(path)


def _lock_logdir(logdir):
    """Creates ``<logdir>/.lock`` holding this process's PID and host, so that a second run on
    ``logdir`` is refused rather than overwriting this one's checkpoints; takes over a lock whose
    process no longer runs. Returns its path, which the run removes when it ends."""
    path = os.path.join(logdir, ".lock")
    host = socket.gethostname()
    os.makedirs(logdir, exist_ok=True)
    while True:
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # atomic: one run wins
        except FileExistsError:
            try:
                with open(path) as f:
                    holder = f.read().split()
            except FileNotFoundError:  # released meanwhile
                continue
            pid, holder_host = holder if len(holder) == 2 else ("?", "?")  # "?": still being written
            # Our own PID there is a dead run's: a restarted container often reuses it.
            stale = holder_host == host and pid.isdigit() and (int(pid) == os.getpid() or not _process_alive(int(pid)))
            if not stale:
                raise UsageError(
                    f"{logdir} is in use by process {pid} on {holder_host}; wait for that run to end or stop it, "
                    f"or use another --logdir (if it no longer runs, delete {path})."
                )
            logging.warning("Taking over %s from process %s, which no longer runs.", path, pid)
            with contextlib.suppress(FileNotFoundError):  # another run took it over first
                os.remove(path)
            continue
        with os.fdopen(descriptor, "w") as f:
            f.write(f"{os.getpid()} {host}\n")
        return path


def _process_alive(pid):
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user's
        pass
    return True


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    kwargs = {name: flags.FLAGS[name].value for name in [*run_argument_names(), *all_hyperparameter_names()]}
    try:
        result = run(**kwargs, verbose=1 if sys.stdout.isatty() else 2)
    except KerasGansError as error:
        # A clear one-line message, not a TensorFlow stack trace.
        print(f"error: {error}", file=sys.stderr)
        return 1
    speed = result.images_per_second[1:] or result.images_per_second
    if speed:
        speed = sorted(speed)[len(speed) // 2]
        print(f"Trained to step {result.step}: {speed:.0f} images/s (median epoch after the first).")
    print(f"Generator: {result.generator_path}\nTensorBoard: tensorboard --logdir {result.logdir}")
    return 0


def flagfile_values(text):
    """``{flag: value text}`` of an absl flag file such as a recipe (``--x=1``, ``--flag``, ``--noflag``)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("--"):
            continue
        key, has_value, value = line[2:].partition("=")
        if not has_value:
            # absl's boolean forms; no flag of keras_gans.train starts with "no" otherwise.
            key, value = (key[2:], "false") if key.startswith("no") else (key, "true")
        values[key] = value
    return values


def run_argument_names():
    """The arguments of `run` that are command-line flags (all but ``verbose``)."""
    return [name for name in run.__code__.co_varnames[: run.__code__.co_argcount] if name != "verbose"]


if __name__ == "__main__":
    define_flags()
    app.run(main)
