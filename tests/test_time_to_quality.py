"""Smoke tests of the time-to-quality benchmark: the keras-io Conditional GAN peer
(benchmarks/keras_io_cgan.py) and the report code of benchmarks/time_to_quality.py."""

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

import keras_io_cgan  # noqa: E402
import time_to_quality  # noqa: E402


def test_peer_networks_are_the_published_ones():
    gan = keras_io_cgan.build_peer(seed=0)
    assert gan.generator.input_shape == (None, 138) and gan.generator.output_shape == (None, 28, 28, 1)
    assert gan.discriminator.input_shape == (None, 28, 28, 11) and gan.discriminator.output_shape == (None, 1)
    assert [type(layer).__name__ for layer in gan.generator.layers] == [
        "Dense", "LeakyReLU", "Reshape", "Conv2DTranspose", "LeakyReLU", "Conv2DTranspose", "LeakyReLU", "Conv2D"]
    assert [type(layer).__name__ for layer in gan.discriminator.layers] == [
        "Conv2D", "LeakyReLU", "Conv2D", "LeakyReLU", "GlobalMaxPooling2D", "Dense"]
    # Dense(138 -> 7*7*138), ConvT(138 -> 128, 4x4), ConvT(128 -> 128, 4x4), Conv(128 -> 1, 7x7).
    assert gan.generator.count_params() == (138 * 6762 + 6762) + (138 * 16 * 128 + 128) + (128 * 16 * 128 + 128) + (
        128 * 49 + 1) == 1_491_215
    # Conv(11 -> 64, 3x3), Conv(64 -> 128, 3x3), Dense(128 -> 1).
    assert gan.discriminator.count_params() == (11 * 9 * 64 + 64) + (64 * 9 * 128 + 128) + (128 + 1) == 80_385
    assert gan.d_optimizer.learning_rate.numpy() == pytest.approx(3e-4)
    assert gan.g_optimizer.learning_rate.numpy() == pytest.approx(3e-4)


def test_label_maps_published_band_and_broadcast():
    one_hot = np.eye(10, dtype="float32")[[3, 9]]
    published = np.asarray(keras_io_cgan.label_maps(one_hot, "published"))
    assert published.shape == (2, 28, 28, 10)
    # The published code: 784 ones per image, as a band of rows at 2.8 * class, every channel.
    assert published.sum(axis=(1, 2, 3)).tolist() == [784.0, 784.0]
    assert [r for r in range(28) if published[0, r].any()] == [8, 9, 10, 11]
    assert [r for r in range(28) if published[1, r].any()] == [25, 26, 27]
    broadcast = np.asarray(keras_io_cgan.label_maps(one_hot, "broadcast"))
    np.testing.assert_array_equal(broadcast, np.broadcast_to(one_hot[:, None, None, :], (2, 28, 28, 10)))


