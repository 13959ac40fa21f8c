"""Training throughput of a GAN family (images/s, median over epochs after the first).

    python benchmarks/train_throughput.py --data_dir=../shared/data/fashion_mnist \
        [--model=cgan --batch_size=128 --epochs=4 --max_examples=12800] [--jit_compile]

Each epoch is timed by the `Throughput` callback that every training run uses; the first epoch
includes tracing (and XLA compilation) and is left out of the median.
"""

import statistics
import sys
import tempfile

from absl import app, flags

from keras_gans import train


def main(argv):
    del argv
    kwargs = {name: flags.FLAGS[name].value for name in train.run_argument_names()}
    with tempfile.TemporaryDirectory() as logdir:
        result = train.run(**{**kwargs, "logdir": logdir, "steps": 0}, verbose=0)
    later = result.images_per_second[1:]
    print(f"model={kwargs['model']} batch_size={kwargs['batch_size']} jit_compile={kwargs['jit_compile']} "
          f"mixed_precision={kwargs['mixed_precision']} epochs={len(result.images_per_second)}")
    print("images/s per epoch:", " ".join(f"{v:.1f}" for v in result.images_per_second))
    print(f"median after the first: {statistics.median(later):.1f} images/s")
    return 0


if __name__ == "__main__":
    train.define_flags()
    flags.FLAGS.set_default("batch_size", 128)
    flags.FLAGS.set_default("epochs", 4)
    flags.FLAGS.set_default("max_examples", 12800)
    flags.FLAGS.set_default("checkpoint_every", 0)
    flags.FLAGS.set_default("log_every", 1000)
    sys.exit(app.run(main))
