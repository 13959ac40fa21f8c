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
    flags.DEFINE_string("out", None, "Output PNG (default samples.png); with --input, the output folder "
                        "(default translations/).")
    flags.DEFINE_string("input", None, "Image file or folder to translate (pix2pix and CycleGAN models).")
    flags.DEFINE_enum("direction", "a_to_b", list(DIRECTIONS), "Which way to translate (CycleGAN: both ways).")


def _parse_labels(values):
    """Class indices from integer strings, class names otherwise; one label stands for all samples."""
    if not values:
        return None
    labels = [int(v) if re.fullmatch(r"-?\d+", v) else v for v in values]
    return labels[0] if len(labels) == 1 else labels


def _check_flags(f):
    """Checks what needs no model, before the model loads; fills in --out's default."""
    if f.n is not None:
        check_integer(f.n, "--n", minimum=1)
    if f.rows is not None:
        check_integer(f.rows, "--rows", minimum=1)
    if f.input is not None:
        ignored = [f"--{name}" for name in ("labels", "n", "rows", "seed") if flags.FLAGS[name].present]
        if ignored:
            raise UsageError(f"{', '.join(ignored)} sample from noise and mean nothing with --input; drop them.")
        f.out = f.out or "translations"
        if f.out.lower().endswith(".png") or os.path.isfile(f.out):
            raise UsageError(f"--out={f.out}: with --input, --out names a folder for the translations.")
        if os.path.isdir(f.input) and os.path.isdir(f.out) and os.path.samefile(f.input, f.out):
            raise UsageError(f"--out={f.out} is the --input folder: the translations would mix with the pictures; "
                             "choose another folder.")
        parent = os.path.dirname(os.path.abspath(f.out))
    else:
        f.out = f.out or "samples.png"
        if not f.out.lower().endswith(".png"):
            raise UsageError(f"--out={f.out} must name a .png file.")
        parent = os.path.dirname(os.path.abspath(f.out))
    if not os.path.isdir(parent):
        raise UsageError(f"--out={f.out}: the folder {parent} does not exist; create it first.")


def _load(backend, model, translates):
    # Imported here: the tflite backend must never import TensorFlow (the zoo does).
    if backend == "tflite":
        from keras_gans.lite import LiteGenerator, LiteTranslator

        return (LiteTranslator if translates else LiteGenerator)(model)
    from keras_gans import zoo

    return zoo.load(model)


def output_names(paths, direction):
    """``<name>_<direction>.png`` for each picture, unique even where file systems ignore case
    (``a.png`` and ``A.jpg``): the extension joins the name where stems clash, then a counter."""
    stems = [os.path.splitext(os.path.basename(path))[0] for path in paths]
    clashing = {stem.casefold() for stem in stems if [s.casefold() for s in stems].count(stem.casefold()) > 1}
    names, taken = [], set()
    for path, stem in zip(paths, stems):
        base = os.path.basename(path).replace(".", "_") if stem.casefold() in clashing else stem
        name, count = f"{base}_{direction}.png", 1
        while name.casefold() in taken:
            count += 1
            name = f"{base}_{count}_{direction}.png"
        taken.add(name.casefold())
        names.append(name)
    return names


def translate_files(translator, inputs, direction, out):
    """Translates the picture file(s) ``inputs`` names into folder ``out`` (made if missing), one PNG
    each (`output_names`), with text chunks saying what it is; returns their paths. Files already
    there are never overwritten."""
    from keras_gans import images, translating

    paths = translating.image_paths(inputs)
    targets = [os.path.join(out, name) for name in output_names(paths, direction)]
    existing = [target for target in targets if os.path.exists(target)]
    if existing:
        raise UsageError(f"{existing[0]} exists ({len(existing)} of the outputs do): choose another --out or move "
                         "them away; nothing was overwritten.")
    written = []
    for start in range(0, len(paths), translator.batch_size):  # a batch at a time: memory stays flat
        chunk = slice(start, start + translator.batch_size)
        translations = translator.translate(paths[chunk], direction)
        os.makedirs(out, exist_ok=True)  # once there is something to write: a bad first file leaves nothing
        for path, target, translated in zip(paths[chunk], targets[chunk], translations):
            images.save_png(target, translated, Model=translator.name, Direction=direction, Input=os.path.basename(path),
                            Source=translator.source, Note=translator.metadata.get("note", translating.TRANSLATION_NOTE))
            written.append(target)
    return written


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    f = flags.FLAGS
    try:
        _check_flags(f)
        labels = _parse_labels(f.labels)
        generator = _load(f.backend, f.model, translates=f.input is not None)
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
