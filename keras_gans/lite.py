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
from keras_gans.errors import UsageError, check_integer, first_line


class LiteGenerator(sampling.Sampler):
    """Samples uint8 images from a ``.tflite`` file written by `keras_gans.export`, in batches
    (`keras_gans.sampling.Sampler`: ``sample``, ``sample_batches``, ``generate``, ``latents``,
    ``class_sweep``, ``save_grid``).

    The model card beside it (``<file>.json``) gives the classes, so labels are checked here:
    the TFLite graph itself cannot (its assert ops are not builtins).

    ``num_threads`` (also an attribute): CPU threads of the interpreter's kernels; by default all
    cores (``os.cpu_count()``), where LiteRT's own default would use one.
    """

    source = "keras_gans.lite"

    def __init__(self, path, num_threads=None):
        from ai_edge_litert.interpreter import Interpreter

        if not os.path.isfile(path):
            raise UsageError(f"No TFLite model at {path}: pass a .tflite file written by keras_gans.export.")
        self.path = path
        self.num_threads = (os.cpu_count() or 1) if num_threads is None else check_integer(num_threads, "num_threads", minimum=1)
        try:
            self._interpreter = Interpreter(model_path=path, num_threads=self.num_threads)
            self._runner = self._interpreter.get_signature_runner("serving_default")
        except (ValueError, RuntimeError) as error:
            raise UsageError(f"{path} is not a TFLite generator from keras_gans.export ({first_line(error)}).") from None
        inputs = self._runner.get_input_details()
        sidecar = path[: -len(".tflite")] + ".json"
        card = {}
        if os.path.isfile(sidecar):
            try:
                with open(sidecar) as f:
                    card = json.load(f).get("model_card", {})
            except (ValueError, AttributeError) as error:
                raise UsageError(f"{sidecar} is not a keras_gans model card ({first_line(error)}).") from None
        self.metadata = card
        self.name = card.get("name", os.path.basename(path))
        self.latent_dim = int(inputs["z"]["shape"][-1])
        batch = int(inputs["z"]["shape_signature"][0])
        self.static_batch = batch if batch > 0 else None
        if self.static_batch:
            self.batch_size = self.static_batch
        self.image_shape = tuple(int(d) for d in self._runner.get_output_details()["images"]["shape"][1:])
        self.class_names = tuple(card.get("class_names", ()))
        self.latent_codes = card.get("latent_codes")
        self.mixture_components = int(card.get("mixture_components", 0))
        self.truncation_space = card.get("truncation_space", "z")
        self.num_classes = int(card.get("num_classes", 0)) if "label" in inputs else 0
        if "label" in inputs and not self.num_classes:
            raise UsageError(f"{path} is conditional but has no model card ({sidecar}) saying its classes.")

    def _images(self, z, labels, truncation=None):
        if truncation is not None:  # only where it acts in "w": a StyleGAN's psi
            raise UsageError(f"{self.name}'s truncation is StyleGAN's psi, which acts inside the exported graph; "
                             "sample with truncation from keras_gans.zoo.load(...) instead.")
        count = len(z)
        if self.static_batch and count < self.static_batch:  # pad the last batch to the fixed size
            z = np.concatenate([z, np.zeros((self.static_batch - count, self.latent_dim), np.float32)])
            if labels is not None:
                labels = np.concatenate([labels, np.zeros(self.static_batch - count, np.int32)])
        inputs = {"z": z} if labels is None else {"z": z, "label": labels}
        return self._runner(**inputs)["images"][:count]
