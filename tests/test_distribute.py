"""Strategies: mirrored equals one_device for the same global batch, multi_worker trains across
two processes, and XLA with several CPU replicas is refused clearly."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

# Run in a fresh process: logical CPU devices must be configured before TensorFlow starts.
PARITY_SCRIPT = """
import sys, json
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from keras_gans import train
data_dir, out, model, jit = sys.argv[1:5]
try:
    for strategy in ("one_device", "mirrored"):
        train.run(model=model, dataset="fashion_mnist", data_dir=data_dir, max_examples=256, batch_size=32,
                  latent_dim=16, width=8, steps=2, ema_decay=0.9, logdir=f"{out}/{strategy}", strategy=strategy,
                  jit_compile=jit == "jit", verbose=0)
except train.UsageError as error:
    print("UsageError:", error)
"""


def run_parity_script(fashion_dir, tmp_path, model, jit):
    return subprocess.run(
        [sys.executable, "-c", PARITY_SCRIPT, str(fashion_dir), str(tmp_path), model, jit],
        capture_output=True, text=True, timeout=600,
    )


def checkpoint_values(logdir):
    reader = tf.train.load_checkpoint(tf.train.latest_checkpoint(os.path.join(logdir, "checkpoints")))
    return {key: reader.get_tensor(key) for key in reader.get_variable_to_shape_map() if "/.ATTRIBUTES/" in key}


def test_mirrored_on_two_devices_equals_one_device(fashion_dir, tmp_path):
    for model in ("cgan", "dcgan"):
        result = run_parity_script(fashion_dir, tmp_path / model, model, "nojit")
        assert result.returncode == 0, result.stderr[-3000:]
        one = checkpoint_values(str(tmp_path / model / "one_device"))
        mirrored = checkpoint_values(str(tmp_path / model / "mirrored"))
        assert one.keys() == mirrored.keys()
        compared = 0
        for key, value in one.items():
            if np.issubdtype(np.asarray(value).dtype, np.floating):
                np.testing.assert_allclose(mirrored[key], value, rtol=1e-4, atol=1e-5, err_msg=key)
                compared += 1
        assert compared > 20  # G, D, both optimizers' slots and the RNG state were compared


def test_xla_with_several_cpu_replicas_is_refused_with_the_reason(fashion_dir, tmp_path):
    result = run_parity_script(fashion_dir, tmp_path, "cgan", "jit")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "UsageError: --jit_compile with several replicas needs GPUs" in result.stdout


GPU_XLA_SCRIPT = """
import sys
import tensorflow as tf
gpus = tf.config.list_physical_devices("GPU")
if len(gpus) == 1:  # two logical GPUs on one card: still two replicas with real collectives
    tf.config.set_logical_device_configuration(gpus[0], [tf.config.LogicalDeviceConfiguration(4096)] * 2)
from keras_gans import train
result = train.run(model="cgan", dataset="fashion_mnist", data_dir=sys.argv[1], max_examples=512,
                   batch_size=64, latent_dim=16, width=8, steps=4, logdir=sys.argv[2], strategy="mirrored",
                   jit_compile=True, verbose=0)
print("step", result.step)
"""


@pytest.mark.skipif(not tf.config.list_physical_devices("GPU"), reason="XLA + MirroredStrategy needs GPUs; "
                    "on CPU it is refused (test above)")
def test_cgan_with_xla_under_mirrored_trains_on_gpus(fashion_dir, tmp_path):
    """The Embedding + XLA + MirroredStrategy pitfall (CollectiveGatherV2)."""
    result = subprocess.run([sys.executable, "-c", GPU_XLA_SCRIPT, str(fashion_dir), str(tmp_path / "run")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "step 4" in result.stdout


# A step in which only the second replica's gradients overflow, under mixed precision.
OVERFLOW_SCRIPT = """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import keras
from keras_gans.models.base import GAN
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    weight = keras.Variable([1.0, 2.0])
    optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=1024.0)
    optimizer.build([weight])

def step(overflow_on):
    replica = tf.distribute.get_replica_context().replica_id_in_sync_group
    factor = tf.where(tf.equal(replica, overflow_on), float("inf"), 1.0)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(weight * factor)
    GAN.apply_update(None, tape, loss, [weight], optimizer)

tf.function(lambda: strategy.run(step, args=(1,)))()
print("after overflow on replica 1:", weight.numpy().tolist(), float(optimizer.dynamic_scale.numpy()))
tf.function(lambda: strategy.run(step, args=(-1,)))()
print("after a finite step:", weight.numpy().tolist(), float(optimizer.dynamic_scale.numpy()))
"""


def test_a_step_that_overflows_on_any_replica_is_skipped_on_every_replica():
    """Keras' LossScaleOptimizer skips a step by the first replica's gradients, taking them to be summed
    already (they are summed inside apply): an overflow on another replica reached the weights as NaN."""
    done = subprocess.run([sys.executable, "-c", OVERFLOW_SCRIPT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
    assert lines["after overflow on replica 1"].strip() == "[1.0, 2.0] 512.0"  # skipped, the scale halved
    # Each replica's gradient of sum(w) is 1 per weight, summed over two replicas: w - 0.1 * 2.
    assert lines["after a finite step"].strip() == "[0.800000011920929, 1.7999999523162842] 512.0"


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_multi_worker_two_processes_train_and_finish(fashion_dir, tmp_path):
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    logdir = tmp_path / "run"
    processes = []
    for index in range(2):
        env = dict(os.environ, TF_CONFIG=json.dumps(
            {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}))
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "keras_gans.train", "--model=cgan", f"--data_dir={fashion_dir}",
             "--max_examples=512", "--steps=4", "--batch_size=32", "--latent_dim=16", "--width=8",
             "--checkpoint_every=2", "--strategy=multi_worker", f"--logdir={logdir}"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        ))
    outputs = [p.communicate(timeout=600)[0] for p in processes]
    for process, output in zip(processes, outputs):
        assert process.returncode == 0, output[-3000:]
        assert "Trained to step 4" in output
    assert tf.train.latest_checkpoint(str(logdir / "checkpoints")).endswith("ckpt-4")
    assert (logdir / "generator.keras").is_file()
    assert not list(logdir.glob("worker_*_scratch")), "the non-chief worker's scratch folder was left behind"


@pytest.mark.skipif(bool(tf.config.list_physical_devices("GPU")), reason="with a GPU, one_device copies ahead")
def test_one_device_training_reads_the_pipeline_without_the_autotuning_thread(monkeypatch):
    """OneDeviceStrategy copies each batch to its device through datasets of its own, built
    without the project's `data.pipeline_options`, so their iterators ran tf.data's autotuning
    thread and the end of every fit waited for it (an iterator that lived 13 s took 7.5 s to free;
    up to a minute; see test_data). On CPU, one device is the default strategy: no copy."""
    from tensorflow.python.data.ops import iterator_ops

    from keras_gans import data
    from keras_gans.strategy import make_strategy

    autotuned = []
    original = iterator_ops.OwnedIterator.__init__

    def recording(self, dataset=None, *args, **kwargs):
        if dataset is not None:
            autotuned.append(dataset.options().autotune.enabled is not False)
        original(self, dataset, *args, **kwargs)

    monkeypatch.setattr(iterator_ops.OwnedIterator, "__init__", recording)
    pipeline = data.array_pipeline((np.zeros((16, 4), np.float32), np.zeros(16, np.int32)), batch_size=8, shuffle_seed=0)
    next(iter(make_strategy("one_device").experimental_distribute_dataset(pipeline)))
    assert autotuned == [False]
