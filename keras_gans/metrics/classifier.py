"""Domain classifiers: small CNNs this project trains on a dataset's train split and ships, so that
FID, KID, precision/recall (penultimate features), the Inception Score and class fidelity (logits)
work offline, where InceptionV3's ImageNet weights cannot be downloaded.

Train and ship one (writes ``keras_gans/metrics/weights/<dataset>_classifier.keras`` + ``.json``):

    python -m keras_gans.metrics.train_classifier --dataset=fashion_mnist --data_dir=../shared/data/fashion_mnist

The same architecture and recipe, trained on generated samples and tested on real ones, gives the
Classification Accuracy Score (`keras_gans.metrics.evaluation`).
"""

import hashlib
import json
import os

import keras
import numpy as np
from keras import ops

from keras_gans import data, files
from keras_gans.errors import UsageError

WEIGHTS_DIR = os.path.join(os.path.dirname(__file__), "weights")
FEATURES_LAYER = "features"
# One recipe for the shipped classifiers and for CAS, so CAS is comparable with the test accuracy:
# the same number of optimizer steps whatever the training set's size (5628 = 12 epochs of the
# 60k-image train split), since with fewer steps batch norm's moving statistics do not settle; 12
# rather than 8 epochs win back the test accuracy the augmentation below costs (BUILD_NOTES.md).
# Training also blurs and adds noise to each image by a random amount (`Imperceptible`), up to about
# what a person barely notices at 28x28, so that the features, and FID on them, do not jump on
# such changes: without it, noise of std 0.02 tripled Fashion-MNIST's real-vs-real FID and a
# 3x3 blur multiplied it by 250 (BUILD_NOTES.md, issue 19).
# For photographs (not digits or clothes, whose shipped classifiers were trained without them):
# ``flip``, random left-right mirroring; ``max_shift``, random shifts and zooms of up to this fraction
# of the side; ``global_pool``, features from the average of the last feature map rather than from
# all of it, which does not tie a season to where in the picture the snow is.
RECIPE = {"steps": 5628, "batch_size": 128, "learning_rate": 1e-3, "seed": 0, "max_noise_std": 0.08, "max_blur": 0.5,
          "flip": False, "max_shift": 0.0, "global_pool": False}


def binomial_blur(images):
    """3x3 binomial blur of ``[n, H, W, C]`` images with the edge pixels repeated: zero padding
    would draw a frame, zero being mid-grey in [-1, 1]."""
    taps = np.array([1.0, 2.0, 1.0]) / 4
    kernel = np.tile(np.outer(taps, taps)[:, :, None, None], (1, 1, images.shape[-1], 1))
    padded = ops.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="symmetric")  # symmetric by 1: the edge
    return ops.depthwise_conv(padded, ops.convert_to_tensor(kernel, padded.dtype), padding="valid")


