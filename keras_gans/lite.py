"""On-device sampling from an exported TFLite generator through ``ai_edge_litert`` alone: this
module does not import TensorFlow (a test checks it).

    from keras_gans.lite import LiteGenerator
    g = LiteGenerator("exported/tflite/cgan_fashion_none.tflite")
    images = g.sample(16, labels="Sneaker", seed=0)   # uint8 [16, 28, 28, 1]
"""

import json
import os

import numpy as np

from keras_gans import sampling
from keras_gans.errors import UsageError


class LiteGenerator:
    """Samples uint8 images from a ``.tflite`` file written by `keras_gans.export`.

    The model card beside it (``<file>.json``) gives the classes, so labels are checked here:
    the TFLite graph itself cannot (its assert ops are not builtins).
    """

    def __init__(self, path, num_threads=None):
        from ai_edge_litert.interpreter import Interpreter

        self.path = path
        self._interpreter = Interpreter(model_path=path, num_threads=num_threads)
        self._runner = self._interpreter.get_signature_runner("serving_default")
        inputs = self._runner.get_input_details()
        sidecar = path[: -len(".tflite")] + ".json"
        card = {}
        if os.path.isfile(sidecar):
            with open(sidecar) as f:
                card = json.load(f).get("model_card", {})
        self.metadata = card
        self.name = card.get("name", os.path.basename(path))
        self.latent_dim = int(inputs["z"]["shape"][-1])
        batch = int(inputs["z"]["shape_signature"][0])
        self.static_batch = batch if batch > 0 else None
        self.class_names = tuple(card.get("class_names", ()))
        self.latent_codes = card.get("latent_codes")
        self.num_classes = int(card.get("num_classes", 0)) if "label" in inputs else 0
        if "label" in inputs and not self.num_classes:
            raise UsageError(f"{path} is conditional but has no model card ({sidecar}) saying its classes.")

    def generate(self, z, labels=None):
        """uint8 images from latents ``[n, latent_dim]`` (and labels: ints or class names)."""
        z = np.asarray(z, np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise UsageError(f"z must be [n, {self.latent_dim}], got {list(z.shape)}")
        labels = sampling.resolve_labels(labels, len(z), self.num_classes, self.class_names, self.name)
        step = self.static_batch or len(z)
        out = []
        for start in range(0, len(z), step):
            batch = z[start : start + step]
            count = len(batch)
            if self.static_batch and count < step:  # pad the last batch to the fixed size
                batch = np.concatenate([batch, np.zeros((step - count, self.latent_dim), np.float32)])
            inputs = {"z": batch}
            if labels is not None:
                label_batch = labels[start : start + step]
                inputs["label"] = np.concatenate([label_batch, np.zeros(len(batch) - count, np.int32)])
            out.append(self._runner(**inputs)["images"][:count])
        return np.concatenate(out)

    def sample(self, n, labels=None, seed=None, codes=None):
        """``n`` samples; the same seed gives the same latents as `keras_gans.zoo.Generator`;
        ``codes`` sets an InfoGAN's codes as `keras_gans.zoo.Generator.sample` does."""
        z = sampling.latents(n, self.latent_dim, seed)
        return self.generate(z if codes is None else sampling.set_codes(z, self.latent_codes, codes, self.name), labels)
