"""Differentiable Augmentation (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient
GAN Training"): the same random, differentiable transforms applied to real and generated images
before the discriminator sees them, so D cannot memorise a small training set.

Policies, combined with commas (``"color,translation,cutout"``):
  color        random brightness (+-0.5), saturation (x0..2) and contrast (x0.5..1.5) per image
  translation  random shift by up to 1/8 of the image size, zero padded
  cutout       a random square of half the image size set to zero
Images are in [-1, 1]; each function takes a `keras.random.SeedGenerator`. The draws are per
example of the global batch (`keras_gans.global_batch`), so replicas augment as one device does.
"""

import tensorflow as tf
from keras import ops

from keras_gans import global_batch
from keras_gans.errors import UsageError

POLICIES = ("color", "translation", "cutout")


def _uniform(shape, seed, low=0.0, high=1.0):
    return global_batch.uniform(shape, seed, low, high)


def color(images, seed):
    batch = ops.shape(images)[0]
    images = images + _uniform((batch, 1, 1, 1), seed, -0.5, 0.5)
    mean = ops.mean(images, axis=3, keepdims=True)
    images = (images - mean) * _uniform((batch, 1, 1, 1), seed, 0.0, 2.0) + mean
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - mean) * _uniform((batch, 1, 1, 1), seed, 0.5, 1.5) + mean


def translation(images, seed, ratio=0.125):
    """A shift by an integer drawn uniformly from [-s, s] in each direction, s = ratio x the side."""
    batch, height, width = ops.shape(images)[0], images.shape[1], images.shape[2]
    shift_h, shift_w = int(height * ratio + 0.5), int(width * ratio + 0.5)
    dy = global_batch.randint((batch, 1, 1), seed, -shift_h, shift_h + 1)
    dx = global_batch.randint((batch, 1, 1), seed, -shift_w, shift_w + 1)
    rows = ops.arange(height, dtype="int32")[None, :, None] + dy  # [B, H, 1]
    cols = ops.arange(width, dtype="int32")[None, None, :] + dx  # [B, 1, W]
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    rows, cols = ops.clip(rows, 0, height - 1), ops.clip(cols, 0, width - 1)
    gathered = tf.gather_nd(images, tf.stack([
        tf.broadcast_to(tf.range(batch)[:, None, None], [batch, height, width]),
        tf.broadcast_to(rows, [batch, height, width]),
        tf.broadcast_to(cols, [batch, height, width]),
    ], axis=-1))
    return gathered * ops.cast(inside, images.dtype)[..., None]


def cutout(images, seed, ratio=0.5):
    batch, height, width = ops.shape(images)[0], images.shape[1], images.shape[2]
    size_h, size_w = int(height * ratio + 0.5), int(width * ratio + 0.5)
    top = global_batch.randint((batch, 1, 1), seed, 0, height + (1 - size_h % 2)) - size_h // 2
    left = global_batch.randint((batch, 1, 1), seed, 0, width + (1 - size_w % 2)) - size_w // 2
    rows = ops.arange(height, dtype="int32")[None, :, None]
    cols = ops.arange(width, dtype="int32")[None, None, :]
    hole = (rows >= top) & (rows < top + size_h) & (cols >= left) & (cols < left + size_w)
    return images * (1.0 - ops.cast(hole, images.dtype))[..., None]


_FUNCTIONS = {"color": color, "translation": translation, "cutout": cutout}


def parse_policy(policy):
    """``"color,translation"`` -> ("color", "translation"); unknown names list the known ones."""
    names = tuple(p.strip() for p in (policy or "").split(",") if p.strip())
    unknown = [n for n in names if n not in _FUNCTIONS]
    if unknown:
        raise UsageError(f"Unknown DiffAugment policy {', '.join(unknown)}. Known: {', '.join(POLICIES)}.")
    return names


def diff_augment(images, policy, seed):
    """Applies each transform of ``policy`` (names or a comma string) in order."""
    for name in parse_policy(policy) if isinstance(policy, str) else policy:
        images = _FUNCTIONS[name](images, seed)
    return images
