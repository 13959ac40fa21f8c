"""Feature networks behind one interface: images in [-1, 1] -> (features, logits).

* ``domain``: the classifier this project trains and ships for a dataset
  (`keras_gans.metrics.classifier`), its 128-d penultimate layer and its class logits. Offline.
  Images of another size (same channels) are resized to the data's, with antialiasing.
* ``inception_v3``: ``keras.applications.InceptionV3`` with ImageNet weights (Keras' usual
  download, or a local ``.h5``/``.weights.h5`` file): 2048-d pool features and the 1000 logits, at
  299x299 with the standard preprocessing (grayscale tiled to three channels, bilinear resize; the
  network's own scaling is x/127.5 - 1, which is our [-1, 1] range already). Its FIDs are not
  comparable with published ones: Keras' ImageNet weights are not the Inception graph (TTUR's
  ``classify_image_graph_def.pb``) that TTUR, TF-GAN and pytorch-fid compute FID with.
* ``inception_graph``: that graph itself, from a file the user has (``--inception_graph=FILE``,
  the frozen ``classify_image_graph_def.pb``): images as [0, 255] floats into ``ExpandDims:0``
  (the graph resizes them to 299x299 itself), the 2048-d ``pool_3:0`` features as TTUR computes
  them, and logits from the graph's softmax weights as the Inception-score code of Salimans et al.
  does. FIDs from it are comparable with published ones.
"""

import keras
import numpy as np
import tensorflow as tf

from keras_gans.metrics import classifier

FEATURE_NETS = ("domain", "inception_v3", "inception_graph")
# Tensor and op names of the FID Inception graph (TTUR's fid.py imports it under a prefix).
GRAPH_INPUT, GRAPH_FEATURES, GRAPH_LOGITS_MATMUL = "ExpandDims:0", "pool_3:0", "softmax/logits/MatMul"
INCEPTION_SIZE = 299


class FeatureNetwork:
    """Wraps a Keras classifier: ``embed(images)`` returns float64 ``(features, logits)``."""

    def __init__(self, model, features_layer, name, input_size=None):
        self.name = name
        self.input_size = input_size
        self._model = keras.Model(model.inputs, [model.get_layer(features_layer).output, model.output])
        self._expected_shape = tuple(model.inputs[0].shape[1:])

    def preprocess(self, images):
        images = tf.convert_to_tensor(images, tf.float32)
        if self.input_size:
            if images.shape[-1] == 1:
                images = tf.tile(images, (1, 1, 1, 3))
            images = tf.image.resize(images, (self.input_size, self.input_size), method="bilinear")
        else:
            images = resize_to(images, self._expected_shape)
        if tuple(images.shape[1:]) != self._expected_shape:
            raise ValueError(
                f"the {self.name} feature network takes images of shape {self._expected_shape}, "
                f"got {tuple(images.shape[1:])}"
            )
        return images

    def embed(self, images, batch_size=500):
        features, logits = [], []
        for start in range(0, len(images), batch_size):
            batch_features, batch_logits = self._model(self.preprocess(images[start : start + batch_size]), training=False)
            features.append(np.asarray(batch_features, np.float64))
            logits.append(np.asarray(batch_logits, np.float64))
        return np.concatenate(features), np.concatenate(logits)


def resize_to(images, shape):
    """Images of a generator of another size than the data (StyleGAN's 32x32 on 28x28 data) at the
    data's ``(H, W, C)``, resized with an antialiasing filter; others (and other channel counts,
    left for the caller to refuse) as they are."""
    images = tf.convert_to_tensor(images, tf.float32)
    if tuple(images.shape[1:]) != tuple(shape) and images.shape[-1] == shape[-1]:
        images = tf.image.resize(images, shape[:2], method="bilinear", antialias=True)
    return images


def domain(dataset, weights_dir=classifier.WEIGHTS_DIR):
    """The shipped classifier of ``dataset`` (or one trained into ``weights_dir``) as a feature
    network; also returns its metadata."""
    model, metadata = classifier.load_shipped(dataset, weights_dir)
    # The name carries the weights' hash, so a report says which classifier measured it.
    name = f"domain:{dataset}@{classifier.shipped_digest(dataset, weights_dir)}"
    return FeatureNetwork(model, metadata["features_layer"], name), metadata


def inception_v3(weights="imagenet"):
    """InceptionV3 features; ``weights`` is "imagenet", a local weights file, or None (random:
    for tests of the plumbing only)."""
    model = keras.applications.InceptionV3(include_top=True, weights=weights, classifier_activation=None)
    return FeatureNetwork(model, "avg_pool", "inception_v3", input_size=INCEPTION_SIZE)


class GraphFeatureNetwork:
    """FID's frozen Inception graph (a ``GraphDef`` file) behind the `FeatureNetwork` interface."""

    def __init__(self, path):
        from google.protobuf.message import DecodeError

        from keras_gans.errors import UsageError

        self.name = f"inception_graph:{path}"
        try:
            with open(path, "rb") as f:
                graph_def = tf.compat.v1.GraphDef.FromString(f.read())
        except (OSError, DecodeError) as error:  # a missing file, or bytes that are no GraphDef
            raise UsageError(f"Cannot read the Inception graph {path}: {error}") from None
        nodes = {node.name for node in graph_def.node}
        missing = [name for name in (GRAPH_INPUT[:-2], GRAPH_FEATURES[:-2], GRAPH_LOGITS_MATMUL) if name not in nodes]
        if missing:
            raise UsageError(f"{path} is not the FID Inception graph (classify_image_graph_def.pb): "
                             f"it has no {', '.join(missing)}.")

        def embed(images):
            (features,) = tf.compat.v1.import_graph_def(
                graph_def, input_map={GRAPH_INPUT: images}, return_elements=[GRAPH_FEATURES], name="inception"
            )
            features = tf.reshape(features, [tf.shape(images)[0], -1])
            weights = tf.compat.v1.get_default_graph().get_operation_by_name(f"inception/{GRAPH_LOGITS_MATMUL}").inputs[1]
            return features, tf.matmul(features, weights)

        self._embed = tf.compat.v1.wrap_function(embed, [tf.TensorSpec([None, None, None, 3], tf.float32)])

    def embed(self, images, batch_size=500):
        features, logits = [], []
        for start in range(0, len(images), batch_size):
            batch = tf.convert_to_tensor(images[start : start + batch_size], tf.float32)
            if batch.shape[-1] == 1:
                batch = tf.tile(batch, (1, 1, 1, 3))
            batch_features, batch_logits = self._embed((batch + 1.0) * 127.5)  # [-1, 1] -> [0, 255]
            features.append(np.asarray(batch_features, np.float64))
            logits.append(np.asarray(batch_logits, np.float64))
        return np.concatenate(features), np.concatenate(logits)


def inception_graph(path):
    """FID's Inception graph from ``path``, TTUR's ``classify_image_graph_def.pb``."""
    return GraphFeatureNetwork(path)
