"""Where the first steps of pix2pix and CycleGAN training go, and their steady speed on this CPU:

    python benchmarks/translation_speed.py --facades=../shared/data/facades \
        --summer2winter=../shared/data/summer2winter_yosemite_subset [--sizes=128,256 --steps=10]

For each family and image size it prints, in seconds: opening the source (PIL reads every file to
check it), the first pass over the training split (JPEG decoding and resizing) and a second pass
(read from the cache), building and compiling the networks, the first training step (tracing the
train step into a graph) and the steady rate in images per second over ``--steps`` further steps,
at the papers' widths (64) and batch size 1, with the papers' random jitter.
"""

import time

import numpy as np
from absl import app, flags

from keras_gans import data, models, train

_FACADES = flags.DEFINE_string("facades", "../shared/data/facades", "pix2pix's facades folder.")
_SUMMER2WINTER = flags.DEFINE_string("summer2winter", "../shared/data/summer2winter_yosemite_subset",
                                     "CycleGAN's summer2winter folder.")
_SIZES = flags.DEFINE_list("sizes", ["128", "256"], "Image sides to measure.")
_FAMILIES = flags.DEFINE_list("families", ["pix2pix", "cyclegan"], "Families to measure.")
_STEPS = flags.DEFINE_integer("steps", 10, "Steady-state steps after the first.")
_BATCH_SIZE = flags.DEFINE_integer("batch_size", 1, "Images per step (1 in both papers).")
_WIDTH = flags.DEFINE_integer("width", 64, "Base filters (64 in both papers).")


def seconds(function):
    """(seconds ``function()`` took, its result)."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def measure(family_name, dataset, data_dir, side):
    timings = {}
    timings["open"], source = seconds(lambda: data.load_source(dataset, data_dir, split="train", image_size=side))
    pipeline = data.make_pipeline(source, _BATCH_SIZE.value, seed=0, repeat=False, jitter=True)
    for name in ("decode_pass", "cached_pass"):
        timings[name], _ = seconds(lambda: sum(1 for _ in pipeline))
    family = models.get(family_name)

    def build():
        gan = family.from_hparams(source.image_shape, 0, seed=0, width=_WIDTH.value)
        gan.compile(train.make_optimizer("adam", 2e-4, 0.5, 0.999), train.make_optimizer("adam", 2e-4, 0.5, 0.999))
        return gan

    timings["build"], gan = seconds(build)
    batches = data.make_pipeline(source, _BATCH_SIZE.value, seed=0, repeat=True, jitter=True)
    timings["first_step"], _ = seconds(lambda: gan.fit(batches, epochs=1, steps_per_epoch=1, verbose=0))
    steady, _ = seconds(lambda: gan.fit(batches, epochs=1, steps_per_epoch=_STEPS.value, verbose=0))
    timings["images_per_second"] = _STEPS.value * _BATCH_SIZE.value / steady
    parameters = sum(int(np.prod(w.shape)) for w in gan.trainable_weights)
    print(f"{family_name:9s} {side:4d}px  open {timings['open']:5.1f}  decode pass {timings['decode_pass']:5.1f}  "
          f"cached pass {timings['cached_pass']:5.1f}  build {timings['build']:5.1f}  first step "
          f"{timings['first_step']:5.1f}  steady {timings['images_per_second']:5.2f} images/s  "
          f"(networks {parameters / 1e6:.1f}M parameters; {source.num_examples} training examples)", flush=True)


def main(argv):
    del argv
    folders = {"pix2pix": ("facades", _FACADES.value), "cyclegan": ("summer2winter", _SUMMER2WINTER.value)}
    for family_name in _FAMILIES.value:
        for side in _SIZES.value:
            measure(family_name, *folders[family_name], int(side))


if __name__ == "__main__":
    app.run(main)
