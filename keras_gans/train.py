"""Train a GAN: ``python -m keras_gans.train --model=cgan --dataset=fashion_mnist``.

Flags map one to one onto the arguments of `run`, which Python users can call directly. A recipe is
an absl flags file: ``python -m keras_gans.train --flagfile=zoo/recipes/cgan.flags``.

What a run writes to ``--logdir``: ``config.json`` (its arguments), ``checkpoints/`` (G, D, both
optimizers, the step and the RNG state), TensorBoard events in ``train/``, and at the end
``generator.keras`` and ``samples.png``.
"""

import dataclasses
import inspect
import json
import math
import os
import shutil
import sys

from absl import app, flags, logging

from keras_gans.errors import UsageError


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
        "and sample and save it; 0 turns it off."
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
    flags.DEFINE_boolean(
        "minibatch_stddev", False, "Give D a minibatch standard-deviation channel (DCGAN-style families)."
    )
    flags.DEFINE_integer(
        "extra_layers", 0, "DCGAN-style families: 3x3 convolutions added at half the image size to G and D.",
        lower_bound=0,
    )
    flags.DEFINE_integer(
        "n_critic", None, "D steps per G step, each on a fresh real batch (the family's default: 5 for wgan and "
        "wgan_gp, 2 for biggan, else 1).", lower_bound=1,
    )
    flags.DEFINE_float("clip_value", None, "wgan: the critic's weight-clipping bound (0.01).")
    flags.DEFINE_float("gp_weight", None, "wgan_gp, dragan: gradient-penalty weight lambda (10).")
    flags.DEFINE_float("class_weight", None, "acgan: weight of the auxiliary classification loss (1).")
    flags.DEFINE_float("info_weight", None, "infogan: weight lambda of the information term (1).")
    flags.DEFINE_float("orthogonal_weight", None, "biggan: orthogonal regularisation beta of G (1e-4).")
    flags.DEFINE_float("l1_weight", None, "pix2pix: weight lambda of the L1 term (100).")
    flags.DEFINE_float("cycle_weight", None, "cyclegan: weight lambda of the cycle-consistency loss (10).")
    flags.DEFINE_float("identity_weight", None, "cyclegan: identity loss weight, as a fraction of cycle_weight (0.5).")
    flags.DEFINE_integer("residual_blocks", None, "cyclegan: residual blocks per generator (6).")
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
    flags.DEFINE_boolean("jit_compile", False, "Compile the train step with XLA.")
    flags.DEFINE_boolean(
        "mixed_precision", False, "mixed_float16 compute with dynamic loss scaling of both optimizers."
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


# Arguments that fix what a checkpoint contains: a resumed run must use the same ones.
_ARCHITECTURE_ARGS = (
    "model", "dataset", "image_size", "latent_dim", "width", "ema_decay", "minibatch_stddev", "extra_layers",
    "mixed_precision", "optimizer",
)


def make_optimizer(name, learning_rate, beta1, beta2):
    """``adam``: Adam(beta1, beta2). ``rmsprop``: RMSProp without momentum, decay 0.99 and
    epsilon 1e-8, as the WGAN authors' code (PyTorch's defaults); the betas are Adam's only."""
    import keras

    if name == "adam":
        return keras.optimizers.Adam(learning_rate, beta_1=beta1, beta_2=beta2)
    return keras.optimizers.RMSprop(learning_rate, rho=0.99, epsilon=1e-8)


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
    minibatch_stddev=False,
    extra_layers=0,
    n_critic=None,
    clip_value=None,
    gp_weight=None,
    class_weight=None,
    info_weight=None,
    orthogonal_weight=None,
    l1_weight=None,
    cycle_weight=None,
    identity_weight=None,
    residual_blocks=None,
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
    resume=False,
    checkpoint_every=500,
    keep_checkpoints=3,
    log_every=50,
    eval_every=0,
    eval_metrics="fid,kid,pr,cond_acc,modes",
    eval_samples=2000,
    verbose=1,
):
    """Trains ``model`` on ``dataset`` and returns a `TrainResult`. See the module flags for the
    meaning of each argument."""
    args = {k: v for k, v in locals().items() if k != "verbose"}
    # Imports here keep `--help` fast and let `strategy` be created before other TF ops run.
    import keras
    import tensorflow as tf

    from keras_gans import callbacks, data, images, losses, models
    from keras_gans.strategy import is_chief, make_strategy, worker_id

    family = models.get(model)
    if loss:
        losses.get(loss)
    family_options = _family_options(
        model, ("compile",), clip_value=clip_value, gp_weight=gp_weight,
        class_weight=class_weight, info_weight=info_weight, orthogonal_weight=orthogonal_weight, l1_weight=l1_weight,
        cycle_weight=cycle_weight, identity_weight=identity_weight,
    )
    network_options = _family_options(
        model, ("build_networks", "from_hparams"), minibatch_stddev=minibatch_stddev or None,
        extra_layers=extra_layers or None, residual_blocks=residual_blocks,
    )
    dist = make_strategy(strategy)
    chief = is_chief(dist)
    if jit_compile and dist.num_replicas_in_sync > 1 and not tf.config.list_logical_devices("GPU"):
        raise UsageError(
            "--jit_compile with several replicas needs GPUs: XLA cannot compile cross-replica "
            "collectives on CPU (TensorFlow b/194942685). Drop --jit_compile, or use --strategy=one_device."
        )
    logdir = logdir or os.path.join("runs", f"{model}_{dataset}")
    # Non-chief workers write their share of each checkpoint to a scratch folder.
    work_dir = logdir if chief else os.path.join(logdir, f"worker_{worker_id(dist)}_scratch")
    if chief:
        _check_logdir(logdir, args, resume)

    # Before the pipeline: tf.data's shuffle order depends on the global seed too.
    keras.utils.set_random_seed(seed)
    source = data.load_source(
        dataset, data_dir=data_dir, split="train", data_format=data_format,
        image_size=image_size, max_examples=max_examples,
    )
    resize_to = family.image_size_for(*source.image_shape[:2]) if image_size is None else None
    if resize_to:
        logging.info(
            "%s does not take %dx%d images: resizing them to %dx%d (--image_size chooses another size).",
            model, *source.image_shape[:2], resize_to, resize_to,
        )
        image_size = resize_to
        source = data.load_source(
            dataset, data_dir=data_dir, split="train", data_format=data_format,
            image_size=image_size, max_examples=max_examples,
        )
    if source.kind != family.data_kind:
        raise UsageError(
            f"{model} trains on {family.data_kind} data, but {source.description} holds {source.kind} data; "
            f"families for it: {', '.join(f for f, c in models.FAMILIES.items() if c.data_kind == source.kind)}."
        )
    if batch_size % dist.num_replicas_in_sync:
        raise UsageError(
            f"--batch_size={batch_size} does not split evenly over {dist.num_replicas_in_sync} replicas; "
            f"use a multiple of {dist.num_replicas_in_sync}."
        )
    previous_policy = keras.mixed_precision.dtype_policy()
    if mixed_precision:
        keras.mixed_precision.set_dtype_policy("mixed_float16")
    try:
        with dist.scope():
            gan = family.from_hparams(
                source.image_shape, latent_dim, num_classes=source.num_classes, seed=seed,
                ema_decay=ema_decay or None, width=width, **network_options,
            )
            d_optimizer = make_optimizer(optimizer, lr_d, beta1, beta2)
            g_optimizer = make_optimizer(optimizer, lr_g, beta1, beta2)
            if mixed_precision:
                d_optimizer = keras.optimizers.LossScaleOptimizer(d_optimizer)
                g_optimizer = keras.optimizers.LossScaleOptimizer(g_optimizer)
            # jit_compile="auto" would silently turn XLA off under a strategy: pass a bool.
            gan.compile(
                d_optimizer, g_optimizer, loss=loss, label_smoothing=label_smoothing, instance_noise=instance_noise,
                r1_gamma=r1_gamma, diff_augment=diff_augment, feature_matching=feature_matching,
                unrolled_steps=unrolled_steps, n_critic=n_critic, jit_compile=bool(jit_compile), **family_options,
            )
            checkpoint = tf.train.Checkpoint(
                g_optimizer=g_optimizer, d_optimizer=d_optimizer, rng_state=gan.seed_generator.state,
                **gan.checkpoint_objects(),
            )
        # A step takes a real batch for each D update (n_critic of them).
        step_batch_size = batch_size * gan.real_batches_per_step
        steps_per_epoch = source.num_examples // step_batch_size
        if not steps_per_epoch:
            raise UsageError(
                f"{source.description} has {source.num_examples} examples, fewer than one step takes "
                f"({step_batch_size} = --batch_size x {gan.real_batches_per_step} D steps); lower --batch_size."
            )
        total_steps = steps if steps > 0 else epochs * steps_per_epoch
        pipeline = data.make_pipeline(source, step_batch_size, shuffle=True, seed=seed, repeat=True)
        manager = tf.train.CheckpointManager(checkpoint, os.path.join(work_dir, "checkpoints"), keep_checkpoints)
        # Every worker restores the chief's newest checkpoint, so all start from the same state.
        latest = tf.train.latest_checkpoint(os.path.join(logdir, "checkpoints"))
        if resume and latest:
            checkpoint.restore(latest).assert_existing_objects_matched()
            logging.info("Resumed from %s", latest)
        step = callbacks.global_step(gan)

        samples = (
            callbacks.FixedSamples(latent_dim, gan.num_classes, seed)
            if source.kind == "labelled"
            else callbacks.TranslationSamples(next(iter(pipeline)), rows=min(batch_size, 4))
        )
        throughput = callbacks.Throughput(step_batch_size)
        training_callbacks = [
            callbacks.NonFiniteGuard(manager),
            callbacks.Checkpointer(manager, checkpoint_every),
            callbacks.StepBudget(total_steps),
            callbacks.LearningRates(lr_g, lr_d, total_steps, lr_decay_fraction),
            throughput,
        ]
        if chief:
            training_callbacks.append(
                callbacks.TensorBoardSummaries(os.path.join(logdir, "train"), log_every, samples)
            )
        if chief and eval_every:
            from keras_gans.metrics import evaluation

            evaluator = evaluation.make_evaluator(dataset, data_dir, "domain", with_train=False)
            training_callbacks.append(
                callbacks.PeriodicEvaluation(
                    evaluator, eval_every, evaluation.parse_metrics(eval_metrics), eval_samples,
                    os.path.join(logdir, "train"),
                )
            )
        history = {}
        if step < total_steps:
            fit_steps = min(steps_per_epoch, total_steps)
            history = gan.fit(
                pipeline,
                epochs=math.ceil(total_steps / fit_steps),
                initial_epoch=step // fit_steps,
                steps_per_epoch=fit_steps,
                callbacks=training_callbacks,
                verbose=verbose,
                shuffle=False,  # the pipeline shuffles
            ).history
        step = callbacks.global_step(gan)

        generator_path = None
        if chief:
            for stem, network in gan.saved_generators().items():
                network.save(os.path.join(logdir, f"{stem}.keras"))
            generator_path = os.path.join(logdir, "generator.keras")
            images.save_png(
                os.path.join(logdir, "samples.png"), samples(gan), Model=f"{model} on {dataset}, step {step}"
            )
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    finally:
        keras.mixed_precision.set_dtype_policy(previous_policy)
    return TrainResult(step, history, logdir, generator_path, throughput.images_per_second)


