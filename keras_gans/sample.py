"""Sample a PNG grid from a pretrained generator:

    python -m keras_gans.sample --model=cgan_fashion --labels=Sneaker,Bag --n=16 --seed=0 --out=grid.png

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
    flags.DEFINE_string("out", "samples.png", "Output PNG.")


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


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    f = flags.FLAGS
    try:
        _check_flags(f)
        labels = _parse_labels(f.labels)
        generator = _load(f.backend, f.model)
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
