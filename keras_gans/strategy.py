"""tf.distribute strategies by name: ``auto``, ``one_device``, ``mirrored``, ``multi_worker``."""

import json
import os

import tensorflow as tf

from keras_gans.errors import UsageError

STRATEGIES = ("auto", "one_device", "mirrored", "multi_worker")


def make_strategy(name="auto"):
    """Returns the strategy called ``name``.

    ``auto`` picks ``multi_worker`` when ``TF_CONFIG`` describes a cluster, ``mirrored`` when more
    than one GPU is visible and ``one_device`` otherwise; ``one_device`` is TensorFlow's default
    strategy where there is no GPU. ``multi_worker`` must be created before
    any other TensorFlow op runs in the process.
    """
    if name not in STRATEGIES:
        raise UsageError(f"Unknown strategy {name!r}. Known strategies: {', '.join(STRATEGIES)}.")
    if name == "auto":
        if _cluster_from_tf_config():
            name = "multi_worker"
        elif len(tf.config.list_logical_devices("GPU")) > 1:
            name = "mirrored"
        else:
            name = "one_device"
    if name == "multi_worker":
        if not _cluster_from_tf_config():
            raise UsageError(
                "--strategy=multi_worker needs the TF_CONFIG environment variable describing the "
                'cluster, e.g. {"cluster": {"worker": ["host1:port", "host2:port"]}, '
                '"task": {"type": "worker", "index": 0}}.'
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    # Every visible GPU, or every logical CPU device when there is no GPU.
    devices = [d.name for d in tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")]
    if name == "mirrored":
        return tf.distribute.MirroredStrategy(devices)
    if not tf.config.list_logical_devices("GPU"):
        # The default strategy: the CPU needs no copy of each batch to a device, and the
        # OneDeviceStrategy's copying iterator runs tf.data's autotuning thread on datasets of its
        # own (without `keras_gans.data.pipeline_options`), which freeing it waits for: up to a
        # minute at the end of every fit. (With a GPU, copying ahead of the step is worth that.)
        if tf.distribute.has_strategy():
            raise UsageError("make_strategy('one_device') was called inside another strategy's scope; "
                             "call it outside any strategy.scope().")
        return tf.distribute.get_strategy()
    return tf.distribute.OneDeviceStrategy(devices[0])


def _cluster_from_tf_config():
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    return config.get("cluster")


def is_chief(strategy):
    """Whether this process writes logs, checkpoints and the final model (worker 0 or the chief)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief


def worker_id(strategy):
    resolver = getattr(strategy, "cluster_resolver", None)
    return resolver.task_id if resolver is not None and resolver.task_id is not None else 0
