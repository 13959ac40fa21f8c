"""On-device sampling from an exported TFLite generator through ``ai_edge_litert`` alone: this
module does not import TensorFlow (a test checks it).

    from keras_gans.lite import LiteGenerator
    g = LiteGenerator("exported/tflite/cgan_fashion_none.tflite")
    images = g.sample(16, labels="Sneaker", seed=0)   # uint8 [16, 28, 28, 1]
"""

import json
import os

import numpy as np

from keras_gans import sampling, translating
from keras_gans.errors import UsageError, check_integer, first_line


def _interpreter(path, num_threads):
    """A LiteRT interpreter of a ``.tflite`` file from `keras_gans.export`, and its thread count:
    by default all cores (``os.cpu_count()``), where LiteRT's own default would use one."""
    from ai_edge_litert.interpreter import Interpreter

    if not os.path.isfile(path):
        raise UsageError(f"No TFLite model at {path}: pass a .tflite file written by keras_gans.export.")
    num_threads = (os.cpu_count() or 1) if num_threads is None else check_integer(num_threads, "num_threads", minimum=1)
    try:
        return Interpreter(model_path=path, num_threads=num_threads), num_threads
    except (ValueError, RuntimeError) as error:
        raise UsageError(f"{path} is not a TFLite model from keras_gans.export ({first_line(error)}); export it again.") from None


def _static_batch(input_details):
    """The fixed batch size an input was exported with (``--static_batch``), or None."""
    batch = int(input_details["shape_signature"][0])
    return batch if batch > 0 else None


def _padded(rows, static_batch):
    """``rows`` padded with zeros to a fixed-batch model's ``static_batch`` (None: as they are).
    Callers cap their batches at it (`Sampler`, `Translating`), so only the last one is short."""
    if not static_batch or len(rows) >= static_batch:
        return rows
    return np.concatenate([rows, np.zeros((static_batch - len(rows), *rows.shape[1:]), rows.dtype)])


def _sidecar_card(path):
    """The model card in the JSON `keras_gans.export` writes beside a ``.tflite`` file ({} if none);
    refuses a file whose parity check failed."""
    sidecar = path[: -len(".tflite")] + ".json"
    if not os.path.isfile(sidecar):
        return {}
    try:
        with open(sidecar) as f:
            content = json.load(f)
        card, parity = content.get("model_card", {}), content.get("parity", {})
    except (ValueError, AttributeError) as error:
        raise UsageError(f"{sidecar} is not a keras_gans model card ({first_line(error)}).") from None
    if isinstance(parity, dict) and parity.get("passed") is False:
        raise UsageError(f"{path} missed its parity target when exported ({sidecar} has the report); "
                         "use a quantization that passed, e.g. --quantize=float16.")
    return card


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
        self.path = path
        self._interpreter, self.num_threads = _interpreter(path, num_threads)
        signatures = self._interpreter.get_signature_list()
        if "z" not in signatures.get("serving_default", {}).get("inputs", ()):
            hint = ("; it is a translator: load it with LiteTranslator (python -m keras_gans.sample --input=...)"
                    if set(signatures) & set(translating.DIRECTIONS) else "")
            raise UsageError(f"{path} is not a TFLite generator from keras_gans.export: it has no serving_default "
                             f"signature taking z{hint}.")
        self._runner = self._interpreter.get_signature_runner("serving_default")
        inputs = self._runner.get_input_details()
        card = self.metadata = _sidecar_card(path)
        sidecar = path[: -len(".tflite")] + ".json"
        self.name = card.get("name", os.path.basename(path))
        self.latent_dim = int(inputs["z"]["shape"][-1])
        self.static_batch = _static_batch(inputs["z"])
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
        inputs = {"z": _padded(z, self.static_batch)}
        if labels is not None:
            inputs["label"] = _padded(labels, self.static_batch)
        return self._runner(**inputs)["images"][: len(z)]


class LiteTranslator(translating.Translating):
    """Translates uint8 pictures with a ``.tflite`` translator written by `keras_gans.export`
    (pix2pix, CycleGAN: one signature per direction), without TensorFlow
    (`keras_gans.translating.Translating`: ``translate(images, direction)`` takes arrays of any size
    or image files)."""

    source = "keras_gans.lite"

    def __init__(self, path, num_threads=None):
        self.path = path
        self._interpreter, self.num_threads = _interpreter(path, num_threads)
        self.metadata = _sidecar_card(path)
        self.name = self.metadata.get("name", os.path.basename(path))
        keys = self._interpreter.get_signature_list()
        self.directions = tuple(d for d in translating.DIRECTIONS if d in keys)
        if not self.directions:
            raise UsageError(f"{path} is not a TFLite translator from keras_gans.export (its signatures: "
                             f"{', '.join(keys)}); it is a generator: load it with LiteGenerator (no --input).")
        self._runners = {d: self._interpreter.get_signature_runner(d) for d in self.directions}
        details = self._runners[self.directions[0]].get_input_details()["images"]
        self.image_shape = tuple(int(d) for d in details["shape"][1:])
        self.static_batch = _static_batch(details)

    def __repr__(self):
        return f"LiteTranslator({self.name!r}, {self.image_shape}, {' and '.join(self.directions)})"

    def _translate(self, images, direction):
        return self._runners[direction](images=_padded(images, self.static_batch))["images"][: len(images)]
