"""Export a generator for TF Serving (SavedModel) and for devices (TFLite), each checked against the
Keras model:

    python -m keras_gans.export --model=cgan_fashion --out=exported --formats=saved_model,tflite \
        --version=1 --quantize=none,float16,dynamic,int8

``--model`` is a zoo name, a preset folder, a ``.keras`` file or a training logdir. Writes

    OUT/<name>/<version>/                 SavedModel in TF Serving's layout; assets/model_card.json,
                                          assets.extra/parity.json (TF Serving ignores assets.extra)
    OUT/tflite/<name>_<quantize>.tflite   builtin ops only
    OUT/tflite/<name>_<quantize>.json     its model card and parity report

each written under a candidate name (``<version>.unchecked``, ``<stem>.unchecked.*``), checked, and
moved into place only if it meets its parity target; otherwise it is set aside as
``<version>.rejected`` / ``<stem>.rejected.*`` (TF Serving loads numeric versions only, and
`keras_gans.lite` refuses a file whose report failed), and the command goes on with the other
artifacts and exits 1.

Signatures of the SavedModel:
    serving_default(z float32 [batch, latent_dim], label int32 [batch])
        -> images uint8 [batch, H, W, C], images_float float32 in [-1, 1]
    sample(seed int64 [], num_samples int32 [], label int32 [num_samples])
        -> the same, from latents drawn with stateless random ops (same seed, same images)
``label`` exists only for conditional models. An image-to-image model (pix2pix, CycleGAN: a
`keras_gans.zoo.Translator`) has instead one signature per direction, ``a_to_b`` (also
``serving_default``) and, for CycleGAN, ``b_to_a``:
    a_to_b(images uint8 [batch, S, S, C]) -> images uint8 [batch, S, S, C], images_float
whose input size is fixed: others are an InvalidArgument naming it (`Translator.translate` resizes first).
Bad inputs are InvalidArgument errors that say what
is wrong: a label out of range, z of another width or holding NaN/Inf, num_samples outside
[0, MAX_SIGNATURE_SAMPLES]. The TFLite generators have the ``serving_default`` signature (TFLite
translators their direction signatures) without these in-graph checks (assert ops are not TFLite builtins); `keras_gans.lite.LiteGenerator` checks instead.
Model names must be one safe path component (`keras_gans.errors.check_name`).
"""

import contextlib
import json
import os
import sys
import tempfile

import numpy as np
from absl import app, flags

from keras_gans import files
from keras_gans.images import psnr
from keras_gans.errors import KerasGansError, UsageError, check_integer, check_name

FORMATS = ("saved_model", "tflite")
QUANTIZATIONS = ("none", "float16", "dynamic", "int8")
# Max |difference| to the Keras model in uint8 levels; int8 variants are held to the conditional
# accuracy instead (within INT8_ACCURACY_TOLERANCE of the float model's).
LEVEL_TARGETS = {"saved_model": 0, "none": 1, "float16": 2}
INT8_ACCURACY_TOLERANCE = 0.05
PARITY_SAMPLES = 256
# Quantized translators are judged by PSNR against the Keras model's uint8 output over
# PARITY_TRANSLATIONS test pictures (a big network's float16 or int8 output is some levels off
# somewhere, however close the rest); the SavedModel and float32 TFLite keep LEVEL_TARGETS.
TRANSLATION_PSNR_TARGETS = {"float16": 35.0, "dynamic": 30.0, "int8": 30.0}
PARITY_TRANSLATIONS = 16
# The most images one call of the `sample` signature makes: a bound on a server's memory per request.
MAX_SIGNATURE_SAMPLES = 10_000


class ParityError(KerasGansError, RuntimeError):
    """An exported artifact differs from the Keras model by more than its target."""


def _generator(model):
    """A `keras_gans.zoo.Generator` or `Translator` as is, or from any model reference (`keras_gans.zoo.load`)."""
    from keras_gans.zoo import references

    return model if hasattr(model, "keras_model") else references.load(model)


def _is_translator(model):
    from keras_gans.translating import Translating

    return isinstance(model, Translating)


