"""The keras-io "Conditional GAN" example (Sayak Paul, 2021; Keras 3 version of 2024/01/02) as a
benchmark peer of the cgan recipe, trained on Fashion-MNIST.

    python benchmarks/keras_io_cgan.py --data_dir=../shared/data/fashion_mnist --workdir=/tmp/peer \
        [--seconds=600] [--steps=N] [--label_maps=published]

Each call trains one chunk and continues from ``--workdir``: it restores the state the previous
chunk left (``checkpoints/``: G, D, both optimizers and the latent RNG), trains until ``--seconds``
have passed in Keras' ``fit`` or ``--steps`` steps are done, then saves the state,
``generator.keras`` (the wrapped generator below, which ``python -m keras_gans.evaluate`` takes)
and ``progress.json`` (steps, images and seconds in fit so far).
`benchmarks/time_to_quality.py` drives it.

Source: https://github.com/keras-team/keras-io/blob/master/examples/generative/conditional_gan.py
(page https://keras.io/examples/generative/conditional_gan/). Checked against the stored copies of
that file at keras-io commits 2dd71c68bd2a1ebbe588f3571571abcb16d96c27 and
8bda227c08adf855a8b9ec579840e2a7171fff60 (tf.keras, "Last modified 2021/07/15") and the rendered
Keras 3 version ("Last modified 2024/01/02": the same networks and step in keras.ops, LeakyReLU's
``negative_slope``, a ``keras.random.SeedGenerator(1337)`` for the latents). As published:

* constants: batch 64, latent_dim 128, 10 classes, 28x28x1 images scaled to [0, 1];
  data ``shuffle(buffer_size=1024).batch(64)`` (the last, partial batch of an epoch kept).
* D (Sequential, input 28x28x(1+10)): Conv2D(64, 3, strides 2, same), LeakyReLU(0.2),
  Conv2D(128, 3, strides 2, same), LeakyReLU(0.2), GlobalMaxPooling2D, Dense(1) (a logit).
* G (Sequential, input 128+10 = z concatenated with the one-hot label): Dense(7*7*138),
  LeakyReLU(0.2), Reshape(7, 7, 138), Conv2DTranspose(128, 4, strides 2, same), LeakyReLU(0.2),
  Conv2DTranspose(128, 4, strides 2, same), LeakyReLU(0.2), Conv2D(1, 7, same, sigmoid).
* step: one D update on [fake; real] (each image with its label maps concatenated as 10 extra
  channels) with targets 1 for fake and 0 for real, then one G update on fresh latents with target
  0 ("all real"); BinaryCrossentropy(from_logits=True); Adam(3e-4) (Keras defaults beta_1 0.9,
  beta_2 0.999) for both; default weight initialisers; ``compile`` leaves ``jit_compile="auto"``,
  which Keras resolves to XLA where TensorFlow sees a GPU and to no XLA on CPU-only machines
  (``progress.json`` records which).
* the label maps, faithfully: the published ``ops.repeat(one_hot[:, :, None, None],
  repeats=[28 * 28])`` has no ``axis``, so it flattens and repeats each one-hot entry 784 times; the
  reshape to (28, 28, 10) then gives, for class c, a horizontal band of ones about 2.8 rows high
  (rows 2.8c to 2.8(c+1), all 10 channels) and zeros elsewhere, not the one-hot broadcast to every
  pixel that the example's text describes. D sees the class only as where that band lies, and
  after two small convolutions and a global max pooling (blind to where a feature is) it can read
  that only through how the band meets the image and the borders. ``--label_maps=broadcast``
  trains the intended per-pixel one-hot instead (the keras_io_broadcast arm of time_to_quality.py),
  to measure what the quirk costs.

Deviations, each needed to make it a benchmark peer:

1. Data: the Fashion-MNIST train split (60,000 images) read by ``keras_gans.data.load_source``,
   not MNIST train + test (70,000): the test split stays held out, since ``keras_gans.evaluate``
   compares samples with it, and the recipe trains on the same 60,000.
2. Training runs in chunks (``--seconds``/``--steps``) that checkpoint and restore the whole
   state, instead of one ``fit(dataset, epochs=20)``. The data order is the uninterrupted one:
   the seeded shuffle is repeated and the steps already taken are skipped. Each epoch still ends
   with its partial batch of 60,000 - 937 x 64 = 32 images.
3. Seeds: ``keras.utils.set_random_seed(--seed)`` before building (the example does not seed
   its weights) and a seeded shuffle; the latent SeedGenerator keeps the example's 1337.
4. What is saved for evaluation is the trained G wrapped to keras_gans' generator interface:
   inputs ``z`` (float32 [n, 128]) and ``label`` (int32 [n]), output in [-1, 1]. The one-hot
   is a frozen Embedding(10, 10) with identity weights (bit for bit ``one_hot(label)``, and the
   layer keras_gans reads a conditional generator's class count from), then Concatenate, the
   unchanged G, and Rescaling(2, offset=-1). Built-in layers only: ``keras.saving.load_model``
   reads it in safe mode in a process that never imports this module.
5. The optimizers are built before the first step (to restore their state), not lazily.
"""