def test_wrapped_generator_interface_and_safe_mode_round_trip(tmp_path):
    gan = keras_io_cgan.build_peer(seed=0)
    wrapped = keras_io_cgan.wrap_generator(gan.generator)
    n = 6
    z = np.random.default_rng(0).standard_normal((n, 128)).astype("float32")
    labels = np.array([0, 1, 2, 7, 8, 9], "int32")
    out = np.asarray(wrapped([z, labels], training=False))
    assert out.shape == (n, 28, 28, 1) and out.min() >= -1 and out.max() <= 1
    raw = np.asarray(gan.generator(np.concatenate([z, np.eye(10, dtype="float32")[labels]], axis=1)))
    np.testing.assert_allclose(out, 2 * raw - 1, atol=1e-6)

    path = tmp_path / "generator.keras"
    wrapped.save(path)
    np.save(tmp_path / "z.npy", z)
    np.save(tmp_path / "labels.npy", labels)
    script = (
        "import sys, numpy as np, keras\n"
        f"folder = {str(tmp_path)!r}\n"
        "model = keras.saving.load_model(folder + '/generator.keras', safe_mode=True)\n"
        "out = model([np.load(folder + '/z.npy'), np.load(folder + '/labels.npy')], training=False)\n"
        "np.save(folder + '/restored.npy', np.asarray(out))\n"
        "assert 'keras_io_cgan' not in sys.modules and 'time_to_quality' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300, cwd=tmp_path)
    np.testing.assert_allclose(np.load(tmp_path / "restored.npy"), out, atol=1e-6)

    from keras_gans.zoo import references

    generator = references.load(str(path))  # what keras_gans.evaluate loads
    assert generator.num_classes == 10 and generator.latent_dim == 128


def test_train_chunks_change_both_networks_and_resume(shared_data, tmp_path):
    import tensorflow as tf

    workdir = tmp_path / "peer"
    data_dir = str(shared_data / "fashion_mnist")
    # 100 examples: an epoch is a batch of 64 and the published partial batch of 36.
    first = keras_io_cgan.train_chunk(str(workdir), data_dir, steps=1, max_examples=100)
    assert first["steps"] == 1 and first["images"] == 64 and first["chunks"] == 1 and first["fit_seconds"] > 0
    fresh = keras_io_cgan.build_peer(seed=0)
    trained = keras_io_cgan.build_peer(seed=0)
    tf.train.Checkpoint(generator=trained.generator, discriminator=trained.discriminator).restore(
        tf.train.latest_checkpoint(str(workdir / "checkpoints"))).expect_partial()
    for name in ("generator", "discriminator"):
        before = [w.numpy() for w in getattr(fresh, name).weights]
        after = [w.numpy() for w in getattr(trained, name).weights]
        assert any(not np.array_equal(b, a) for b, a in zip(before, after)), f"{name} did not change"
        assert all(np.isfinite(a).all() for a in after)

    second = keras_io_cgan.train_chunk(str(workdir), data_dir, steps=1, max_examples=100)
    assert second["steps"] == 2 and second["images"] == 100 and second["epochs"] == 1.0 and second["chunks"] == 2
    assert second["fit_seconds"] > first["fit_seconds"]
    assert (workdir / "generator.keras").is_file()


def _fake_curves():
    def rows(points):
        return [
            {"index": i + 1, "fit_seconds": 60.0 * (i + 1), "wall_seconds": 65.0 * (i + 1), "steps": 100 * (i + 1),
             "images": 6400 * (i + 1), "epochs": 0.1 * (i + 1), "fid": fid, "fid_sd": 0.5, "cond_acc": acc,
             "cond_acc_sd": 0.01, "generator": f"snapshots/x_{i + 1:03d}.keras"}
            for i, (fid, acc) in enumerate(points)
        ]

    return {
        "dataset": "fashion_mnist", "threshold": 0.85, "budget_minutes": 3.0, "snapshot_minutes": 1.0,
        "num_samples": 500, "repeats": 2, "clock": "fit_seconds",
        "reference": {"metrics": {"fid": 0.9, "cond_acc": 0.93}, "metrics_sd": None, "num_samples": 500},
        "arms": {
            "keras_io": {"label": time_to_quality.ARMS["keras_io"], "setup": {},
                         "snapshots": rows([(80.0, 0.3), (40.0, 0.5), (30.0, 0.6)])},
            "cgan": {"label": time_to_quality.ARMS["cgan"], "setup": {},
                     "snapshots": rows([(60.0, 0.7), (20.0, 0.86), (12.0, 0.9)])},
        },
    }


def test_report_table_and_plot(tmp_path):
    curves = json.loads(json.dumps(_fake_curves()))  # as read back from curves.json
    assert time_to_quality.time_to_threshold(curves["arms"]["cgan"]["snapshots"], 0.85)["index"] == 2
    assert time_to_quality.time_to_threshold(curves["arms"]["keras_io"]["snapshots"], 0.85) is None
    table = time_to_quality.markdown_table(curves, "time_to_quality.png")
    assert "| keras_gans cgan recipe | 2.0 | 200 (0.20) | 12.00 (3.0) |" in table
    assert "not reached in 3.0" in table
    assert "![FID and conditional accuracy against training time](time_to_quality.png)" in table
    assert table.count("\n| keras-io Conditional GAN (as published) | ") == 1 + 3  # summary, snapshots

    pytest.importorskip("matplotlib")
    path = tmp_path / "plot.png"
    time_to_quality.plot_curves(curves, str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = time_to_quality.report(curves, str(tmp_path))
    assert (tmp_path / time_to_quality.CURVES_FILE).is_file() and (tmp_path / time_to_quality.PLOT_FILE).is_file()
    assert "time_to_quality.png" in text


def test_chunk_schedule():
    assert time_to_quality.chunk_target(0, 600, 240) == 240
    assert time_to_quality.chunk_target(480, 600, 240) == 120
    assert time_to_quality.chunk_target(400, 600, 240) == 200  # a 40 s remainder would be too short
    assert time_to_quality.chunk_target(598, 600, 240) is None
    assert time_to_quality.recipe_chunk_steps([], 240, 100) == 100
    assert time_to_quality.recipe_chunk_steps([(60.0, 100)], 240, 100) == 400
    # Later chunks leave out the first, whose tracing started from scratch.
    assert time_to_quality.recipe_chunk_steps([(90.0, 100), (50.0, 100)], 100, 100) == 200
    assert time_to_quality.read_recipe(str(REPO_ROOT / "zoo" / "recipes" / "cgan.flags"))["batch_size"] == "128"
