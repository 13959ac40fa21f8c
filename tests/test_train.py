"""The training CLI and `keras_gans.train.run`: logs, checkpoints, resume, and clear errors."""

import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from conftest import summary_kinds
from keras_gans import callbacks, data, models, train

QUICK = dict(model="cgan", dataset="fashion_mnist", max_examples=256, batch_size=32, latent_dim=16, width=8)


def run_cli(*args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "keras_gans.train", *args], capture_output=True, text=True, timeout=timeout
    )


def test_cli_trains_cgan_and_writes_scalar_and_image_summaries(fashion_dir, tmp_path):
    logdir = tmp_path / "run"
    result = run_cli(
        "--model=cgan", "--dataset=fashion_mnist", f"--data_dir={fashion_dir}", "--max_examples=2000",
        "--steps=6", "--batch_size=64", "--latent_dim=32", "--width=16", "--log_every=2",
        "--checkpoint_every=3", f"--logdir={logdir}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    kinds = summary_kinds(str(logdir))
    assert {"losses/d_loss", "losses/g_loss", "losses/d_real", "losses/d_fake"} <= kinds["scalars"]
    assert {"learning_rate/d", "learning_rate/g"} <= kinds["scalars"]
    assert "samples" in kinds["images"]
    assert (logdir / "generator.keras").is_file() and (logdir / "samples.png").is_file()
    assert tf.train.latest_checkpoint(str(logdir / "checkpoints")).endswith("ckpt-6")


def test_resume_continues_the_step_count_from_the_checkpoint_weights(fashion_dir, tmp_path):
    logdir = str(tmp_path / "run")
    first = train.run(**QUICK, data_dir=str(fashion_dir), steps=4, checkpoint_every=2, logdir=logdir, verbose=0)
    assert first.step == 4

    with pytest.raises(train.UsageError, match="--resume"):
        train.run(**QUICK, data_dir=str(fashion_dir), steps=8, logdir=logdir, verbose=0)
    with pytest.raises(train.UsageError, match="--width was 8, now 16"):
        train.run(**{**QUICK, "width": 16}, data_dir=str(fashion_dir), steps=8, logdir=logdir, resume=True, verbose=0)

    import keras

    def generator_weights():
        model = keras.saving.load_model(os.path.join(logdir, "generator.keras"))
        return [w.numpy() for w in model.weights]

    trained = generator_weights()
    # Resuming with the step budget already reached trains nothing and re-saves the restored G.
    same = train.run(**QUICK, data_dir=str(fashion_dir), steps=4, logdir=logdir, resume=True, verbose=0)
    assert same.step == 4
    for before, after in zip(trained, generator_weights()):
        np.testing.assert_array_equal(before, after)

    second = train.run(**QUICK, data_dir=str(fashion_dir), steps=8, checkpoint_every=2, logdir=logdir,
                       resume=True, verbose=0)
    assert second.step == 8
    assert tf.train.latest_checkpoint(os.path.join(logdir, "checkpoints")).endswith("ckpt-8")
    assert not all(np.array_equal(b, a) for b, a in zip(trained, generator_weights()))


def test_nan_loss_stops_training_and_keeps_the_last_good_checkpoint(fashion_dir, tmp_path, monkeypatch):
    make_pipeline = data.make_pipeline

    def poisoned_pipeline(*args, **kwargs):
        # The 5th batch onwards carries a NaN pixel: D's loss becomes NaN at step 5.
        def poison(index, batch):
            images, labels = batch
            nan = tf.where(index >= 4, np.float32("nan"), 0.0)
            return images + nan, labels

        return make_pipeline(*args, **kwargs).enumerate().map(poison)

    monkeypatch.setattr(data, "make_pipeline", poisoned_pipeline)
    logdir = str(tmp_path / "run")
    with pytest.raises(callbacks.NonFiniteLossError, match=r"step 5: non-finite d_loss=nan.*ckpt-4"):
        train.run(**QUICK, data_dir=str(fashion_dir), steps=20, checkpoint_every=2, logdir=logdir, verbose=0)
    checkpoints = os.path.join(logdir, "checkpoints")
    assert tf.train.latest_checkpoint(checkpoints).endswith("ckpt-4")
    reader = tf.train.load_checkpoint(tf.train.latest_checkpoint(checkpoints))
    for key in reader.get_variable_to_shape_map():
        value = reader.get_tensor(key)
        if np.issubdtype(np.asarray(value).dtype, np.floating):
            assert np.all(np.isfinite(value)), key


def test_cli_errors_are_one_clear_line(fashion_dir, tmp_path):
    unknown = run_cli("--model=nosuchgan", f"--logdir={tmp_path / 'a'}")
    assert unknown.returncode == 1
    assert f"Unknown model 'nosuchgan'. Known models: {', '.join(models.available())}." in unknown.stderr
    assert "Traceback" not in unknown.stderr

    missing = run_cli("--model=cgan", f"--data_dir={tmp_path / 'nowhere'}", f"--logdir={tmp_path / 'b'}")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert str(tmp_path / "nowhere") in missing.stderr

    broken = tmp_path / "broken_idx"
    broken.mkdir()
    for name in os.listdir(fashion_dir):
        if name.endswith(".gz"):
            (broken / name).write_bytes((fashion_dir / name).read_bytes())
    images = broken / "train-images-idx3-ubyte.gz"
    images.write_bytes(images.read_bytes()[:5000])
    malformed = run_cli("--model=cgan", f"--data_dir={broken}", f"--logdir={tmp_path / 'c'}")
    assert malformed.returncode == 1 and "Traceback" not in malformed.stderr
    assert "train-images-idx3-ubyte.gz" in malformed.stderr


def test_help_names_every_family_and_stabiliser():
    result = subprocess.run([sys.executable, "-m", "keras_gans.train", "--help"], capture_output=True, text=True,
                            timeout=120)
    for name in models.available():
        assert name in result.stdout, name
    for flag in ("label_smoothing", "instance_noise", "minibatch_stddev", "feature_matching", "unrolled_steps",
                 "r1_gamma", "lr_g", "lr_d", "ema_decay", "diff_augment"):
        assert f"--{flag}:" in result.stdout or f"--[no]{flag}:" in result.stdout, flag


def test_ttur_learning_rates_reach_the_two_optimizers(fashion_dir, tmp_path):
    """TTUR (Heusel et al. 2017): separate G and D learning rates, logged as used."""
    logdir = tmp_path / "run"
    train.run(**QUICK, data_dir=str(fashion_dir), steps=2, lr_g=1e-4, lr_d=4e-4, log_every=1, logdir=str(logdir),
              verbose=0)
    rates = {}
    for path in logdir.glob("train/events.out.tfevents.*"):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                if value.tag.startswith("learning_rate/"):
                    rates[value.tag] = float(tf.make_ndarray(value.tensor))
    assert rates["learning_rate/g"] == pytest.approx(1e-4) and rates["learning_rate/d"] == pytest.approx(4e-4)


def test_rmsprop_steps_as_the_wgan_authors_pytorch_rmsprop():
    """WGAN's authors trained with PyTorch's RMSprop (alpha 0.99, eps 1e-8 added to sqrt(v)); Keras adds
    its epsilon inside the square root, so eps=1e-8 there damps every gradient whose RMS r is under 1e-4
    (a clipped critic's often are) by about 1e-4 / r. Three steps against the PyTorch update by hand."""
    gradients = np.array([1e-5, -3e-4, 2e-2, -1.0], np.float32)
    variable = tf.Variable(np.zeros(4, np.float32))
    optimizer = train.make_optimizer("rmsprop", 5e-5, beta1=0.5, beta2=0.999)
    expected, velocity = np.zeros(4), np.zeros(4)
    for scale in (1.0, 0.5, 2.0):
        optimizer.apply([tf.constant(gradients * scale)], [variable])
        g = gradients.astype(np.float64) * scale
        velocity = 0.99 * velocity + 0.01 * g**2
        expected -= 5e-5 * g / (np.sqrt(velocity) + 1e-8)
    np.testing.assert_allclose(variable.numpy(), expected, rtol=2e-2)


def test_learning_rates_are_constant_then_linear_to_zero():
    schedule = callbacks.LearningRates(1e-4, 4e-4, total_steps=100, decay_fraction=0.25)
    np.testing.assert_allclose([schedule.factor(s) for s in (0, 75, 80, 90, 100, 120)], [1, 1, 0.8, 0.4, 0, 0])
    assert callbacks.LearningRates(1e-4, 4e-4, 100).factor(99) == 1.0
    with pytest.raises(ValueError, match="decay_fraction"):
        callbacks.LearningRates(1e-4, 4e-4, 100, 1.5)


def test_lr_decay_follows_the_training_step_for_both_optimizers(fashion_dir, tmp_path):
    """wgan updates its critic 5 times per step; its learning rate still decays with the step. A run
    trained without decay resumes with it (the optimizers' checkpoints do not change)."""
    logdir = tmp_path / "run"
    common = dict(**{**QUICK, "model": "wgan"}, data_dir=str(fashion_dir), lr_g=1e-4, lr_d=4e-4, log_every=1,
                  logdir=str(logdir), verbose=0)
    train.run(**common, steps=2)
    train.run(**common, steps=4, lr_decay_fraction=0.5, resume=True)
    rates = {}
    for path in logdir.glob("train/events.out.tfevents.*"):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                if value.tag.startswith("learning_rate/"):
                    rates[(value.tag[-1], event.step)] = float(tf.make_ndarray(value.tensor))
    # Logged after each step's update, at the step count it reached: the rate of step k - 1.
    expected = {step: min(1.0, (4 - (step - 1)) / 2) for step in range(1, 5)}
    assert {s for _, s in rates} == set(expected)
    for step, fraction in expected.items():
        assert rates["g", step] == pytest.approx(1e-4 * fraction, rel=1e-6, abs=1e-12)
        assert rates["d", step] == pytest.approx(4e-4 * fraction, rel=1e-6, abs=1e-12)
    with pytest.raises(train.UsageError, match="lr_decay_fraction"):
        train.run(**QUICK, data_dir=str(fashion_dir), steps=2, lr_decay_fraction=1.5, logdir=str(tmp_path / "x"))


def test_extra_layers_are_refused_where_the_networks_do_not_take_them(fashion_dir, tmp_path):
    with pytest.raises(train.UsageError, match="--extra_layers does not apply to biggan; it applies to dcgan, cgan"):
        train.run(model="biggan", data_dir=str(fashion_dir), extra_layers=1, logdir=str(tmp_path / "a"), verbose=0)


def test_stylegan_on_28x28_data_trains_at_32x32_and_says_so(fashion_dir, tmp_path):
    result = run_cli("--model=stylegan", f"--data_dir={fashion_dir}", "--max_examples=64", "--steps=1",
                     "--batch_size=8", "--latent_dim=16", "--width=4", f"--logdir={tmp_path / 'run'}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "stylegan does not take 28x28 images: resizing them to 32x32" in result.stderr
    import keras

    generator = keras.saving.load_model(tmp_path / "run" / "generator.keras", safe_mode=True)
    assert tuple(generator.outputs[0].shape[1:]) == (32, 32, 1)


def test_a_stabilizer_the_family_ignores_is_refused_in_one_line(tmp_path, shared_data):
    result = run_cli("--model=pix2pix", "--dataset=facades", f"--data_dir={shared_data / 'facades'}",
                     "--r1_gamma=1", "--steps=1", f"--logdir={tmp_path / 'run'}")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        "error: r1_gamma does not apply to pix2pix; families that take it: gan, cgan, acgan")
    # Nothing written: the corrected command runs without --resume.
    assert not (tmp_path / "run" / "config.json").exists()


def test_resuming_a_checkpoint_of_other_networks_is_one_clear_error(fashion_dir, tmp_path):
    logdir = tmp_path / "run"
    train.run(**QUICK, data_dir=str(fashion_dir), steps=1, logdir=str(logdir), verbose=0)
    for path in (logdir / "checkpoints").iterdir():
        path.unlink()
    tf.train.Checkpoint(something_else=tf.Variable(1.0)).save(str(logdir / "checkpoints" / "ckpt"))
    with pytest.raises(train.UsageError, match="does not fit the networks .* train in a new --logdir"):
        train.run(**QUICK, data_dir=str(fashion_dir), steps=2, logdir=str(logdir), resume=True, verbose=0)


def test_a_run_with_explicit_default_options_resumes_with_them_unset(tmp_path):
    """Older runs recorded --minibatch_stddev=false and --extra_layers=0; unset now means the same."""
    import json

    logdir = tmp_path / "run"
    logdir.mkdir()
    args = {"model": "cgan", "dataset": "fashion_mnist", "image_size": None, "latent_dim": 16, "width": 8,
            "ema_decay": 0.0, "mixed_precision": False, "optimizer": "adam"}
    (logdir / "config.json").write_text(json.dumps({**args, "minibatch_stddev": False, "extra_layers": 0}))
    train._check_logdir(str(logdir), {**args, "minibatch_stddev": None, "extra_layers": None}, resume=True)
    with pytest.raises(train.UsageError, match="--extra_layers was 0, now 2"):
        train._check_logdir(str(logdir), {**args, "minibatch_stddev": None, "extra_layers": 2}, resume=True)


@pytest.mark.parametrize("precision", ["mixed_precision", "bfloat16"])
def test_a_mixed_precision_run_saves_a_generator_computing_in_float32(fashion_dir, tmp_path, precision):
    import keras

    result = train.run(**QUICK, data_dir=str(fashion_dir), steps=2, logdir=str(tmp_path / "run"), verbose=0,
                       **{precision: True})
    model = keras.saving.load_model(result.generator_path)
    assert {layer.dtype_policy.name for layer in model._flatten_layers()} == {"float32"}
    z = np.random.default_rng(0).standard_normal((4, QUICK["latent_dim"])).astype("float32")
    images = np.asarray(model([z, np.arange(4)]))
    assert images.dtype == np.float32 and np.all(np.isfinite(images))


def test_bfloat16_support_is_read_from_the_cpu_flags(tmp_path):
    with_bf16, without, unreadable = tmp_path / "a", tmp_path / "b", tmp_path / "missing"
    with_bf16.write_text("processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16 amx_tile\n")
    without.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f\n")
    assert train.cpu_has_bfloat16(str(with_bf16)) and not train.cpu_has_bfloat16(str(without))
    assert train.cpu_has_bfloat16(str(unreadable))  # cannot tell: no warning


def test_image_to_image_runs_train_on_jittered_pairs_and_grid_the_same_first_examples(shared_data, tmp_path, monkeypatch):
    """pix2pix trains on jittered pairs by default (the paper's); its sample grid shows the first
    training pairs as they are, whether or not the training batches are jittered."""
    jitter_requests, grids = [], []
    make_pipeline = data.make_pipeline
    monkeypatch.setattr(data, "make_pipeline", lambda *a, **k: jitter_requests.append(k.get("jitter")) or make_pipeline(*a, **k))
    for jitter in (None, False):
        result = train.run(model="pix2pix", dataset="facades", data_dir=str(shared_data / "facades"), image_size=32,
                           max_examples=8, batch_size=2, width=4, steps=2, random_jitter=jitter,
                           logdir=str(tmp_path / f"run_{jitter}"), verbose=0)
        assert result.step == 2
        grids.append(np.asarray(Image.open(tmp_path / f"run_{jitter}" / "samples.png")))
    assert True in jitter_requests and False in jitter_requests
    # input | output | target, 32 pixels each with a 1-pixel gap: the inputs and targets are the same.
    np.testing.assert_array_equal(grids[0][:, :32], grids[1][:, :32])
    np.testing.assert_array_equal(grids[0][:, 66:], grids[1][:, 66:])
