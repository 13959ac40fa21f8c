"""Sampling streams: peak memory stays flat in the number of samples, in Keras and in TFLite, and
batching never changes what a seed gives."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import build_family
from keras_gans import export, sampling, zoo

# Peak RSS (MiB) after streaming n samples through a generator, in a fresh process.
# VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec.
PEAK_MEMORY = """
import sys
import numpy as np
kind, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "keras":
    from keras_gans import zoo
    generator = zoo.load(path)
else:
    from keras_gans.lite import LiteGenerator
    generator = LiteGenerator(path)
count = 0
for batch in generator.sample_batches(n, seed=0):
    count += len(batch)
assert count == n
peak_kib = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak_kib / 1024)
"""


@pytest.fixture(scope="module")
def wide_latent_generator(tmp_path_factory):
    """A tiny unconditional generator with a 256-wide z: all the latents of 100k samples at once
    would take 100 MiB (float32), all its float images 300 MiB."""
    gan = build_family("dcgan", num_classes=0, latent_dim=256, width=4)
    generator = zoo.Generator(gan.generator, {"name": "wide_z"})
    out = tmp_path_factory.mktemp("wide")
    preset = zoo.save_to_preset(generator, str(out / "preset"))
    return generator, preset, export.export_tflite(generator, str(out))


def _peak_mib(kind, path, n):
    result = subprocess.run([sys.executable, "-c", PEAK_MEMORY, kind, path, str(n)], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return float(result.stdout.split()[-1])


@pytest.mark.parametrize("kind", ["keras", "tflite"])
def test_peak_memory_is_flat_in_the_number_of_samples(wide_latent_generator, kind):
    _, preset, tflite = wide_latent_generator
    path = preset if kind == "keras" else tflite
    small, large = _peak_mib(kind, path, 1_000), _peak_mib(kind, path, 100_000)
    assert large - small < 50, (small, large)


def test_batches_give_what_one_call_gives(wide_latent_generator):
    generator, _, _ = wide_latent_generator
    n = sampling.LATENT_CHUNK + 300  # across a chunk boundary
    whole = generator.sample(n, seed=5, batch_size=n).astype(int)
    # The same latents, to within a uint8 level: the CPU's kernels block a batch by its size, so a
    # float can land a rounding step apart (CI once saw 1 pixel in 1M at 127 against 128).
    for batched in (generator.sample(n, seed=5, batch_size=7),
                    np.concatenate(list(generator.sample_batches(n, seed=5, batch_size=100)))):
        difference = np.abs(whole - batched.astype(int))
        assert difference.max() <= 1 and np.mean(difference > 0) < 1e-4
    # Untruncated latents are one draw of the seed's stream however they are chunked.
    np.testing.assert_array_equal(
        generator.latents(n, seed=5),
        np.random.default_rng(5).standard_normal((n, generator.latent_dim)).astype(np.float32),
    )


def test_truncation_is_bounded_and_fast_at_its_smallest(wide_latent_generator):
    generator, _, _ = wide_latent_generator
    z = generator.latents(2_000, seed=0, truncation=sampling.MIN_TRUNCATION)
    assert np.abs(z).max() <= sampling.MIN_TRUNCATION


def test_per_sample_codes_follow_their_samples_across_chunks():
    layout = {"categorical": 10, "continuous": 2}
    n = sampling.LATENT_CHUNK + 5
    categories = np.arange(n) % 10
    continuous = np.linspace(-0.9, 0.9, 2 * n).reshape(n, 2)
    z = np.zeros((n, 16), np.float32)
    whole = sampling.set_codes(z, layout, {"category": categories, "continuous": continuous})
    split = np.concatenate([
        sampling.set_codes(z[:sampling.LATENT_CHUNK], layout, {"category": categories, "continuous": continuous}, "g",
                           0, n),
        sampling.set_codes(z[sampling.LATENT_CHUNK:], layout, {"category": categories, "continuous": continuous}, "g",
                           sampling.LATENT_CHUNK, n),
    ])
    np.testing.assert_array_equal(whole, split)
