"""Per-example randomness and statistics that do not depend on how many replicas share a batch.

Under a `tf.distribute` strategy every replica runs the same step on its rows of the global
batch, and a `keras.random.SeedGenerator` owned by the model (or a layer) hands every replica the
SAME numbers. So each per-example draw here is made for the whole global batch, with the seed all
replicas share, and this replica keeps its own rows: one device and N replicas draw the same
numbers for the same example, and a run does not depend on how many replicas it has. Outside a
replica context (or on one device) these are plain `keras.random` draws.

Every draw's first dimension is this replica's batch size (a tensor is fine).
"""

import keras
import tensorflow as tf
from keras import ops


def replicas_and_id():
    """(replicas in sync, this replica's id); (1, 0) outside a replica context."""
    context = tf.distribute.get_replica_context()
    if context is None:
        return 1, 0
    return context.num_replicas_in_sync, context.replica_id_in_sync_group


def _own_rows(draw, shape):
    return own_rows(draw((size(shape[0]), *shape[1:])))


def normal(shape, seed, mean=0.0, stddev=1.0, dtype=None):
    """`keras.random.normal` for this replica's rows of the global batch."""
    return _own_rows(lambda s: keras.random.normal(s, mean, stddev, dtype=dtype, seed=seed), shape)


def uniform(shape, seed, minval=0.0, maxval=1.0, dtype=None):
    """`keras.random.uniform` for this replica's rows of the global batch."""
    return _own_rows(lambda s: keras.random.uniform(s, minval, maxval, dtype=dtype, seed=seed), shape)


def randint(shape, seed, minval, maxval):
    """`keras.random.randint` (int32, in [minval, maxval)) for this replica's rows."""
    return _own_rows(lambda s: keras.random.randint(s, minval, maxval, dtype="int32", seed=seed), shape)


def size(local_batch_size):
    """The global batch size, from this replica's."""
    return local_batch_size * replicas_and_id()[0]


def mean(values):
    """The mean over axis 0 of the global batch, the same on every replica."""
    context = tf.distribute.get_replica_context()
    local_sum = ops.sum(values, axis=0)
    count = ops.cast(size(ops.shape(values)[0]), values.dtype)
    if context is not None and context.num_replicas_in_sync > 1:
        local_sum = context.all_reduce(tf.distribute.ReduceOp.SUM, local_sum)
    return local_sum / count


def gather(values):
    """The whole global batch (every replica's rows, in replica order), on every replica."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return values
    return context.all_gather(values, axis=0)


def own_rows(global_values):
    """This replica's rows of a tensor that holds the whole global batch."""
    replicas, replica_id = replicas_and_id()
    rows = ops.shape(global_values)[0] // replicas
    return global_values[replica_id * rows : (replica_id + 1) * rows]
