"""How the shared family battery (tests/test_families.py) builds a small model of each registered
family, what it trains it on, and which stabilisers it turns on. Plain module: the replica-parity
worker, a separate process, imports it too."""

import inspect

import numpy as np

# A value for each stabiliser of `GAN.compile`, strong enough to change a step.
STABILIZER_SETTINGS = {
    "label_smoothing": 0.1,
    "instance_noise": 0.1,
    "r1_gamma": 1.0,
    "diff_augment": "color,translation,cutout",
    "feature_matching": 0.1,
    "unrolled_steps": 1,
    "n_critic": 2,
    "reuse_fakes": True,
}
LATENT_DIM = 16


def family(name):
    from keras_gans import models

    return models.get(name)


def is_translation(name):
    return family(name).data_kind != "labelled"


def image_shape(name):
    # 32x32 serves every family (StyleGAN needs 4 x a power of two; the U-Net a power of two).
    return (32, 32, 3) if is_translation(name) else (32, 32, 1)


def batch_size(name):
    """A global batch that splits into two replicas; multiples of MinibatchStdDev's group of 4."""
    return 2 if is_translation(name) else 8


def network_options(name):
    """Small networks, with every architectural option that matters for parity turned on."""
    cls = family(name)
    options = {"width": 4}
    takes = set(inspect.signature(cls.build_networks).parameters) | set(inspect.signature(cls.from_hparams).parameters)
    if "minibatch_stddev" in takes:
        options["minibatch_stddev"] = True
    if "residual_blocks" in takes:
        options["residual_blocks"] = 1
    return options


def build(name, seed=1, ema_decay=None):
    """A small, uncompiled model of family ``name``."""
    num_classes = 10 if family(name).conditional else 0
    latent_dim = 0 if is_translation(name) else LATENT_DIM
    return family(name).from_hparams(image_shape(name), latent_dim, num_classes=num_classes, seed=seed,
                                     ema_decay=ema_decay, **network_options(name))


def stabilizers(name):
    """The settings of every stabiliser the family takes (label smoothing only with a sigmoid loss)."""
    from keras_gans import losses

    cls = family(name)
    chosen = {k: v for k, v in STABILIZER_SETTINGS.items() if k in cls.stabilizers}
    chosen.pop("reuse_fakes", None)  # the parity runs take the default update; tests/test_reuse_fakes.py the other
    if losses.get(cls.default_loss).name not in ("minimax", "non_saturating"):
        chosen.pop("label_smoothing", None)
    return chosen


def training_data(name, steps=2, seed=0, batches_per_step=1):
    """(first, second) arrays for ``steps`` steps of ``batches_per_step`` global batches (a model's
    `real_batches_per_step`): images and labels, or image pairs."""
    rng = np.random.default_rng(seed)
    count = steps * batches_per_step * batch_size(name)
    first = rng.uniform(-1, 1, (count, *image_shape(name))).astype("float32")
    if is_translation(name):
        return first, rng.uniform(-1, 1, (count, *image_shape(name))).astype("float32")
    return first, (np.arange(count) % 10).astype("int32")
