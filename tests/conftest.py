"""Shared pytest fixtures: where the real test data lives."""

import glob
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_data() -> pathlib.Path:
    """Root of the shared real data (KERAS_GANS_SHARED_DATA, default <repo>/../shared/data)."""
    root = pathlib.Path(os.environ.get("KERAS_GANS_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
    if not root.is_dir():
        pytest.skip(f"shared data folder {root} not found; set KERAS_GANS_SHARED_DATA")
    return root


@pytest.fixture(scope="session")
def tfds_dir(shared_data, tmp_path_factory) -> str:
    """A TFDS data_dir with fashion_mnist prepared: KERAS_GANS_TFDS_DIR, or prepared offline now
    from the raw files with shared/data/seed_tfds.py."""
    path = os.environ.get("KERAS_GANS_TFDS_DIR")
    if path:
        return path
    path = str(tmp_path_factory.mktemp("tfds"))
    subprocess.run(
        [sys.executable, str(shared_data / "seed_tfds.py"), str(shared_data / "fashion_mnist"), path],
        check=True, capture_output=True, timeout=900,
    )
    return path


@pytest.fixture(scope="session")
def fashion_dir(shared_data) -> pathlib.Path:
    return shared_data / "fashion_mnist"


# -- helpers shared by the per-family tests (tests/test_<family>.py) ------------------------------


def _weights(network):
    return [w.numpy() for w in network.weights]


def matrix_with_singular_values(rows, cols, singular_values, seed=0):
    """A float32 [rows, cols] matrix with these singular values and seeded random singular vectors.
    Power iteration converges at the rate sigma_2 / sigma_1, which for a Gaussian matrix can be near
    1: spectral-norm tests that drew their weights unseeded passed only from lucky starts."""
    rng = np.random.default_rng(seed)
    left, _ = np.linalg.qr(rng.normal(size=(rows, len(singular_values))))
    right, _ = np.linalg.qr(rng.normal(size=(cols, len(singular_values))))
    return ((left * np.asarray(singular_values)) @ right.T).astype("float32")


def build_family(name, image_shape=(28, 28, 1), num_classes=10, latent_dim=16, run_eagerly=False, **hparams):
    """A small compiled model of family ``name``."""
    import keras

    from keras_gans import models

    gan = models.get(name).from_hparams(image_shape, latent_dim, num_classes=num_classes, seed=1, **hparams)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5),
                run_eagerly=run_eagerly)
    return gan


def run_family_test(name, tmp_path, image_shape=(28, 28, 1), num_classes=10, batch_size=8, **hparams):
    """What every family's test file checks: shapes, one CPU train step that changes both networks
    and gives finite losses, and a ``.keras`` round trip of the generator in safe mode.

    The step runs eagerly: tracing it would cost four to five times the step, and every family's
    step, with the battery's options, is traced by its mixed-precision test (tests/test_families.py)."""
    import keras

    gan = build_family(name, image_shape, num_classes, run_eagerly=True, **hparams)
    labels = np.arange(batch_size, dtype="int32") % max(num_classes, 1)
    z = np.random.default_rng(0).standard_normal((batch_size, gan.latent_dim)).astype("float32")

    fake = np.array(gan.generate(z, labels))
    assert fake.shape == (batch_size, *image_shape)
    assert fake.min() >= -1 and fake.max() <= 1
    assert np.array(gan.discriminate(fake, labels)).shape == (batch_size,)

    g_before, d_before = _weights(gan.generator), _weights(gan.discriminator)
    # A step takes a real batch for each of its D updates.
    real = np.random.default_rng(1).uniform(-1, 1, (batch_size * gan.real_batches_per_step, *image_shape))
    logs = gan.train_on_batch(real.astype("float32"), np.tile(labels, gan.real_batches_per_step), return_dict=True)
    assert set(logs) >= {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(v) for v in logs.values()), logs
    for before, network in ((g_before, gan.generator), (d_before, gan.discriminator)):
        changed = [not np.array_equal(b, a) for b, a in zip(before, _weights(network))]
        assert any(changed), f"{network.name} did not change"

    path = tmp_path / "generator.keras"
    gan.generator.save(path)
    restored = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(np.array(restored(gan.generator_inputs(z, labels))),
                               np.array(gan.generate(z, labels)), atol=1e-6)

    config_copy = type(gan).from_config(gan.get_config())
    assert config_copy.latent_dim == gan.latent_dim and config_copy.num_classes == gan.num_classes
    assert config_copy.generator.count_params() == gan.generator.count_params()
    return gan


def summary_kinds(logdir):
    """{plugin name: set of tags} over every TensorBoard event file under ``logdir``."""
    import tensorflow as tf

    kinds = {}
    for path in glob.glob(os.path.join(logdir, "**", "events.out.tfevents.*"), recursive=True):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                kinds.setdefault(value.metadata.plugin_data.plugin_name, set()).add(value.tag)
    return kinds


def run_translation_family_test(name, tmp_path, image_shape=(32, 32, 3), batch_size=2, **hparams):
    """The per-family checks for image-to-image families: shapes, one train step (eager, as in
    `run_family_test`) that changes G and D with finite losses, and a ``.keras`` round trip of
    every saved generator."""
    import keras

    from keras_gans import models

    gan = models.get(name).from_hparams(image_shape, 0, seed=1, **hparams)
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5), run_eagerly=True)
    rng = np.random.default_rng(0)
    first, second = (rng.uniform(-1, 1, (batch_size, *image_shape)).astype("float32") for _ in range(2))
    out = np.asarray(gan.generate(first))
    assert out.shape == (batch_size, *image_shape) and np.abs(out).max() <= 1

    before = {"G": _weights(gan.generator), "D": _weights(gan.discriminator)}
    logs = gan.train_on_batch(first, second, return_dict=True)
    assert all(np.isfinite(v) for v in logs.values()), logs
    for key, network in (("G", gan.generator), ("D", gan.discriminator)):
        assert any(not np.array_equal(b, a) for b, a in zip(before[key], _weights(network))), f"{key} did not change"

    for stem, network in gan.saved_generators().items():
        path = tmp_path / f"{stem}.keras"
        network.save(path)
        restored = keras.saving.load_model(path, safe_mode=True)
        np.testing.assert_allclose(np.asarray(restored(first)), np.asarray(network(first, training=False)), atol=1e-5)
    columns = gan.translation_columns(first, second)
    assert all(np.asarray(c).shape == (batch_size, *image_shape) for c in columns)
    return gan
