"""Sample a PNG grid from a pretrained generator:

    python -m keras_gans.sample --model=cgan_fashion --labels=Sneaker,Bag --n=16 --seed=0 --out=grid.png

``--model`` is a zoo name or a preset folder. Without ``--labels`` a conditional model writes a
class sweep (one row per class); ``--labels`` takes class names or indices, one for all samples or
one per sample.
"""

import sys

from absl import app, flags

from keras_gans.errors import UsageError

_MODEL = flags.DEFINE_string("model", "cgan_fashion", "Zoo entry name or preset folder.")
_LABELS = flags.DEFINE_list("labels", None, "Class names or indices (conditional models).")
_N = flags.DEFINE_integer("n", None, "Number of samples (default: a class sweep, or 64).")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the latents: the same seed gives the same images.")
_ROWS = flags.DEFINE_integer("rows", None, "Rows of the grid (default: about square).")
_OUT = flags.DEFINE_string("out", "samples.png", "Output PNG.")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    from keras_gans import zoo

    try:
        generator = zoo.load(_MODEL.value)
        labels = [int(v) if v.isdigit() else v for v in _LABELS.value] if _LABELS.value else None
        if labels is None and _N.value is None:
            path = generator.save_grid(_OUT.value, seed=_SEED.value)
        else:
            n = _N.value or len(labels)
            if labels is not None and len(labels) == 1:
                labels = labels[0]
            samples = generator.sample(n, labels=labels, seed=_SEED.value)
            path = generator.save_grid(_OUT.value, samples, rows=_ROWS.value)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({generator.name}; synthetic images)")
    return 0


if __name__ == "__main__":
    app.run(main)
