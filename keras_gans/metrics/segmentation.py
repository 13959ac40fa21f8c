"""Facade segmentation for the FCN-score of pix2pix (Isola et al. 2017, sec. 4.1, which reports it
on Cityscapes with an FCN-8s): a network this project trains on the facades training photos and
ships, run on translated label maps; the better the translations, the closer its labelling of them
comes to the label maps they were made from. Its labelling of the real photos is the upper bound.

The facades label maps are JPEG renderings of a jet-like palette of 12 classes (the CMP Facade
Database's: background, facade, window, door, cornice, sill, balcony, blind, deco, molding, pillar,
shop; which colour is which is not asserted here). `label_classes` assigns each pixel to the nearest
of the palette's colours, `FACADE_PALETTE`, which `kmeans_palette` finds on the 400 training maps
(a test reproduces it): a pixel sits 16 levels (Euclidean, RGB) from its colour on average.

Train and ship it (writes ``keras_gans/metrics/weights/facades_segmenter.keras`` + ``.json``):

    python -m keras_gans.metrics.train_segmenter --data_dir=../shared/data/facades

Scores (`scores`, from a confusion matrix summed over the test set, as the authors' Cityscapes
``evaluate.py``): per-pixel accuracy, per-class accuracy (the mean over the classes of the fraction
of their pixels found) and class IoU (the mean over the classes of intersection over union). One
difference: a class absent from the ground truth is left out of the means here, where the authors'
code counts it as 0 (the 106 test maps hold all 12 classes, so the facades scores are the same).
"""

import keras
import numpy as np
import tensorflow as tf

from keras_gans import data
from keras_gans.metrics.classifier import Imperceptible

# `kmeans_palette` of the facades training label maps, rounded.
FACADE_PALETTE = np.array([
    (47, 54, 164), (0, 1, 221), (2, 49, 250), (7, 124, 249), (34, 231, 238), (124, 232, 167),
    (196, 248, 76), (250, 239, 16), (246, 157, 19), (246, 82, 10), (189, 4, 12), (156, 73, 102),
], np.uint8)
SEGMENTER_SIDE = 128
# Photos get pix2pix's jitter and mirroring (`keras_gans.data.random_jitter`) and, as the domain
# classifiers, noise and blur up to what a person barely notices, so that a translation's artefacts
# of that size do not decide its labels.
RECIPE = {"epochs": 60, "batch_size": 8, "learning_rate": 1e-3, "seed": 0, "width": 16, "max_noise_std": 0.08,
          "max_blur": 0.5}


def label_classes(label_maps, palette=FACADE_PALETTE):
    """uint8 label maps ``[n, H, W, 3]`` -> int32 classes ``[n, H, W]``, each pixel's nearest
    palette colour."""
    palette = np.asarray(palette, np.float32)
    # |x - c|^2 without the |x|^2 every colour shares: one matrix product, a map at a time (a
    # [pixels, colours] array of all 400 training maps at once would take gigabytes).
    return np.stack([np.argmin((palette**2).sum(-1) - 2 * np.asarray(label_map, np.float32) @ palette.T, axis=-1)
                     for label_map in label_maps]).astype(np.int32)


def jet(count):
    """``count`` colours of matplotlib's "jet" colormap, evenly spaced, as uint8 RGB."""
    x = np.linspace(0, 1, count)[:, None]
    rgb = np.clip(1.5 - np.abs(4 * x - np.array([3.0, 2.0, 1.0])), 0, 1)
    return np.round(rgb * 255).astype(np.uint8)


def kmeans_palette(label_maps, count=12, iterations=30, pixels=200_000, seed=0):
    """The ``count`` colours of JPEG-rendered label maps: k-means (Lloyd's) on ``pixels`` of their
    pixels drawn at random, started from jet(k / (count - 1)) since the maps were drawn in a
    jet-like palette."""
    colours = np.asarray(label_maps).reshape(-1, 3)
    sample = colours[np.random.default_rng(seed).choice(len(colours), min(pixels, len(colours)), replace=False)]
    sample = sample.astype(np.float64)
    centres = jet(count).astype(np.float64)
    for _ in range(iterations):
        nearest = np.argmin(((sample[:, None, :] - centres) ** 2).sum(-1), axis=1)
        centres = np.stack([sample[nearest == k].mean(0) if np.any(nearest == k) else centres[k] for k in range(count)])
    return centres


def resize_classes(classes, side):
    """int class maps ``[n, H, W]`` at ``side x side``, by nearest neighbour."""
    resized = tf.image.resize(np.asarray(classes)[..., None], (side, side), method="nearest")
    return resized.numpy()[..., 0].astype(np.int32)


