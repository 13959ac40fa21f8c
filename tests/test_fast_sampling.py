"""Fast sampling: compiled graphs, mixtures running each component on its own rows, the TensorFlow-free CLI."""

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import build_family
from keras_gans import data, export, mixture, zoo
from keras_gans.errors import UsageError
from keras_gans.lite import LiteGenerator

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def eager_images(generator, z, labels):
    """What `Generator` gave before it compiled: the whole Keras model called eagerly."""
    inputs = z if labels is None else [z, labels]
    return data.to_uint8(np.asarray(generator.keras_model(inputs, training=False)))


@pytest.fixture(scope="module")
def shipped():
    return {name: zoo.load(name) for name in ("cgan_fashion", "dcgan_mnist")}


@pytest.mark.parametrize("name", ["cgan_fashion", "dcgan_mnist"])
@pytest.mark.parametrize("n, batch_size", [(1, None), (3, None), (64, None), (300, None), (300, 300)])
def test_compiled_sampling_gives_the_eager_images(shipped, name, n, batch_size):
    # Batch 1 has its own graph; 300 runs as batches of 256 + 44, or as one batch of 300.
    generator = shipped[name]
    z = generator.latents(n, seed=n)
    labels = generator.labels(None, n)
    np.testing.assert_array_equal(generator.generate(z, labels, batch_size=batch_size), eager_images(generator, z, labels))


# Keras warns when an unconditional mixture (inputs [z]) is called on z alone, as `eager_images` does.
@pytest.mark.filterwarnings("ignore:The structure of `inputs` doesn't match")
@pytest.mark.parametrize("family, num_classes", [("cgan", 10), ("dcgan", 0)])
def test_a_mixture_runs_each_component_on_its_own_rows_only(family, num_classes):
    parts = [build_family(family, num_classes=num_classes, width=8).generator for _ in range(3)]
    metadata = {"name": "tiny_mixture", "num_classes": num_classes}
    generator = zoo.Generator(mixture.build_mixture(parts), metadata)
    z = generator.latents(40, seed=0)
    # Selectors on and just below the thresholds pick as the mixture's SelectComponent does.
    edges = np.float32(mixture.SelectComponent(3).thresholds)
    z[:4, -1] = np.concatenate([edges, np.nextafter(edges, np.float32(-np.inf))])
    labels = generator.labels(None, 40)
    np.testing.assert_array_equal(generator.generate(z, labels), eager_images(generator, z, labels))
    # Rows that all pick component 0 never run (or even trace) the others.
    only_first = generator.latents(5, seed=1)
    only_first[:, -1] = -3.0
    fresh = zoo.Generator(generator.keras_model, metadata)
    labels = fresh.labels(None, 5)
    np.testing.assert_array_equal(fresh.generate(only_first, labels), eager_images(fresh, only_first, labels))
    assert [bool(network._functions) for network in fresh._networks] == [True, False, False]


@pytest.fixture(scope="module")
def tflite_path(tmp_path_factory):
    gan = build_family("cgan", num_classes=10, width=8)
    generator = zoo.Generator(gan.generator, {"name": "tiny_cgan", "num_classes": 10, "class_names": CLASSES})
    return export.export_tflite(generator, str(tmp_path_factory.mktemp("export")))


# Runs the CLI in this fresh process, then fails if anything imported TensorFlow.
CLI_WITHOUT_TENSORFLOW = """
import runpy, sys
sys.argv = ["keras_gans.sample", *sys.argv[1:]]
try:
    runpy.run_module("keras_gans.sample", run_name="__main__")
except SystemExit as exit:
    code = exit.code
imported = sorted(name for name in sys.modules if name.split(".")[0] == "tensorflow")
assert not imported, f"imported {imported[:3]}"
sys.exit(code)
"""


def test_tflite_cli_writes_a_grid_without_tensorflow(tflite_path, tmp_path):
    out = tmp_path / "grid.png"
    args = ["--backend=tflite", f"--model={tflite_path}", "--n=16", "--labels=Sneaker", f"--out={out}"]
    result = subprocess.run([sys.executable, "-c", CLI_WITHOUT_TENSORFLOW, *args], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    image = Image.open(out)
    assert image.size == (4 * 29 - 1, 4 * 29 - 1)
    assert image.info["Model"] == "tiny_cgan" and image.info["Source"] == "keras_gans.lite"
    expected = LiteGenerator(tflite_path).sample(16, labels="Sneaker", seed=0)
    np.testing.assert_array_equal(np.asarray(image)[:28, :28], expected[0, ..., 0])
    missing = subprocess.run([sys.executable, "-c", CLI_WITHOUT_TENSORFLOW, "--backend=tflite", "--model=cgan_fashion",
                              f"--out={out}"], capture_output=True, text=True, timeout=300)
    assert missing.returncode == 1 and "No TFLite model at cgan_fashion" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_lite_generator_uses_all_cores_and_sweeps_classes(tflite_path, tmp_path):
    lite = LiteGenerator(tflite_path)
    assert lite.num_threads == os.cpu_count()
    assert LiteGenerator(tflite_path, num_threads=1).num_threads == 1
    with pytest.raises(UsageError, match="num_threads must be at least 1"):
        LiteGenerator(tflite_path, num_threads=0)
    path = lite.save_grid(str(tmp_path / "sweep.png"), seed=0)
    assert Image.open(path).size == (8 * 29 - 1, 10 * 29 - 1)
    np.testing.assert_array_equal(lite.class_sweep(per_class=2, seed=0)[2:4], lite.sample(2, labels=1, seed=0))