import json
import math
import os
import sys
import time

BATCH_SIZE = 64
NUM_CHANNELS = 1
NUM_CLASSES = 10
IMAGE_SIZE = 28
LATENT_DIM = 128
LEARNING_RATE = 3e-4
SHUFFLE_BUFFER = 1024
LATENT_SEED = 1337  # the example's keras.random.SeedGenerator(1337)
LABEL_MAPS = ("published", "broadcast")

GENERATOR_FILE = "generator.keras"
PROGRESS_FILE = "progress.json"


def build_discriminator():
    import keras
    from keras import layers

    discriminator_in_channels = NUM_CHANNELS + NUM_CLASSES
    return keras.Sequential(
        [
            keras.layers.InputLayer((IMAGE_SIZE, IMAGE_SIZE, discriminator_in_channels)),
            layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )


def build_generator():
    import keras
    from keras import layers

    generator_in_channels = LATENT_DIM + NUM_CLASSES
    return keras.Sequential(
        [
            keras.layers.InputLayer((generator_in_channels,)),
            # 128 + num_classes coefficients reshaped into a 7x7x(128 + num_classes) map.
            layers.Dense(7 * 7 * generator_in_channels),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, generator_in_channels)),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
        ],
        name="generator",
    )


def label_maps(one_hot_labels, mode="published"):
    """[n, 10] one-hot labels -> [n, 28, 28, 10] maps for D: ``published`` is the example's code
    (a band of rows, see the module docstring), ``broadcast`` the one-hot at every pixel."""
    from keras import ops

    if mode == "published":
        maps = one_hot_labels[:, :, None, None]
        maps = ops.repeat(maps, repeats=[IMAGE_SIZE * IMAGE_SIZE])
        return ops.reshape(maps, (-1, IMAGE_SIZE, IMAGE_SIZE, NUM_CLASSES))
    if mode == "broadcast":
        maps = one_hot_labels[:, None, None, :]
        return ops.broadcast_to(maps, (ops.shape(one_hot_labels)[0], IMAGE_SIZE, IMAGE_SIZE, NUM_CLASSES))
    raise ValueError(f"label_maps must be one of {', '.join(LABEL_MAPS)}; got {mode!r}")


def _conditional_gan_class():
    """The example's ConditionalGAN (defined lazily so that importing this module stays cheap)."""
    import keras
    import tensorflow as tf
    from keras import ops

    class ConditionalGAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim, label_maps="published"):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.label_maps = label_maps
            self.seed_generator = keras.random.SeedGenerator(LATENT_SEED)
            self.gen_loss_tracker = keras.metrics.Mean(name="generator_loss")
            self.disc_loss_tracker = keras.metrics.Mean(name="discriminator_loss")

        @property
        def metrics(self):
            return [self.gen_loss_tracker, self.disc_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def train_step(self, data):
            # Unpack the data.
            real_images, one_hot_labels = data

            # The labels as image channels, for the discriminator.
            image_one_hot_labels = label_maps(one_hot_labels, self.label_maps)

            # Sample random points in the latent space and concatenate the labels.
            # This is for the generator.
            batch_size = ops.shape(real_images)[0]
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )
            random_vector_labels = ops.concatenate([random_latent_vectors, one_hot_labels], axis=1)

            # Decode the noise (guided by labels) to fake images.
            generated_images = self.generator(random_vector_labels)

            # Combine them with real images, each with its label maps.
            fake_image_and_labels = ops.concatenate([generated_images, image_one_hot_labels], -1)
            real_image_and_labels = ops.concatenate([real_images, image_one_hot_labels], -1)
            combined_images = ops.concatenate([fake_image_and_labels, real_image_and_labels], axis=0)

            # Assemble labels discriminating real from fake images.
            labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)

            # Train the discriminator.
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined_images)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

            # Sample random points in the latent space.
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )
            random_vector_labels = ops.concatenate([random_latent_vectors, one_hot_labels], axis=1)

            # Assemble labels that say "all real images".
            misleading_labels = ops.zeros((batch_size, 1))

            # Train the generator (not the discriminator's weights).
            with tf.GradientTape() as tape:
                fake_images = self.generator(random_vector_labels)
                fake_image_and_labels = ops.concatenate([fake_images, image_one_hot_labels], -1)
                predictions = self.discriminator(fake_image_and_labels)
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

            # Monitor loss.
            self.gen_loss_tracker.update_state(g_loss)
            self.disc_loss_tracker.update_state(d_loss)
            return {
                "g_loss": self.gen_loss_tracker.result(),
                "d_loss": self.disc_loss_tracker.result(),
            }

    return ConditionalGAN


