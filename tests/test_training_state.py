"""What a run leaves in --logdir survives NaNs, kills and a second run: only finite checkpoints, outputs
written whole, a resumed run seeing the data an uninterrupted one would, and one writer per logdir."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import callbacks, files, train
from test_train import QUICK, run_cli


def checkpoint_values(path):
    """Every variable a checkpoint holds but the count of saves, by key."""
    reader = tf.train.load_checkpoint(path)
    return {key: reader.get_tensor(key) for key in reader.get_variable_to_shape_map()
            if not key.startswith(("_CHECKPOINTABLE_OBJECT_GRAPH", "save_counter"))}


def all_finite(path):
    return all(np.all(np.isfinite(v)) for v in checkpoint_values(path).values() if np.issubdtype(v.dtype, np.floating))


@pytest.mark.parametrize("broken", ["generator kernel", "optimizer slot"])
def test_a_step_that_breaks_the_weights_is_never_checkpointed(fashion_dir, tmp_path, monkeypatch, broken):
    guard = callbacks.NonFiniteGuard.on_train_batch_end

    def break_weights_at_step_4(self, batch, logs=None):
        guard(self, batch, logs)
        if callbacks.global_step(self.model) == 4:  # after the update: step 4's loss was finite
            gan = self.model
            variable = (gan.generator.weights[0] if broken == "generator kernel"
                        else [v for v in gan.d_optimizer.variables if "velocity" in v.path][0])
            variable.assign(np.full(variable.shape, np.nan, "float32"))

    monkeypatch.setattr(callbacks.NonFiniteGuard, "on_train_batch_end", break_weights_at_step_4)
    logdir = tmp_path / "run"
    common = dict(**QUICK, data_dir=str(fashion_dir), steps=6, checkpoint_every=2, logdir=str(logdir), verbose=0)
    with pytest.raises(callbacks.NonFiniteLossError, match=r"step 4: non-finite weights .*ckpt-2; continue") as stop:
        train.run(**common)
    assert "\n" not in str(stop.value)
    checkpoints = logdir / "checkpoints"
    assert sorted(p.name for p in checkpoints.glob("ckpt-*.index")) == ["ckpt-2.index"]
    assert not (logdir / "generator.keras").exists()
    named = re.search(r"checkpoint is (\S+);", str(stop.value)).group(1)
    assert named == tf.train.latest_checkpoint(str(checkpoints)) and all_finite(named)

    monkeypatch.undo()
    assert train.run(**common, resume=True).step == 6
    assert all_finite(tf.train.latest_checkpoint(str(checkpoints)))
    keras.saving.load_model(logdir / "generator.keras")


def test_a_resumed_run_trains_as_an_uninterrupted_one(fashion_dir, tmp_path):
    """12 steps at once, or 5 then (in another process) --resume to 12: the same batches, from the
    same state, give the same weights and optimizer slots. 8 steps make an epoch, so the resumed
    run crosses a reshuffle."""
    common = dict(**QUICK, data_dir=str(fashion_dir), checkpoint_every=0, verbose=0)
    train.run(**common, steps=12, logdir=str(tmp_path / "once"))
    train.run(**common, steps=5, logdir=str(tmp_path / "twice"))
    flags = [f"--{k}={v}" for k, v in common.items() if k != "verbose"]
    resumed = run_cli(*flags, "--steps=12", "--resume", f"--logdir={tmp_path / 'twice'}")
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    once, twice = (checkpoint_values(tf.train.latest_checkpoint(str(tmp_path / run / "checkpoints")))
                   for run in ("once", "twice"))
    assert once.keys() == twice.keys()
    for key in once:
        np.testing.assert_array_equal(once[key], twice[key], err_msg=key)


# Runs the training CLI with checkpoint merges and zip closes slowed down, to kill it while it saves.
SLOW_SAVES = """
import time, zipfile
from absl import app
from tensorflow.python.ops import gen_io_ops
from keras_gans import train

def slowly(write):
    def slow(*args, **kwargs):
        time.sleep(0.3)
        return write(*args, **kwargs)
    return slow