def _model_card(generator):
    from keras_gans.translating import TRANSLATION_NOTE
    from keras_gans.zoo.presets import SYNTHETIC_NOTE

    card = dict(generator.metadata)
    card.pop("metrics", None)
    if _is_translator(generator):
        card.update(name=generator.name, image_shape=list(generator.image_shape),
                    directions=list(generator.directions), note=TRANSLATION_NOTE)
        return card
    card.update(
        name=generator.name, latent_dim=generator.latent_dim, num_classes=generator.num_classes,
        class_names=list(generator.class_names), image_shape=list(generator.image_shape), note=SYNTHETIC_NOTE,
    )
    if generator.latent_codes:
        card["latent_codes"] = generator.latent_codes
    if generator.mixture_components:
        card["mixture_components"] = generator.mixture_components
    if generator.truncation_space != "z":
        card["truncation_space"] = generator.truncation_space
    return card


def export_archive(generator, static_batch=None, check_inputs=True, with_sample=True, for_int8=False):
    """A `keras.export.ExportArchive` of the generator with the ``serving_default`` (and
    ``sample``) endpoints; Keras' archive freezes the weights cleanly for the TFLite converter.
    ``check_inputs`` refuses bad inputs in the graph (InvalidArgument naming the fix; TFLite has no
    assert ops, so `keras_gans.lite.LiteGenerator` checks them instead). ``for_int8`` writes the
    uint8 images' affine map in the form the int8 converter quantizes right."""
    import keras
    import tensorflow as tf

    model, latent_dim, num_classes = generator.keras_model, generator.latent_dim, generator.num_classes

    def checked(tensor, checks):
        with tf.control_dependencies(checks):
            return tf.identity(tensor)

    def outputs(z, label):
        if check_inputs:
            z = checked(z, [
                tf.debugging.assert_equal(tf.shape(z)[1], latent_dim, message=f"z must be [batch, {latent_dim}]"),
                tf.debugging.assert_all_finite(z, "z must be finite: it holds NaN or Inf"),
            ])
        if num_classes and check_inputs:
            message = f"label must lie in [0, {num_classes})"
            label = checked(label, [
                tf.debugging.assert_greater_equal(label, 0, message=message),
                tf.debugging.assert_less(label, num_classes, message=message),
                tf.debugging.assert_equal(tf.shape(label)[0], tf.shape(z)[0], message="z and label need one row each"),
            ])
        return _uint8_outputs(model([z, label] if num_classes else z, training=False), for_int8)

    def stateless_latents(seed, num_samples):
        message = f"num_samples must lie in [0, {MAX_SIGNATURE_SAMPLES}]: ask for more in calls with different seeds"
        num_samples = checked(num_samples, [
            tf.debugging.assert_non_negative(num_samples, message=message),
            tf.debugging.assert_less_equal(num_samples, MAX_SIGNATURE_SAMPLES, message=message),
        ])
        return tf.random.stateless_normal(tf.stack([num_samples, latent_dim]), seed=tf.stack([seed, tf.zeros_like(seed)]))

    z_spec = tf.TensorSpec([static_batch, latent_dim], tf.float32, name="z")
    seed_specs = [tf.TensorSpec([], tf.int64, name="seed"), tf.TensorSpec([], tf.int32, name="num_samples")]
    archive = keras.export.ExportArchive()
    archive.track(model)
    if num_classes:
        label_spec = tf.TensorSpec([static_batch], tf.int32, name="label")
        archive.add_endpoint("serving_default", outputs, input_signature=[z_spec, label_spec])
        if with_sample:
            archive.add_endpoint(
                "sample", lambda seed, num_samples, label: outputs(stateless_latents(seed, num_samples), label),
                input_signature=[*seed_specs, tf.TensorSpec([None], tf.int32, name="label")],
            )
    else:
        archive.add_endpoint("serving_default", lambda z: outputs(z, None), input_signature=[z_spec])
        if with_sample:
            archive.add_endpoint(
                "sample", lambda seed, num_samples: outputs(stateless_latents(seed, num_samples), None),
                input_signature=seed_specs,
            )
    return archive


def _uint8_outputs(images_float, for_int8):
    """The signatures' outputs: uint8 images and the network's float ones. ``for_int8`` writes the
    affine map to [0, 255] in the form the int8 converter quantizes right."""
    import tensorflow as tf

    from keras_gans import data

    if for_int8:
        # As separate ADD and MUL, the int8 converter gives x + 1 the scale of the [0, 255] result
        # (16 uint8 levels off on average); one 1x1 convolution with a bias is quantized as a whole.
        channels = images_float.shape[-1]
        scaled = tf.nn.conv2d(images_float, 127.5 * tf.eye(channels, batch_shape=[1, 1]), 1, "VALID") + 127.5
        images = tf.cast(tf.clip_by_value(tf.round(scaled), 0.0, 255.0), tf.uint8)
    else:
        images = data.to_uint8(images_float)
    return {"images": images, "images_float": images_float}