def build_peer(seed=0, label_maps="published"):
    """The example's compiled ConditionalGAN, its optimizers built (so a checkpoint restores them)."""
    import keras

    if label_maps not in LABEL_MAPS:
        raise ValueError(f"label_maps must be one of {', '.join(LABEL_MAPS)}; got {label_maps!r}")
    keras.utils.set_random_seed(seed)
    cond_gan = _conditional_gan_class()(
        discriminator=build_discriminator(), generator=build_generator(), latent_dim=LATENT_DIM, label_maps=label_maps
    )
    cond_gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        g_optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    cond_gan.d_optimizer.build(cond_gan.discriminator.trainable_variables)
    cond_gan.g_optimizer.build(cond_gan.generator.trainable_variables)
    return cond_gan


def wrap_generator(generator):
    """keras_gans' generator interface around the example's G: ``[z, label]`` -> images in [-1, 1]."""
    import keras
    from keras import layers

    z = keras.Input((LATENT_DIM,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    one_hot = layers.Embedding(
        NUM_CLASSES, NUM_CLASSES, embeddings_initializer=keras.initializers.Identity(), trainable=False, name="one_hot"
    )(label)
    images = generator(layers.Concatenate(name="z_and_one_hot")([z, one_hot]))
    images = layers.Rescaling(2.0, offset=-1.0, name="image")(images)
    return keras.Model([z, label], images, name="keras_io_cgan_generator")


def make_dataset(data_dir, dataset="fashion_mnist", seed=0, max_examples=None):
    """(the example's pipeline on the train split: [0, 1] images and one-hot labels, shuffled with
    a 1024 buffer, batches of 64 with each epoch's last partial batch, repeated; batches per epoch;
    examples per epoch)."""
    import tensorflow as tf

    from keras_gans import data

    source = data.load_source(dataset, data_dir=data_dir, split="train", max_examples=max_examples)
    if source.kind != "labelled" or source.image_shape != (IMAGE_SIZE, IMAGE_SIZE, NUM_CHANNELS):
        raise ValueError(f"the keras-io example takes labelled 28x28x1 images; {source.description} holds "
                         f"{source.kind} {source.image_shape} images")
    if source.num_classes != NUM_CLASSES:
        raise ValueError(f"the keras-io example takes {NUM_CLASSES} classes; "
                         f"{source.description} has {source.num_classes}")
    pipeline = source.dataset.map(
        lambda image, label: (tf.cast(image, tf.float32) / 255.0, tf.one_hot(label, NUM_CLASSES)),
        num_parallel_calls=tf.data.AUTOTUNE,
    ).cache()
    pipeline = pipeline.shuffle(SHUFFLE_BUFFER, seed=seed, reshuffle_each_iteration=True).batch(BATCH_SIZE)
    steps_per_epoch = math.ceil(source.num_examples / BATCH_SIZE)
    return pipeline.repeat().prefetch(tf.data.AUTOTUNE), steps_per_epoch, source.num_examples


def _checkpoint(cond_gan):
    import tensorflow as tf

    return tf.train.Checkpoint(
        generator=cond_gan.generator, discriminator=cond_gan.discriminator, g_optimizer=cond_gan.g_optimizer,
        d_optimizer=cond_gan.d_optimizer, rng_state=cond_gan.seed_generator.state,
    )


def read_progress(workdir):
    path = os.path.join(workdir, PROGRESS_FILE)
    if not os.path.isfile(path):
        return {"steps": 0, "images": 0, "fit_seconds": 0.0, "chunks": 0}
    with open(path) as f:
        return json.load(f)


def train_chunk(workdir, data_dir, dataset="fashion_mnist", seconds=None, steps=None, seed=0,
                label_maps="published", max_examples=None, verbose=0):
    """Trains one chunk in ``workdir`` (continuing what is there) for ``seconds`` in Keras' fit
    or ``steps`` more steps, whichever comes first (at least one step); saves the state,
    generator.keras and progress.json and returns the progress dict, whose ``fit_seconds`` adds up
    the time spent in fit (tracing included; start-up, data loading and saving not)."""
    import keras
    import tensorflow as tf

    from keras_gans import files

    if seconds is None and steps is None:
        raise ValueError("give a number of seconds or of steps")
    os.makedirs(workdir, exist_ok=True)
    progress = read_progress(workdir)
    if progress.get("label_maps", label_maps) != label_maps or progress.get("seed", seed) != seed:
        raise ValueError(f"{workdir} holds a run with label_maps={progress.get('label_maps')!r}, "
                         f"seed={progress.get('seed')}; use another workdir")
    cond_gan = build_peer(seed, label_maps)
    manager = tf.train.CheckpointManager(_checkpoint(cond_gan), os.path.join(workdir, "checkpoints"), max_to_keep=1)
    if manager.latest_checkpoint:
        manager.checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
    done = int(cond_gan.g_optimizer.iterations.numpy())
    if done != progress["steps"]:
        raise ValueError(f"{workdir}: the checkpoint is at step {done} but progress.json says {progress['steps']}")
    pipeline, steps_per_epoch, num_examples = make_dataset(data_dir, dataset, seed, max_examples)

    class Limit(keras.callbacks.Callback):
        def __init__(self, started):
            super().__init__()
            self.steps, self.started = 0, started

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1
            if (steps is not None and self.steps >= steps) or (
                    seconds is not None and time.perf_counter() - self.started >= seconds):
                self.model.stop_training = True

    started = time.perf_counter()
    limit = Limit(started)
    # Batches of the uninterrupted run: the repeated, seeded shuffle from the steps already done.
    cond_gan.fit(pipeline.skip(done), epochs=10**9, steps_per_epoch=steps_per_epoch, callbacks=[limit],
                 verbose=verbose, shuffle=False)  # the pipeline shuffles (fit ignores shuffle for datasets)
    fit_seconds = time.perf_counter() - started
    manager.save(checkpoint_number=done + limit.steps)
    with files.atomic_write(os.path.join(workdir, GENERATOR_FILE)) as temporary:
        wrap_generator(cond_gan.generator).save(temporary)
    images = progress["images"] + _images_in_steps(done, limit.steps, steps_per_epoch, num_examples)
    progress = {
        "steps": done + limit.steps,
        "images": images,
        "epochs": round(images / num_examples, 4),
        "fit_seconds": round(progress["fit_seconds"] + fit_seconds, 3),
        "chunks": progress["chunks"] + 1,
        "jit_compile": bool(cond_gan.jit_compile),
        "label_maps": label_maps,
        "seed": seed,
    }
    with files.atomic_write(os.path.join(workdir, PROGRESS_FILE)) as temporary, open(temporary, "w") as f:
        json.dump(progress, f, indent=2)
    return progress


def _images_in_steps(start, count, steps_per_epoch, num_examples):
    """Images in steps ``start`` .. ``start + count - 1`` when each epoch's last batch is partial."""
    last = num_examples - (steps_per_epoch - 1) * BATCH_SIZE
    return sum(last if (step + 1) % steps_per_epoch == 0 else BATCH_SIZE for step in range(start, start + count))


def main(argv):
    del argv
    from absl import flags

    f = flags.FLAGS
    if f.seconds is None and f.steps is None:
        print("error: give --seconds or --steps", file=sys.stderr)
        return 1
    progress = train_chunk(f.workdir, f.data_dir, f.dataset, f.seconds, f.steps, f.seed, f.label_maps, f.max_examples,
                           verbose=2 if f.verbose else 0)
    print(json.dumps(progress))
    return 0


if __name__ == "__main__":
    from absl import app, flags

    flags.DEFINE_string("data_dir", None, "Fashion-MNIST IDX folder (or TFDS data_dir).")
    flags.DEFINE_string("dataset", "fashion_mnist", "Dataset name for keras_gans.data.load_source.")
    flags.DEFINE_string("workdir", None, "Folder of the run: state, generator.keras, progress.json.")
    flags.DEFINE_float("seconds", None, "Train until this many seconds have passed in Keras' fit.")
    flags.DEFINE_integer("steps", None, "Train this many steps (at most, with a time limit too).")
    flags.DEFINE_integer("seed", 0, "Seed of the weights and the data order.")
    flags.DEFINE_enum("label_maps", "published", list(LABEL_MAPS),
                      "D's label channels: the example's code (published) or the one-hot at every pixel (broadcast).")
    flags.DEFINE_integer("max_examples", None, "Use only the first N training examples.")
    flags.DEFINE_boolean("verbose", False, "Keras' per-epoch log lines.")
    flags.mark_flags_as_required(["data_dir", "workdir"])
    sys.exit(app.run(main))
