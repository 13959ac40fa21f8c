"""The model references every entry point takes (`zoo.load`, and the sample, evaluate and export
commands): a zoo name, a preset folder (or a URL of one with its sha256), a ``.keras`` file, or a
training logdir holding ``generator.keras``."""

import json
import os
import zipfile

from keras_gans.errors import UsageError, first_line
from keras_gans.zoo import presets, translator
from keras_gans.zoo.generator import Generator

RUN_GENERATOR = "generator.keras"
RUN_GENERATOR_BA = "generator_ba.keras"  # a CycleGAN run's b -> a generator


def load(reference, sha256=None, verify=True):
    """A `Generator` (a `Translator` for pix2pix and CycleGAN) from any model reference.
    ``sha256`` and ``verify``: see `presets.load`."""
    if not isinstance(reference, str) or not reference.strip():
        raise UsageError(f"A model reference is a zoo name, a preset folder, a .keras file or a training logdir; "
                         f"got {reference!r}.")
    if reference.endswith(".keras"):
        return _saved_generator(reference, os.path.dirname(reference))
    is_preset = os.path.isfile(os.path.join(reference, presets.METADATA_FILE))
    if os.path.isdir(reference) and not is_preset:
        model_path = os.path.join(reference, RUN_GENERATOR)
        if os.path.isfile(model_path):
            return _saved_generator(model_path, reference)
        if os.path.isfile(os.path.join(reference, "config.json")):
            raise UsageError(f"{reference} is a training run without {RUN_GENERATOR} yet: let it finish, or "
                             f"continue it with python -m keras_gans.train --resume --logdir={reference}.")
    return presets.load(reference, sha256=sha256, verify=verify)


def _saved_generator(path, run_folder):
    """A `Generator` of a ``.keras`` file, with the card of the training run it sits in; a
    conditional one without a run takes its class count from its label embedding. A CycleGAN run's
    ``generator.keras`` comes with the ``generator_ba.keras`` beside it."""
    model, card = load_keras_model(path), run_card(run_folder)
    back = os.path.join(run_folder, RUN_GENERATOR_BA)
    if translator.is_translation(model):
        if os.path.basename(path) == RUN_GENERATOR_BA:
            raise UsageError(f"{path} is a CycleGAN's b -> a generator: load its training logdir {run_folder}, "
                             "which pairs it with generator.keras (a -> b).")
        if os.path.basename(path) == RUN_GENERATOR and os.path.isfile(back):
            model = translator.translation_model(model, load_keras_model(back))
        return translator.Translator(model, card)
    if len(model.inputs) > 1 and not card.get("num_classes"):
        sizes = set(presets.label_embedding_sizes(model))
        if len(sizes) != 1:
            raise UsageError(f"{path} is conditional, but how many classes it takes is unknown: keep it in its "
                             "training logdir (config.json says the dataset), or publish it as a preset.")
        card["num_classes"] = sizes.pop()
    return Generator(model, card)


def load_keras_model(path):
    """A Keras model from a ``.keras`` file in safe mode; a file Keras cannot read is one line."""
    import keras

    from keras_gans import layers, mixture  # noqa: F401 - registers the layers a generator may hold

    if not os.path.isfile(path):
        raise UsageError(f"No .keras file at {path}: pass a zoo name, a preset folder, a .keras file or a training "
                         "logdir.")
    if not zipfile.is_zipfile(path):
        raise UsageError(f"{path} is not a complete .keras file (not a zip archive): it was cut short or is "
                         "another kind of file; save or train it again.")
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as error:  # Keras raises many kinds for one cause: the file does not hold a usable model
        raise UsageError(f"{path} cannot be loaded as a keras_gans generator: {first_line(error)}") from None


def run_card(folder):
    """A minimal model card from a training run's config.json and its data's class names."""
    path = os.path.join(folder, "config.json")
    if not os.path.isfile(path):
        return {}
    try:
        with open(path) as f:
            run = json.load(f)
        card = {"name": f"{run['model']}_{run['dataset']}", "family": run["model"], "dataset": run["dataset"]}
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(f"{path} is not a keras_gans training config ({first_line(error)}).") from None
    from keras_gans import data

    try:
        source = data.load_source(run["dataset"], data_dir=run.get("data_dir"), split="train", max_examples=1)
        card.update(class_names=list(source.class_names), num_classes=source.num_classes)
    except UsageError:
        pass  # the data moved: the card just lacks class names
    return card