def translation_archive(translator, static_batch=None, check_inputs=True, for_int8=False):
    """A `keras.export.ExportArchive` of a translator: one endpoint per direction (``a_to_b`` is
    also ``serving_default``), uint8 images ``[batch, S, S, C]`` in, uint8 images out.
    ``check_inputs`` refuses other image sizes in the graph (an InvalidArgument naming the size)."""
    import keras
    import tensorflow as tf

    from keras_gans import data
    from keras_gans.zoo.translator import directions_of

    shape = list(translator.image_shape)
    spec = tf.TensorSpec([static_batch, *shape], tf.uint8, name="images")
    archive = keras.export.ExportArchive()
    archive.track(translator.keras_model)

    def checked(images):
        if not check_inputs:
            return images
        message = f"images must be uint8 [batch, {', '.join(map(str, shape))}]: resize them first (Translator.translate does)"
        with tf.control_dependencies([tf.debugging.assert_equal(tf.shape(images)[1:], shape, message=message)]):
            return tf.identity(images)

    def translation(network):  # the conversions of `Translator`'s compiled graph, so the images match exactly
        return lambda images: _uint8_outputs(network(data.to_float(checked(images)), training=False), for_int8)

    for direction, network in directions_of(translator.keras_model).items():
        translate = translation(network)
        archive.add_endpoint(direction, translate, input_signature=[spec])
        if direction == "a_to_b":
            archive.add_endpoint("serving_default", translate, input_signature=[spec])
    return archive