def _family_options(model, method_names, **options):
    """The options that were set (not None), refused by name where none of the family's
    ``method_names`` takes them."""
    from keras_gans import models

    def takes(family, name):
        return any(name in inspect.signature(getattr(family, method)).parameters for method in method_names)

    chosen = {name: value for name, value in options.items() if value is not None}
    for name in chosen:
        if not takes(models.get(model), name):
            takers = [f for f, family in models.FAMILIES.items() if takes(family, name)]
            raise UsageError(f"--{name} does not apply to {model}; it applies to {', '.join(takers)}.")
    return chosen


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
        changed = {k: (saved[k], args[k]) for k in _ARCHITECTURE_ARGS if k in saved and saved[k] != args[k]}
        if changed:
            detail = ", ".join(f"--{k} was {old!r}, now {new!r}" for k, (old, new) in changed.items())
            raise UsageError(f"Cannot resume {logdir} with a different setup: {detail}.")
    os.makedirs(logdir, exist_ok=True)
    with open(config_path, "w") as f:
        json.dump(args, f, indent=2)


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    from keras_gans import callbacks

    kwargs = {name: flags.FLAGS[name].value for name in run_argument_names()}
    try:
        result = run(**kwargs, verbose=1 if sys.stdout.isatty() else 2)
    except (UsageError, callbacks.NonFiniteLossError) as error:
        # A clear one-line message, not a TensorFlow stack trace.
        print(f"error: {error}", file=sys.stderr)
        return 1
    speed = result.images_per_second[1:] or result.images_per_second
    if speed:
        speed = sorted(speed)[len(speed) // 2]
        print(f"Trained to step {result.step}: {speed:.0f} images/s (median epoch after the first).")
    print(f"Generator: {result.generator_path}\nTensorBoard: tensorboard --logdir {result.logdir}")
    return 0


def run_argument_names():
    """The arguments of `run` that are command-line flags (all but ``verbose``)."""
    return [name for name in run.__code__.co_varnames[: run.__code__.co_argcount] if name != "verbose"]


if __name__ == "__main__":
    define_flags()
    app.run(main)
