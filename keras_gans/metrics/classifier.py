"""Domain classifiers: small CNNs this project trains on a dataset's train split and ships, so that
FID, KID, precision/recall (penultimate features), the Inception Score and class fidelity (logits)
work offline, where InceptionV3's ImageNet weights cannot be downloaded.

Train and ship one (writes ``keras_gans/metrics/weights/<dataset>_classifier.keras`` + ``.json``):

    python -m keras_gans.metrics.train_classifier --dataset=fashion_mnist --data_dir=../shared/data/fashion_mnist

The same architecture and recipe, trained on generated samples and tested on real ones, gives the
Classification Accuracy Score (`keras_gans.metrics.evaluation`).
"""

import json
import os
import keras
import numpy as np

from keras_gans import data
from keras_gans.errors import UsageError

WEIGHTS_DIR = os.path.join(os.path.dirname(__file__), "weights")
FEATURES_LAYER = "features"
# One recipe for the shipped classifiers and for CAS, so CAS is comparable with the test accuracy:
# the same number of optimizer steps whatever the training set's size (3752 = 8 epochs of the
# 60k-image train split), since with fewer steps batch norm's moving statistics do not settle.
RECIPE = {"steps": 3752, "batch_size": 128, "learning_rate": 1e-3, "seed": 0}


def build_classifier(image_shape, num_classes, width=32):
    """Conv net -> 128-d ``features`` layer -> class logits; inputs are images in [-1, 1]."""
    image = keras.Input(image_shape, name="image")
    h = image
    for filters in (width, width * 2):
        for _ in range(2):
            h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(h)
            h = keras.layers.ReLU()(keras.layers.BatchNormalization()(h))
        h = keras.layers.MaxPooling2D()(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dropout(0.3)(h)
    features = keras.layers.Dense(128, activation="relu", name=FEATURES_LAYER)(h)
    logits = keras.layers.Dense(num_classes, name="logits")(keras.layers.Dropout(0.3)(features))
    return keras.Model(image, logits, name="classifier")


def train_classifier(train_images, train_labels, num_classes, steps=None, batch_size=None,
                     learning_rate=None, seed=None, verbose=0):
    """Trains `build_classifier` on images in [-1, 1] (``[n, H, W, C]``) with integer labels for
    about ``steps`` optimizer steps (whole epochs)."""
    recipe = {**RECIPE, **{k: v for k, v in dict(steps=steps, batch_size=batch_size,
                                                  learning_rate=learning_rate, seed=seed).items() if v is not None}}
    steps_per_epoch = max(1, len(train_images) // recipe["batch_size"])
    keras.utils.set_random_seed(recipe["seed"])
    model = build_classifier(train_images.shape[1:], num_classes)
    model.compile(
        keras.optimizers.Adam(recipe["learning_rate"]),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(train_images, train_labels, batch_size=recipe["batch_size"],
              epochs=max(1, round(recipe["steps"] / steps_per_epoch)),
              shuffle=True, verbose=verbose)
    return model


def accuracy(model, images, labels, batch_size=500):
    logits = model.predict(images, batch_size=batch_size, verbose=0)
    return float(np.mean(np.argmax(logits, axis=1) == np.asarray(labels)))


def load_split(dataset, data_dir, split):
    """A whole split as (images float32 in [-1, 1], labels int32, class names)."""
    source = data.load_source(dataset, data_dir=data_dir, split=split)
    images, labels = [], []
    for image_batch, label_batch in source.dataset.batch(10000).as_numpy_iterator():
        images.append(data.to_float(image_batch))
        labels.append(label_batch.astype(np.int32))
    return np.concatenate(images), np.concatenate(labels), source.class_names


def shipped_path(dataset):
    return os.path.join(WEIGHTS_DIR, f"{dataset}_classifier.keras")


def available():
    """Datasets that have a shipped classifier."""
    if not os.path.isdir(WEIGHTS_DIR):
        return []
    return sorted(f[: -len("_classifier.keras")] for f in os.listdir(WEIGHTS_DIR) if f.endswith("_classifier.keras"))


def load_shipped(dataset):
    """(classifier model, its metadata dict) shipped for ``dataset``."""
    path = shipped_path(dataset)
    if not os.path.exists(path):
        raise UsageError(
            f"No domain classifier is shipped for {dataset!r}; shipped: {', '.join(available()) or 'none'}. "
            f"Train one with python -m keras_gans.metrics.train_classifier --dataset={dataset} --data_dir=..., "
            "or use --feature_net=inception_v3."
        )
    with open(path[: -len(".keras")] + ".json") as f:
        metadata = json.load(f)
    return keras.saving.load_model(path, safe_mode=True), metadata