class Imperceptible(keras.layers.Layer):
    """While training only: each image is blended with its `binomial_blur` by a
    strength drawn from U(0, max_blur), then gets Gaussian noise of a std drawn from U(0, max_noise_std) (images
    in [-1, 1], clipped back to it)."""

    def __init__(self, max_noise_std, max_blur, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.max_noise_std, self.max_blur = float(max_noise_std), float(max_blur)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        per_image = (ops.shape(images)[0], 1, 1, 1)
        blurred = binomial_blur(images)
        strength = keras.random.uniform(per_image, maxval=self.max_blur, seed=self.seed_generator)
        images = images + strength * (blurred - images)
        std = keras.random.uniform(per_image, maxval=self.max_noise_std, seed=self.seed_generator)
        images = images + std * keras.random.normal(ops.shape(images), seed=self.seed_generator)
        return ops.clip(images, -1.0, 1.0)

    def get_config(self):
        return {**super().get_config(), "max_noise_std": self.max_noise_std, "max_blur": self.max_blur}


def build_classifier(image_shape, num_classes, width=32, global_pool=False):
    """Conv net -> 128-d ``features`` layer -> class logits; inputs are images in [-1, 1]. Stages of
    two 3x3 convolutions and a 2x2 max-pool, the filters doubling each stage, until the side is at
    most 8 (two stages at 28x28, three at 64x64)."""
    image = keras.Input(image_shape, name="image")
    h = image
    filters, side = width, image_shape[0]
    while True:
        for _ in range(2):
            h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(h)
            h = keras.layers.ReLU()(keras.layers.BatchNormalization()(h))
        h = keras.layers.MaxPooling2D()(h)
        filters, side = filters * 2, side // 2
        if side <= 8:
            break
    h = (keras.layers.GlobalAveragePooling2D() if global_pool else keras.layers.Flatten())(h)
    h = keras.layers.Dropout(0.3)(h)
    features = keras.layers.Dense(128, activation="relu", name=FEATURES_LAYER)(h)
    logits = keras.layers.Dense(num_classes, name="logits")(keras.layers.Dropout(0.3)(features))
    return keras.Model(image, logits, name="classifier")


def train_classifier(train_images, train_labels, num_classes, verbose=0, **overrides):
    """Trains `build_classifier` on images in [-1, 1] (``[n, H, W, C]``) with integer labels for
    about ``steps`` optimizer steps (whole epochs); ``overrides`` replace entries of `RECIPE`.
    Returns the classifier alone (uncompiled: what ships)."""
    unknown = set(overrides) - set(RECIPE)
    if unknown:
        raise TypeError(f"unknown recipe entries {sorted(unknown)}; known: {sorted(RECIPE)}")
    recipe = {**RECIPE, **{k: v for k, v in overrides.items() if v is not None}}
    steps_per_epoch = max(1, len(train_images) // recipe["batch_size"])
    keras.utils.set_random_seed(recipe["seed"])
    network = build_classifier(train_images.shape[1:], num_classes, global_pool=recipe["global_pool"])
    shift = recipe["max_shift"]
    geometry = [keras.layers.RandomTranslation(shift, shift, fill_mode="reflect", seed=recipe["seed"]),
                keras.layers.RandomZoom(shift, fill_mode="reflect", seed=recipe["seed"])] if shift else []
    model = keras.Sequential([
        keras.Input(train_images.shape[1:]),
        *([keras.layers.RandomFlip("horizontal", seed=recipe["seed"])] if recipe["flip"] else []),
        *geometry,
        Imperceptible(recipe["max_noise_std"], recipe["max_blur"], seed=recipe["seed"]),
        network,
    ])
    model.compile(
        keras.optimizers.Adam(recipe["learning_rate"]),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(data.array_pipeline((train_images, train_labels), recipe["batch_size"], shuffle_seed=recipe["seed"]),
              epochs=max(1, round(recipe["steps"] / steps_per_epoch)), verbose=verbose)
    return network


def recompute_batch_statistics(network, images, batch_size=64):
    """Sets each batch norm layer's moving mean and variance to those of its input over ``images``
    (clean training images), layer after layer in inference mode, so each layer sees what the
    layers before it will give it at inference ("precise BN", Wu & Johnson 2021). Training
    gathers them on augmented images (noise, blur, zooms), whose statistics clean photographs do
    not have: a 128x128 season judge called 0.716 of its own training photos right in inference
    mode and 0.888 after this (BUILD_NOTES.md, issue 20). Returns ``network``, changed in place
    (an `ensemble` of it shares its layers)."""
    if len(images) == 0:
        raise UsageError("No images to recompute the batch statistics on: give the training images.")
    for layer in network.layers:
        if not isinstance(layer, keras.layers.BatchNormalization):
            continue
        probe = keras.Model(network.inputs[0], layer.input)
        count, total, total_squares = 0, 0.0, 0.0
        for start in range(0, len(images), batch_size):
            values = probe(images[start : start + batch_size], training=False)
            values = ops.reshape(values, (-1, values.shape[-1]))
            # Sums per batch in float32, totals in float64: memory of one batch, precision of the whole.
            count += values.shape[0]
            total = total + np.asarray(ops.sum(values, axis=0), np.float64)
            total_squares = total_squares + np.asarray(ops.sum(ops.square(values), axis=0), np.float64)
        mean = total / count
        layer.moving_mean.assign(mean.astype(np.float32))
        layer.moving_variance.assign(np.maximum(total_squares / count - mean**2, 0.0).astype(np.float32))
    return network


def ensemble(members):
    """One classifier made of several trained ones (`build_classifier` networks of one input shape,
    e.g. one recipe at several seeds): its ``features`` are the concatenation of theirs and its
    logits the mean of theirs. A judge trained on a few hundred photos varies with its seed far
    more than its test accuracy shows (BUILD_NOTES.md, issue 20); the mean of several varies less.
    A member's logits are a dense layer of its features (its dropout is off at inference), so the
    mean is one dense layer of the concatenation: their kernels stacked over K, their biases' mean.
    The features are 128 x K wide: FID on them is comparable only with FIDs of the same ensemble."""
    image = keras.Input(members_image_shape(members), name="image")
    features = keras.layers.Concatenate(name=FEATURES_LAYER)([
        keras.Model(member.inputs, member.get_layer(FEATURES_LAYER).output, name=f"member_{index}")(image)
        for index, member in enumerate(members)])
    heads = [member.get_layer("logits") for member in members]
    logits_layer = keras.layers.Dense(heads[0].units, name="logits")
    model = keras.Model(image, logits_layer(features), name="classifier_ensemble")
    logits_layer.set_weights([np.concatenate([head.get_weights()[0] for head in heads]) / len(heads),
                              np.mean([head.get_weights()[1] for head in heads], axis=0)])
    return model


def members_image_shape(members):
    """The one image shape that the ``members`` of an `ensemble` take; a clear refusal otherwise."""
    if len(members) < 2:
        raise UsageError(f"An ensemble needs at least two members, got {len(members)}: pass two or more classifiers.")
    shapes = {tuple(member.inputs[0].shape[1:]) for member in members}
    if len(shapes) != 1:
        raise UsageError(f"The members take images of different shapes {sorted(shapes)}: give members of one recipe.")
    return shapes.pop()


def accuracy(model, images, labels, batch_size=500):
    logits = model.predict(data.array_pipeline(images, batch_size), verbose=0)
    return float(np.mean(np.argmax(logits, axis=1) == np.asarray(labels)))


def load_split(dataset, data_dir, split, image_size=None):
    """A whole split as (images float32 in [-1, 1], labels int32, class names); the classes of an
    unpaired (CycleGAN) folder are its two domains."""
    source = data.load_source(dataset, data_dir=data_dir, split=split, image_size=image_size)
    if source.kind == "unpaired":
        domains, names = data.load_domains(dataset, data_dir, split, image_size)
        labels = np.concatenate([np.full(len(images), label, np.int32) for label, images in enumerate(domains)])
        return data.to_float(np.concatenate(domains)), labels, names
    images, labels = [], []
    for image_batch, label_batch in source.dataset.batch(10000).as_numpy_iterator():
        images.append(data.to_float(image_batch))
        labels.append(label_batch.astype(np.int32))
    return np.concatenate(images), np.concatenate(labels), source.class_names


def shipped_path(dataset, weights_dir=WEIGHTS_DIR, kind="classifier"):
    """Where the ``kind`` ("classifier", or "segmenter": `keras_gans.metrics.segmentation`) of
    ``dataset`` is shipped; its metadata is the ``.json`` beside it."""
    return os.path.join(weights_dir, f"{dataset}_{kind}.keras")


def shipped_digest(dataset, weights_dir=WEIGHTS_DIR, kind="classifier"):
    """The first 8 hex digits of the shipped file's sha256: reports name the network that measured them."""
    with open(shipped_path(dataset, weights_dir, kind), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:8]


def save_shipped(model, metadata, dataset, out_dir, kind="classifier"):
    """Writes ``model`` and its ``metadata`` (JSON) where `load_shipped` reads them, each whole or
    not at all; returns the model's path."""
    os.makedirs(out_dir, exist_ok=True)
    path = shipped_path(dataset, out_dir, kind)
    with files.atomic_write(path) as temporary:
        model.save(temporary)
    with files.atomic_write(path[: -len(".keras")] + ".json") as temporary, open(temporary, "w") as out:
        json.dump(metadata, out, indent=2)
    return path


def define_recipe_flags(recipe, help_texts):
    """An absl flag for every entry of a training ``recipe``, its default declared once there;
    registered as the running program's own, so its ``--helpshort`` lists them."""
    import sys

    from absl import flags

    program = sys.argv[0]  # the module absl lists under --helpshort
    for name, default in recipe.items():
        if isinstance(default, bool):
            flags.DEFINE_boolean(name, default, help_texts[name], module_name=program)
        elif isinstance(default, float):
            flags.DEFINE_float(name, default, help_texts[name], lower_bound=0.0, module_name=program)
        else:
            flags.DEFINE_integer(name, default, help_texts[name], lower_bound=0 if name == "seed" else 1,
                                 module_name=program)


def available(weights_dir=WEIGHTS_DIR, kind="classifier"):
    """Datasets that have a shipped ``kind`` of network (or one in ``weights_dir``)."""
    if not os.path.isdir(weights_dir):
        return []
    suffix = f"_{kind}.keras"
    return sorted(f[: -len(suffix)] for f in os.listdir(weights_dir) if f.endswith(suffix))


def load_shipped(dataset, weights_dir=WEIGHTS_DIR, kind="classifier"):
    """(model, its metadata dict): the ``kind`` of network ("classifier" or "segmenter") shipped for
    ``dataset`` (or trained into ``weights_dir``)."""
    path = shipped_path(dataset, weights_dir, kind)
    if not os.path.exists(path):
        shipped = f"shipped: {', '.join(available(weights_dir, kind)) or 'none'}" + (
            "" if weights_dir == WEIGHTS_DIR else f" (in {weights_dir})")
        if kind == "segmenter":  # its palette is the facades'
            raise UsageError(f"No segmentation network for the FCN-score of {dataset!r}; {shipped}. "
                             "Measure other paired data with --metrics=similarity.")
        raise UsageError(
            f"No domain classifier is shipped for {dataset!r}; {shipped}. Train one with python -m "
            f"keras_gans.metrics.train_classifier --dataset={dataset} --data_dir=..., or use --feature_net=inception_v3."
        )
    with open(path[: -len(".keras")] + ".json") as f:
        metadata = json.load(f)
    return keras.saving.load_model(path, safe_mode=True), metadata