def parity_pictures(translator, count=PARITY_TRANSLATIONS, seed=0):
    """Fixed test pictures for a translator: flat-coloured blocks (like label maps) and smooth
    colour fields (like photos), half each."""
    from keras_gans.translating import fit_to_side

    side, _, channels = translator.image_shape
    coarse = np.random.default_rng(seed).integers(0, 256, (count, 8, 8, channels), dtype=np.uint8)
    block = -(-side // 8)
    blocks = coarse[: count // 2].repeat(block, axis=1).repeat(block, axis=2)[:, :side, :side]
    smooth = [fit_to_side(picture, side) for picture in coarse[count // 2 :]]
    return np.concatenate([blocks, np.stack(smooth)]) if smooth else blocks


def translation_parity_report(translator, translate, kind):
    """Compares an artifact's translations of the parity pictures, ``translate(pictures,
    direction)``, with the Keras model's, direction by direction."""
    pictures = parity_pictures(translator)
    report = {"artifact": kind, "samples": len(pictures), "directions": {}}
    for direction in translator.directions:
        reference = translator.translate(pictures, direction).astype(np.float64)
        difference = reference - translate(pictures, direction).astype(np.float64)
        mse = float(np.mean(difference**2))
        report["directions"][direction] = {
            "max_abs_diff_levels": int(np.max(np.abs(difference))),
            "psnr_db": float(psnr(mse)),
        }
    if kind in LEVEL_TARGETS and kind != "float16":  # the SavedModel exactly, float32 TFLite within a level
        report["target_max_abs_diff_levels"] = LEVEL_TARGETS[kind]
        report["passed"] = all(d["max_abs_diff_levels"] <= LEVEL_TARGETS[kind] for d in report["directions"].values())
    else:
        report["target_psnr_db"] = TRANSLATION_PSNR_TARGETS[kind]
        report["passed"] = all(d["psnr_db"] >= report["target_psnr_db"] for d in report["directions"].values())
    return report


def parity_batch(generator, count=PARITY_SAMPLES):
    """The fixed latents (seed 0) and balanced labels every parity check uses."""
    z = generator.latents(count, seed=0)
    labels = (np.arange(count) % generator.num_classes).astype(np.int32) if generator.num_classes else None
    return z, labels


def _conditional_accuracy(generator, images_uint8, labels):
    """Fraction of images the dataset's shipped classifier assigns to the requested class."""
    from keras_gans import data
    from keras_gans.metrics import classifier

    dataset = generator.metadata.get("dataset")
    if labels is None or dataset not in classifier.available():
        return None
    model, _ = classifier.load_shipped(dataset)
    logits = model.predict(data.array_pipeline(data.to_float(images_uint8), batch_size=256), verbose=0)
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def parity_report(generator, artifact_images, kind, labels):
    """Compares an artifact's uint8 images on the parity batch with the Keras model's."""
    reference = generator.generate(parity_batch(generator)[0], labels)
    report = {
        "artifact": kind,
        "samples": int(len(reference)),
        "max_abs_diff_levels": int(np.max(np.abs(reference.astype(np.int16) - artifact_images.astype(np.int16)))),
        "conditional_accuracy": _conditional_accuracy(generator, artifact_images, labels),
        "keras_conditional_accuracy": _conditional_accuracy(generator, reference, labels),
    }
    target = LEVEL_TARGETS.get(kind)
    if target is not None:
        report["target_max_abs_diff_levels"] = target
        report["passed"] = report["max_abs_diff_levels"] <= target
    elif report["conditional_accuracy"] is not None:
        report["target_accuracy_tolerance"] = INT8_ACCURACY_TOLERANCE
        report["passed"] = abs(report["conditional_accuracy"] - report["keras_conditional_accuracy"]) <= INT8_ACCURACY_TOLERANCE
    else:
        report["passed"] = True
        report["note"] = "no accuracy target: unconditional, or no shipped classifier for this dataset"
    return report


def _rejected(final):
    stem, ext = os.path.splitext(final)
    return f"{stem}.rejected{ext}"


@contextlib.contextmanager
def _candidates(*paths):
    """Removes the candidate files or folders ``paths`` (leftovers first, then whatever an export
    that fails before `_settle` leaves), so an unchecked artifact never lingers to be loaded."""
    for path in paths:
        files.remove(path)
    try:
        yield
    finally:
        for path in paths:
            files.remove(path)


def _settle(report, moves):
    """Moves each checked artifact (``{candidate: final path}``) onto its final path when the parity
    report passed, and removes an older rejected one; otherwise moves it to ``<stem>.rejected<ext>``,
    where nothing loads it, and raises `ParityError`. What was at a final path stays until a
    replacement passes."""
    passed = report["passed"]
    for candidate, final in moves.items():
        files.replace(candidate, final if passed else _rejected(final))
        if passed:
            files.remove(_rejected(final))
    if not passed:
        final = next(iter(moves.values()))
        raise ParityError(f"{final} misses its parity target; set aside as {_rejected(final)}: {json.dumps(report)}")


def export_saved_model(model, out, version=1, name=None):
    """Writes ``out/<name>/<version>/`` and returns its path; raises `ParityError` on a mismatch."""
    import tensorflow as tf

    version = check_integer(version, "--version", minimum=0)
    generator = _generator(model)
    name = check_name(name or generator.name, "the model name")
    path = os.path.join(out, name, str(version))
    # Written and checked under a name TF Serving skips (it loads numeric version folders only), then
    # moved into place: a version that misses its target is never served.
    candidate = f"{path}.unchecked"
    translates = _is_translator(generator)
    with _candidates(candidate):
        (translation_archive if translates else export_archive)(generator).write_out(candidate, verbose=False)
        # The card rides in assets/, which TF Serving copies with the model and never reads.
        with open(os.path.join(candidate, "assets", "model_card.json"), "w") as f:
            json.dump(_model_card(generator), f, indent=2)
        loaded = tf.saved_model.load(candidate)
        if translates:
            def translate(pictures, direction):
                return loaded.signatures[direction](images=tf.constant(pictures))["images"].numpy()

            report = translation_parity_report(generator, translate, "saved_model")
        else:
            z, labels = parity_batch(generator)
            inputs = {"z": tf.constant(z)} | ({"label": tf.constant(labels)} if labels is not None else {})
            images = loaded.signatures["serving_default"](**inputs)["images"].numpy()
            report = parity_report(generator, images, "saved_model", labels)
        os.makedirs(os.path.join(candidate, "assets.extra"), exist_ok=True)
        with open(os.path.join(candidate, "assets.extra", "parity.json"), "w") as f:
            json.dump(report, f, indent=2)
        _settle(report, {candidate: path})
    return path


def calibration_pictures(translator, data_dir, count=128):
    """``{direction: uint8 pictures}``: ``count`` training inputs of each direction, evenly spaced
    over the file order (summer2winter's names are dates), from the image folder of the
    translator's dataset (its card's), to calibrate int8 on real pictures."""
    from keras_gans import data

    dataset = translator.metadata.get("dataset")
    if not dataset:
        raise UsageError(f"{translator.name}'s card names no dataset, so {data_dir} cannot be read for calibration; "
                         "export a zoo entry or preset, or drop --calibration_data.")
    inputs = data.translation_inputs(dataset, data_dir, "train", image_size=translator.image_shape[0])
    picked = {}
    for direction in translator.directions:
        pictures = inputs[direction]
        if len(pictures) < count:
            raise UsageError(f"{data_dir} has {len(pictures)} training inputs for {direction}, fewer than the {count} "
                             "int8 calibration takes; lower --static_batch or drop --calibration_data.")
        picked[direction] = pictures[np.linspace(0, len(pictures) - 1, count).astype(int)]
    return picked


def convert_to_tflite(generator, quantize="none", static_batch=None, calibration=None):
    """TFLite flatbuffer bytes of a generator's ``serving_default`` signature (a translator's
    direction signatures), builtin ops only. ``calibration``: a translator's int8 calibration
    pictures (`calibration_pictures`); without them, fixed synthetic pictures."""
    import tensorflow as tf

    if quantize not in QUANTIZATIONS:
        raise UsageError(f"Unknown quantization {quantize!r}. Known: {', '.join(QUANTIZATIONS)}.")
    if _is_translator(generator):
        archive = translation_archive(generator, static_batch=static_batch, check_inputs=False,
                                      for_int8=quantize == "int8")
        signatures = list(generator.directions)
    else:
        archive = export_archive(
            generator, static_batch=static_batch, check_inputs=False, with_sample=False, for_int8=quantize == "int8"
        )
        signatures = ["serving_default"]
    with tempfile.TemporaryDirectory() as scratch:
        archive.write_out(scratch, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(scratch, signature_keys=signatures)
        # No SELECT_TF_OPS: a graph that needs a Flex op fails to convert instead of shipping it.
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        if quantize != "none":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if quantize == "float16":
            converter.target_spec.supported_types = [tf.float16]
        if quantize == "int8":
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8, tf.lite.OpsSet.TFLITE_BUILTINS]
            converter.representative_dataset = lambda: _representative_inputs(generator, static_batch, calibration)
        try:
            content = converter.convert()
        except Exception as error:  # the converter's errors are long; keep the cause
            raise UsageError(f"TFLite conversion ({quantize}) failed with builtin ops only: {error}") from error
    _check_builtin_ops(content)
    return content


def _representative_inputs(generator, static_batch, calibration=None):
    batch = static_batch or 16
    if _is_translator(generator) and calibration:
        for direction, pictures in calibration.items():  # `calibration_pictures` picked 8 whole batches
            for start in range(0, len(pictures), batch):
                yield direction, {"images": pictures[start:start + batch]}
        return
    if _is_translator(generator):
        for step in range(8):
            pictures = parity_pictures(generator, batch, seed=1000 + step)
            for direction in generator.directions:
                yield direction, {"images": pictures}
        return
    for step in range(20):
        z = generator.latents(batch, seed=1000 + step)
        inputs = {"z": z}
        if generator.num_classes:
            inputs["label"] = (np.arange(batch) % generator.num_classes).astype(np.int32)
        yield inputs


def _check_builtin_ops(content):
    from ai_edge_litert.interpreter import Interpreter

    ops = {op["op_name"] for op in Interpreter(model_content=content)._get_ops_details()}
    flex = sorted(op for op in ops if op.startswith("Flex") or op == "CUSTOM")
    if flex:
        raise UsageError(f"The TFLite model needs non-builtin ops {flex}; it would not run with builtin kernels.")


def export_tflite(model, out, quantize="none", static_batch=None, name=None, calibration_data=None):
    """Writes ``out/tflite/<name>_<quantize>.tflite`` and its JSON; returns the .tflite path.
    ``calibration_data``: a translator's image folder, whose training inputs calibrate int8."""
    from keras_gans.lite import LiteGenerator, LiteTranslator

    if static_batch is not None:
        check_integer(static_batch, "--static_batch", minimum=1)
    generator = _generator(model)
    name = check_name(name or generator.name, "the model name")
    calibration = None
    if calibration_data and quantize == "int8":
        if not _is_translator(generator):
            raise UsageError("--calibration_data is for translators; an int8 generator calibrates on its latents.")
        calibration = calibration_pictures(generator, calibration_data, count=8 * (static_batch or 16))
    content = convert_to_tflite(generator, quantize, static_batch, calibration)  # before anything is written
    folder = os.path.join(out, "tflite")
    os.makedirs(folder, exist_ok=True)
    stem = os.path.join(folder, f"{name}_{quantize}{f'_batch{static_batch}' if static_batch else ''}")
    # Written and checked as <stem>.unchecked.*, then moved into place or aside (`_settle`).
    path, sidecar_path = f"{stem}.unchecked.tflite", f"{stem}.unchecked.json"
    with _candidates(path, sidecar_path):
        sidecar = {"model_card": _model_card(generator), "quantize": quantize, "static_batch": static_batch}
        if quantize == "int8":
            sidecar["calibration"] = (f"{sum(map(len, calibration.values()))} training inputs from {calibration_data}"
                                      if calibration else "fixed synthetic inputs")
        # The card goes first: LiteGenerator reads the classes from it.
        with files.atomic_write(sidecar_path) as temporary, open(temporary, "w") as f:
            json.dump(sidecar, f, indent=2)
        with files.atomic_write(path) as temporary, open(temporary, "wb") as f:
            f.write(content)
        if _is_translator(generator):
            lite = LiteTranslator(path)
            sidecar["parity"] = translation_parity_report(generator, lite.translate, quantize)
        else:
            z, labels = parity_batch(generator)
            sidecar["parity"] = parity_report(generator, LiteGenerator(path).generate(z, labels), quantize, labels)
        sidecar["size_bytes"] = os.path.getsize(path)
        with files.atomic_write(sidecar_path) as temporary, open(temporary, "w") as f:
            json.dump(sidecar, f, indent=2)
        _settle(sidecar["parity"], {path: f"{stem}.tflite", sidecar_path: f"{stem}.json"})
    return f"{stem}.tflite"


def export_all(generator, out, formats, quantizations, version=1, static_batch=None, name=None, calibration_data=None):
    """Each format (and TFLite quantization) in turn, printing each path; one that misses its parity
    target is set aside and reported, and the others are still made. Returns how many missed. Any
    other error (bad input, a conversion the converter refuses) stops here, as the CLI reports it."""
    exports = []
    if "saved_model" in formats:
        exports.append(("SavedModel", lambda: export_saved_model(generator, out, version, name)))
    if "tflite" in formats:
        exports += [("TFLite", lambda quantize=quantize: export_tflite(generator, out, quantize, static_batch, name,
                                                                      calibration_data)) for quantize in quantizations]
    missed = 0
    for kind, make in exports:
        try:
            print(f"{kind}:", make())
        except ParityError as error:
            print(f"error: {error}", file=sys.stderr)
            missed += 1
    return missed


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_string("model", None, "Zoo name, preset folder, .keras file or training logdir.")
    flags.DEFINE_string("out", "exported", "Output folder.")
    flags.DEFINE_list("formats", ["saved_model", "tflite"], "saved_model and/or tflite.")
    flags.DEFINE_integer("version", 1, "SavedModel version folder (TF Serving).")
    flags.DEFINE_list("quantize", ["none"], "TFLite variants: none, float16, dynamic, int8.")
    flags.DEFINE_integer("static_batch", None, "Fixed TFLite batch size, for delegates that need one.")
    flags.DEFINE_string("name", None, "Model name in the output (default: the generator's).")
    flags.DEFINE_string("calibration_data", None, "A translator's image folder (e.g. ../shared/data/facades): int8 "
                        "calibrates on its training inputs rather than on synthetic pictures.")
    flags.mark_flag_as_required("model")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    try:
        unknown = [f for f in flags.FLAGS.formats if f not in FORMATS]
        unknown += [q for q in flags.FLAGS.quantize if q not in QUANTIZATIONS]
        if unknown:
            raise UsageError(f"Unknown format or quantization {unknown}: formats {FORMATS}, quantizations {QUANTIZATIONS}.")
        # Checked before the (slow) load, so a typo costs nothing.
        check_integer(flags.FLAGS.version, "--version", minimum=0)
        if flags.FLAGS.static_batch is not None:
            check_integer(flags.FLAGS.static_batch, "--static_batch", minimum=1)
        if flags.FLAGS.name is not None:
            check_name(flags.FLAGS.name, "--name")
        if flags.FLAGS.calibration_data and "int8" not in flags.FLAGS.quantize:
            raise UsageError("--calibration_data calibrates the int8 TFLite file: add int8 to --quantize, or drop it.")
        generator = _generator(flags.FLAGS.model)
        missed = export_all(generator, flags.FLAGS.out, flags.FLAGS.formats, flags.FLAGS.quantize, flags.FLAGS.version,
                            flags.FLAGS.static_batch, flags.FLAGS.name, flags.FLAGS.calibration_data)
    except KerasGansError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 1 if missed else 0


if __name__ == "__main__":
    define_flags()
    app.run(main)