def load_labelled_photos(data_dir, split, side=SEGMENTER_SIDE):
    """The facades (photos uint8 ``[n, side, side, 3]``, their classes int32 ``[n, side, side]``,
    the label maps uint8 at full size): the classes come from the full-size label maps, then are resized."""
    label_maps, photos = data.load_pairs("facades", data_dir, split)
    return data.resize_images(photos, side), resize_classes(label_classes(label_maps), side), label_maps


def build_segmenter(image_shape, num_classes, width=16, depth=4):
    """A small U-Net (Ronneberger et al. 2015): ``depth`` stages of two 3x3 convolutions (batch
    norm, ReLU) and a max-pool, the filters doubling from ``width``, a bottleneck, and back up with
    skip connections to per-pixel class logits. Images in [-1, 1]."""
    def convolutions(h, filters):
        for _ in range(2):
            h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(h)
            h = keras.layers.ReLU()(keras.layers.BatchNormalization()(h))
        return h

    image = keras.Input(image_shape, name="image")
    h, skips = image, []
    for stage in range(depth):
        h = convolutions(h, width * 2**stage)
        skips.append(h)
        h = keras.layers.MaxPooling2D()(h)
    h = convolutions(h, width * 2**depth)
    for stage in reversed(range(depth)):
        h = keras.layers.UpSampling2D()(h)
        h = convolutions(keras.layers.Concatenate()([h, skips[stage]]), width * 2**stage)
    logits = keras.layers.Conv2D(num_classes, 1, dtype="float32", name="logits")(h)
    return keras.Model(image, logits, name="segmenter")


def _training_batches(photos, classes, recipe):
    """Float photos and their classes, jittered and mirrored alike, reshuffled each epoch."""
    dataset = tf.data.Dataset.from_tensor_slices((data.to_float(photos), classes[..., None]))
    dataset = dataset.shuffle(len(photos), seed=recipe["seed"], reshuffle_each_iteration=True)
    dataset = data.jittered(dataset, "paired", recipe["seed"], ("bilinear", "nearest"))
    return dataset.batch(recipe["batch_size"]).prefetch(tf.data.AUTOTUNE).with_options(data.pipeline_options())


def train_segmenter(photos, classes, num_classes=len(FACADE_PALETTE), verbose=0, **overrides):
    """Trains `build_segmenter` on uint8 photos ``[n, S, S, 3]`` and their int classes ``[n, S, S]``;
    ``overrides`` replace entries of `RECIPE`. Returns the segmenter alone (what ships)."""
    unknown = set(overrides) - set(RECIPE)
    if unknown:
        raise TypeError(f"unknown recipe entries {sorted(unknown)}; known: {sorted(RECIPE)}")
    recipe = {**RECIPE, **{k: v for k, v in overrides.items() if v is not None}}
    keras.utils.set_random_seed(recipe["seed"])
    network = build_segmenter(photos.shape[1:], num_classes, recipe["width"])
    model = keras.Sequential([
        keras.Input(photos.shape[1:]),
        Imperceptible(recipe["max_noise_std"], recipe["max_blur"], seed=recipe["seed"]),
        network,
    ])
    model.compile(keras.optimizers.Adam(recipe["learning_rate"]),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(_training_batches(photos, classes, recipe), epochs=recipe["epochs"], verbose=verbose)
    return network


def predict_classes(segmenter, images, batch_size=32):
    """int32 class maps ``[n, S, S]`` of uint8 images ``[n, H, W, 3]``, resized to the segmenter's
    side first (bilinear, antialiased) when they are another size."""
    side = int(segmenter.inputs[0].shape[1])
    images = np.asarray(images)
    predictions = []
    for start in range(0, len(images), batch_size):
        batch = tf.convert_to_tensor(data.to_float(images[start:start + batch_size]))
        if batch.shape[1:3] != (side, side):
            batch = tf.image.resize(batch, (side, side), method="bilinear", antialias=True)
        predictions.append(np.argmax(segmenter(batch, training=False), axis=-1).astype(np.int32))
    return np.concatenate(predictions)


def confusion_matrix(true_classes, predicted_classes, num_classes):
    """``[C, C]`` counts: row the true class, column the predicted one, over all pixels."""
    true_classes, predicted_classes = np.ravel(true_classes), np.ravel(predicted_classes)
    return np.bincount(true_classes * num_classes + predicted_classes,
                       minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def scores(confusion):
    """FCN-score from a confusion matrix: per-pixel accuracy, and the per-class accuracy and class
    IoU averaged over the classes present in the ground truth."""
    confusion = np.asarray(confusion, np.float64)
    hits, truth, predicted = np.diag(confusion), confusion.sum(axis=1), confusion.sum(axis=0)
    present = truth > 0
    return {
        "pixel_accuracy": float(hits.sum() / confusion.sum()),
        "class_accuracy": float(np.mean(hits[present] / truth[present])),
        "class_iou": float(np.mean(hits[present] / (truth + predicted - hits)[present])),
    }
