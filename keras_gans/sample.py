"""Sample a PNG grid from a pretrained generator:

    python -m keras_gans.sample --model=cgan_fashion --labels=Sneaker,Bag --n=16 --seed=0 --out=grid.png

or translate pictures with an image-to-image one (pix2pix, CycleGAN), one PNG per picture:

    python -m keras_gans.sample --model=cyclegan_summer2winter --input=photos/ --direction=a_to_b --out=winter/

``--model`` is a zoo name, a preset folder, a ``.keras`` file or a training logdir. Without ``--labels`` a conditional model writes a
class sweep (one row per class); ``--labels`` takes class names or indices, one for all samples or
one per sample. ``--backend=tflite`` samples a ``.tflite`` file from `keras_gans.export` through
LiteRT without importing TensorFlow, which takes most of the keras backend's start-up time:

    python -m keras_gans.sample --backend=tflite --model=exported/tflite/cgan_fashion_none.tflite --n=16 --out=grid.png
"""

import os
import re
import sys

from absl import app, flags

from keras_gans.errors import KerasGansError, UsageError, check_integer
from keras_gans.translating import DIRECTIONS, Translating


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_enum("backend", "keras", ["keras", "tflite"], "keras: TensorFlow; tflite: LiteRT only (fast start).")
    flags.DEFINE_string("model", "cgan_fashion", "Zoo name, preset folder, .keras file or training logdir; "
                        "with --backend=tflite, a .tflite file.")
    flags.DEFINE_list("labels", None, "Class names or indices (conditional models).")
    flags.DEFINE_integer("n", None, "Number of samples (default: a class sweep, or 64).")
    flags.DEFINE_integer("seed", 0, "Seed of the latents: the same seed gives the same images.")
    flags.DEFINE_integer("rows", None, "Rows of the grid (default: about square).")
    flags.DEFINE_string("out", "samples.png", "Output PNG; with --input, the output folder.")
    flags.DEFINE_string("input", None, "Image file or folder to translate (pix2pix and CycleGAN models).")
    flags.DEFINE_enum("direction", "a_to_b", list(DIRECTIONS), "Which way to translate (CycleGAN: both ways).")


def _parse_labels(values):
    """Class indices from integer strings, class names otherwise; one label stands for all samples."""
    if not values:
        return None
    labels = [int(v) if re.fullmatch(r"-?\d+", v) else v for v in values]
    return labels[0] if len(labels) == 1 else labels


def _check_flags(f):
    """Checks what needs no model, before the model loads."""
    if f.n is not None:
        check_integer(f.n, "--n", minimum=1)
    if f.rows is not None:
        check_integer(f.rows, "--rows", minimum=1)
    if f.input is not None:
        if f.out.lower().endswith(".png"):
            raise UsageError(f"--out={f.out}: with --input, --out names a folder for the translations.")
        parent = os.path.dirname(os.path.abspath(f.out))
        if not os.path.isdir(parent):
            raise UsageError(f"--out={f.out}: the folder {parent} does not exist; create it first.")
        return
    if not f.out.lower().endswith(".png"):
        raise UsageError(f"--out={f.out} must name a .png file.")
    folder = os.path.dirname(os.path.abspath(f.out))
    if not os.path.isdir(folder):
        raise UsageError(f"--out={f.out}: the folder {folder} does not exist; create it first.")


def _load(backend, model):
    # Imported here: the tflite backend must never import TensorFlow (the zoo does).
    if backend == "tflite":
        from keras_gans.lite import LiteGenerator

        return LiteGenerator(model)
    from keras_gans import zoo

    return zoo.load(model)


def translate_files(translator, inputs, direction, out):
    """Translates the picture file(s) ``inputs`` names into folder ``out`` (made if missing), one PNG
    each, ``<name>_<direction>.png``, with text chunks saying what it is; returns their paths."""
    from keras_gans import images, translating

    paths = translating.image_paths(inputs)
    stems = [os.path.splitext(os.path.basename(path))[0] for path in paths]
    if len(set(stems)) < len(stems):  # a.jpg and a.png: keep the extension in the name
        stems = [os.path.basename(path).replace(".", "_") for path in paths]
    written = []
    for start in range(0, len(paths), translator.batch_size):  # a batch at a time: memory stays flat
        chunk = slice(start, start + translator.batch_size)
        translations = translator.translate(paths[chunk], direction)
        os.makedirs(out, exist_ok=True)  # once there is something to write: a bad first file leaves nothing
        for path, stem, translated in zip(paths[chunk], stems[chunk], translations):
            written.append(os.path.join(out, f"{stem}_{direction}.png"))
            images.save_png(written[-1], translated, Model=translator.name, Direction=direction,
                            Input=os.path.basename(path), Note=translator.metadata.get("note", ""))
    return written


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    f = flags.FLAGS
    try:
        _check_flags(f)
        labels = _parse_labels(f.labels)
        generator = _load(f.backend, f.model)
        translates = isinstance(generator, Translating)
        if translates != (f.input is not None):
            raise UsageError(
                f"{generator.name} translates pictures: pass --input=FILE_OR_FOLDER and --out=FOLDER." if translates
                else f"{generator.name} samples from noise and takes no --input; pass a pix2pix or CycleGAN model "
                     "to translate pictures.")
        if translates:
            written = translate_files(generator, f.input, f.direction, f.out)
            print(f"wrote {len(written)} translations ({generator.name}, {f.direction}; synthetic) to {f.out}")
            return 0
        if labels is None and f.n is None:
            path = generator.save_grid(f.out, seed=f.seed)
        else:
            n = f.n or (len(labels) if isinstance(labels, list) else 1)
            samples = generator.sample(n, labels=labels, seed=f.seed)
            path = generator.save_grid(f.out, samples, rows=f.rows)
    except KerasGansError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({generator.name}; synthetic images)")
    return 0


if __name__ == "__main__":
    define_flags()
    app.run(main)
