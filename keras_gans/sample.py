"""Sample a PNG grid from a pretrained generator:

    python -m keras_gans.sample --model=cgan_fashion --labels=Sneaker,Bag --n=16 --seed=0 --out=grid.png

``--model`` is a zoo name or a preset folder. Without ``--labels`` a conditional model writes a
class sweep (one row per class); ``--labels`` takes class names or indices, one for all samples or
one per sample.
"""

import sys

from absl import app, flags

from keras_gans.errors import UsageError


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_string("model", "cgan_fashion", "Zoo entry name or preset folder.")
    flags.DEFINE_list("labels", None, "Class names or indices (conditional models).")
    flags.DEFINE_integer("n", None, "Number of samples (default: a class sweep, or 64).")
    flags.DEFINE_integer("seed", 0, "Seed of the latents: the same seed gives the same images.")
    flags.DEFINE_integer("rows", None, "Rows of the grid (default: about square).")
    flags.DEFINE_string("out", "samples.png", "Output PNG.")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    from keras_gans import zoo

    try:
        generator = zoo.load(flags.FLAGS.model)
        labels = [int(v) if v.isdigit() else v for v in flags.FLAGS.labels] if flags.FLAGS.labels else None
        if labels is None and flags.FLAGS.n is None:
            path = generator.save_grid(flags.FLAGS.out, seed=flags.FLAGS.seed)
        else:
            n = flags.FLAGS.n or len(labels)
            if labels is not None and len(labels) == 1:
                labels = labels[0]
            samples = generator.sample(n, labels=labels, seed=flags.FLAGS.seed)
            path = generator.save_grid(flags.FLAGS.out, samples, rows=flags.FLAGS.rows)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({generator.name}; synthetic images)")
    return 0


if __name__ == "__main__":
    define_flags()
    app.run(main)