gen_io_ops.merge_v2_checkpoints = slowly(gen_io_ops.merge_v2_checkpoints)
zipfile.ZipFile.close = slowly(zipfile.ZipFile.close)
train.define_flags()
app.run(train.main)
"""


def kill_when(logdir, pattern, *flags):
    """Starts the slowed CLI and SIGKILLs it as soon as ``pattern`` exists in ``logdir``."""
    process = subprocess.Popen([sys.executable, "-c", SLOW_SAVES, *flags], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not list(logdir.glob(pattern)) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        process.kill()
        stderr = process.communicate()[1]
    assert process.returncode == -signal.SIGKILL and list(logdir.glob(pattern)), (
        f"not killed while {pattern} was being written: {stderr[-3000:]}"
    )


def test_a_run_killed_while_saving_resumes_and_leaves_whole_files(fashion_dir, tmp_path):
    logdir = tmp_path / "run"
    flags = [f"--{k}={v}" for k, v in QUICK.items()] + [
        f"--data_dir={fashion_dir}", "--steps=3", "--checkpoint_every=1", f"--logdir={logdir}",
    ]
    kill_when(logdir, "checkpoints/ckpt-2_temp", *flags)
    assert tf.train.latest_checkpoint(str(logdir / "checkpoints")).endswith("ckpt-1")

    # Resumed (over the dead run's lock) from ckpt-1, and killed while writing generator.keras.
    kill_when(logdir, "*generator.keras", *flags, "--resume")
    assert not list(logdir.rglob("*_temp*")), "a killed checkpoint write was left"
    if (logdir / "generator.keras").exists():  # only ever a whole file
        keras.saving.load_model(logdir / "generator.keras")

    finished = run_cli(*flags, "--resume")
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "Taking over" in finished.stderr
    keras.saving.load_model(logdir / "generator.keras")
    assert not list(logdir.rglob("*_temp*")) and not list(logdir.glob(".tmp-*")) and not (logdir / ".lock").exists()


def test_a_second_run_on_a_logdir_in_use_is_refused_and_a_dead_runs_lock_taken_over(fashion_dir, tmp_path):
    logdir = tmp_path / "run"
    logdir.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    lock = logdir / ".lock"
    lock.write_text(f"{holder.pid} {socket.gethostname()}\n")
    common = dict(**QUICK, data_dir=str(fashion_dir), steps=1, logdir=str(logdir), verbose=0)
    try:
        with pytest.raises(train.UsageError, match=f"in use by process {holder.pid} .*another --logdir") as refused:
            train.run(**common, resume=True)
        assert "\n" not in str(refused.value)
        assert os.listdir(logdir) == [".lock"] and lock.read_text().startswith(f"{holder.pid} ")
    finally:
        holder.kill()
        holder.wait()
    assert train.run(**common, resume=True).step == 1  # the dead holder's lock is taken over
    assert not lock.exists()


def test_a_run_that_fails_before_training_leaves_nothing_that_refuses_the_corrected_one(fashion_dir, tmp_path):
    # Known to fail only once the model and the pipeline are built: no classifier for --eval_every.
    logdir = tmp_path / "run"
    common = dict(**{**QUICK, "dataset": "my_images"}, data_dir=str(fashion_dir), steps=1, logdir=str(logdir),
                  verbose=0)
    with pytest.raises(train.UsageError, match="No domain classifier is shipped"):
        train.run(**common, eval_every=1)
    assert not (logdir / "config.json").exists() and not (logdir / ".lock").exists()
    assert train.run(**common).step == 1
    assert (logdir / "config.json").exists() and not (logdir / ".lock").exists()


def test_an_atomic_write_that_fails_keeps_the_old_file(tmp_path):
    path = tmp_path / "config.json"
    path.write_text("old")
    with pytest.raises(OSError), files.atomic_write(str(path)) as temporary:
        with open(temporary, "w") as f:
            f.write("half")
        raise OSError("disk full")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["config.json"]
