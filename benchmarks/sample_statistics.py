"""Pixel-level statistics of a generator's samples beside the real test images: the mean power
spectrum by radial frequency (transposed-convolution checkerboards show up as excess power at high
frequencies: Odena et al. 2016, "Deconvolution and Checkerboard Artifacts") and the share of pure
black and pure white pixels (a tanh output rarely saturates).

    python benchmarks/sample_statistics.py --model=cgan_fashion --data_dir=../shared/data/fashion_mnist

``--model`` is a zoo name, preset folder, .keras file or training logdir. Samples are quantised to
uint8 as users get them; requested labels are balanced over the classes.
"""

import sys

import numpy as np
from absl import app, flags

from keras_gans import data, zoo
from keras_gans.errors import UsageError
from keras_gans.metrics import classifier, evaluation

_MODEL = flags.DEFINE_string("model", "cgan_fashion", "Zoo name, preset folder, .keras file or logdir.")
_DATASET = flags.DEFINE_string("dataset", None, "Real data to compare with; default the model card's dataset.")
_DATA_DIR = flags.DEFINE_string("data_dir", None, "Its IDX folder or TFDS data_dir.")
_NUM = flags.DEFINE_integer("num_samples", 10000, "Generated samples.")


def radial_power(images):
    """Mean power spectrum of ``[n, H, W, C]`` images (each image's mean removed), averaged over
    channels and over frequencies of the same rounded radius; index i is radius i (0 is the removed
    mean)."""
    centred = images - images.mean(axis=(1, 2), keepdims=True)
    power = np.mean(np.abs(np.fft.fft2(centred, axes=(1, 2))) ** 2, axis=(0, 3))
    ky = np.fft.fftfreq(power.shape[0]) * power.shape[0]
    kx = np.fft.fftfreq(power.shape[1]) * power.shape[1]
    radius = np.rint(np.hypot(ky[:, None], kx[None, :])).astype(int)
    return np.bincount(radius.ravel(), power.ravel()) / np.bincount(radius.ravel())


def main(argv):
    del argv
    try:
        generator = zoo.load(_MODEL.value)
        dataset = _DATASET.value or generator.metadata.get("dataset")
        if not dataset:
            raise UsageError(f"{_MODEL.value} does not say which data it was trained on: pass --dataset.")
        real = data.to_uint8(classifier.load_split(dataset, _DATA_DIR.value, "test")[0])
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    fake = data.to_uint8(np.concatenate(
        [batch for batch, _ in evaluation.sample_batches(generator.keras_model, _NUM.value, generator.num_classes)]
    ))
    ratio = (radial_power(fake.astype(np.float32)) / radial_power(real.astype(np.float32)))[1:]
    print(f"{_MODEL.value}: {len(fake)} samples against {len(real)} {dataset} test images")
    print("| radial frequency | " + " | ".join(str(i) for i in range(1, len(ratio) + 1)) + " |")
    print("|---" * (len(ratio) + 1) + "|")
    print("| power, samples / real | " + " | ".join(f"{r:.2f}" for r in ratio) + " |")
    for name, value in (("pure black (0)", 0), ("pure white (255)", 255)):
        print(f"{name} pixels: real {np.mean(real == value):.4f}, samples {np.mean(fake == value):.4f}")
    return 0

if __name__ == "__main__":
    app.run(main)
