"""What an InfoGAN generator's latent codes control, measured (the numbers an infogan card's note
quotes):

    python benchmarks/infogan_codes.py --generator=runs/infogan_mnist --dataset=mnist

The categorical code: with the same noise in every category, the dataset's shipped classifier's
classes for each category, its majority class and the purity (the share of all samples that are
their category's majority class; Chen et al. 2016 match MNIST's categories to digits with 5% error).
Each continuous code, moved from -0.95 to 0.95 with everything else fixed: the share of samples
whose class changes, and the change in slant (-mu11 / mu02 of the ink: pixels of rightward shift per
pixel upward) and in width (the horizontal standard deviation of the ink, in pixels).
"""

import numpy as np
from absl import app, flags

from keras_gans import data, sampling, zoo
from keras_gans.metrics import classifier

_GENERATOR = flags.DEFINE_string("generator", None, "An InfoGAN zoo entry, preset folder or training logdir.")
_DATASET = flags.DEFINE_string("dataset", "mnist", "The dataset whose shipped classifier names the samples' classes.")
_PER_SETTING = flags.DEFINE_integer("per_setting", 1000, "Samples per category and per end of a continuous code.")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the latents.")
ENDS = sampling.CODE_SWEEP_ENDS  # as the card's grids


def classify(model, images):
    logits = model.predict(data.array_pipeline(data.to_float(images), batch_size=500), verbose=0)
    return np.argmax(logits, axis=1)


def slant_and_width(images):
    """Per image: the shear of the ink (-mu11 / mu02; positive leans right) and its horizontal
    standard deviation in pixels, from the central moments of the intensities."""
    ink = images[..., 0].astype(np.float64)
    rows, columns = np.mgrid[: ink.shape[1], : ink.shape[2]]
    mass = ink.sum((1, 2))
    mean_x, mean_y = ((ink * axis).sum((1, 2)) / mass for axis in (columns, rows))
    dx, dy = columns - mean_x[:, None, None], rows - mean_y[:, None, None]
    mu11, mu02, mu20 = ((ink * term).sum((1, 2)) / mass for term in (dx * dy, dy * dy, dx * dx))
    return -mu11 / mu02, np.sqrt(mu20)


def categorical_table(generator, model, n, seed):
    counts = np.stack([np.bincount(classify(model, generator.sample(n, seed=seed, codes={"category": k})),
                                   minlength=model.output_shape[-1])
                       for k in range(generator.latent_codes["categorical"])])
    lines = ["| category | majority class (share) | next (share) |", "|---|---|---|"]
    for k, row in enumerate(counts):
        first, second = np.argsort(row)[::-1][:2]
        lines.append(f"| {k} | {first} ({row[first] / n:.0%}) | {second} ({row[second] / n:.0%}) |")
    purity = counts.max(1).sum() / counts.sum()
    covered = len(set(counts.argmax(1)))
    return "\n".join(lines) + f"\n\npurity {purity:.3f}; {covered} distinct majority classes over {len(counts)} categories"


def continuous_table(generator, model, n, seed):
    lines = ["| code | class changes | slant change (mean ± sd) | width change, px (mean ± sd) |", "|---|---|---|---|"]
    num_codes = generator.latent_codes["continuous"]
    for code in range(num_codes):
        ends = []
        for value in ENDS:
            setting = [value if i == code else 0.0 for i in range(num_codes)]
            images = generator.sample(n, seed=seed, codes={"continuous": setting})
            ends.append((classify(model, images), *slant_and_width(images)))
        (class_a, slant_a, width_a), (class_b, slant_b, width_b) = ends
        slant, width = slant_b - slant_a, width_b - width_a
        lines.append(f"| {code} | {np.mean(class_a != class_b):.0%} | {slant.mean():+.3f} ± {slant.std():.3f} | "
                     f"{width.mean():+.2f} ± {width.std():.2f} |")
    return "\n".join(lines)


def main(argv):
    del argv
    generator = zoo.load(_GENERATOR.value)
    if not getattr(generator, "latent_codes", None):
        raise app.UsageError(f"{_GENERATOR.value} has no latent codes: give an InfoGAN generator.")
    model, _ = classifier.load_shipped(_DATASET.value)
    n, seed = _PER_SETTING.value, _SEED.value
    print(f"{generator.name}: {n} samples per setting, latent seed {seed}, classes by the shipped {_DATASET.value} classifier\n")
    print(categorical_table(generator, model, n, seed) + "\n")
    print(f"Continuous codes from {ENDS[0]} to {ENDS[1]}, the other continuous codes at 0, categories as drawn:\n")
    print(continuous_table(generator, model, n, seed))


if __name__ == "__main__":
    flags.mark_flag_as_required("generator")
    app.run(main)
