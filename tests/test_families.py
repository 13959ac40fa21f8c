"""The battery every registered family passes, parametrised over `keras_gans.models.available()`: a
new family gets it by registering. Per-family files keep only what is particular to a family.

Checked for each family: shapes, one step (eager) changes G and D with finite losses, the ``.keras``
round trip in safe mode (`conftest.run_family_test`); one mixed-precision step, traced, as every
family's step is in training; two replicas equal one
device with every stabiliser it takes; each stabiliser accepted or refused with a clear error;
the sampling hook (`keras_gans.zoo.Generator` sampling N(0, I) latents, with codes where the
family has them); SavedModel export of its generator. Mixed precision runs one policy per family
and replica parity (eager) one family per path by default, the rest of both under ``slow`` (see
`BFLOAT16_BY_DEFAULT` and `PARITY_COVERED_BY`), and one family's parity traced as in training.
"""

import os
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest

import family_cases
from conftest import REPO_ROOT, run_family_test, run_translation_family_test
from keras_gans import models, sampling, zoo
from keras_gans.errors import UsageError
from keras_gans.models.base import STABILIZERS, batch_norm_layers

FAMILIES = models.available()


@pytest.mark.parametrize("name", FAMILIES)
def test_shapes_one_step_and_keras_round_trip(name, tmp_path):
    options = family_cases.network_options(name)
    if family_cases.is_translation(name):
        run_translation_family_test(name, tmp_path, family_cases.image_shape(name), **options)
    else:
        num_classes = 10 if family_cases.family(name).conditional else 0
        run_family_test(name, tmp_path, family_cases.image_shape(name), num_classes, **options)


# Each family runs one policy by default and the other under `slow`: float16 (with loss scaling,
# the one that skips steps and scales gradient penalties) for the families with their own numerics
# and for any new family, bfloat16 for these, one of each kind (pix2pix against cyclegan).
BFLOAT16_BY_DEFAULT = {"dcgan", "gan", "lsgan", "sngan", "stylegan", "wgan", "pix2pix"}


def mixed_precision_cases():
    cases = []
    for name in FAMILIES:
        default, other = ("mixed_bfloat16", "mixed_float16") if name in BFLOAT16_BY_DEFAULT else (
            "mixed_float16", "mixed_bfloat16")
        cases += [pytest.param(name, default, id=f"{name}-{default}"),
                  pytest.param(name, other, id=f"{name}-{other}", marks=pytest.mark.slow)]
    return cases


@pytest.mark.parametrize("name, policy", mixed_precision_cases())
def test_mixed_precision_trains(name, policy):
    """Under mixed_float16 with dynamic loss scaling, and under mixed_bfloat16 without, steps run
    with finite losses and change both networks; under float16 the first few may be skipped while
    the loss scale drops from 2^15 to what fits."""
    previous = keras.mixed_precision.dtype_policy()
    keras.mixed_precision.set_dtype_policy(policy)
    try:
        gan = family_cases.build(name)
        optimizers = [keras.optimizers.Adam(1e-3) for _ in range(2)]
        if policy == "mixed_float16":
            optimizers = [keras.optimizers.LossScaleOptimizer(optimizer) for optimizer in optimizers]
        gan.compile(*optimizers)
        networks = (gan.generator, gan.discriminator)
        before = [[w.numpy() for w in network.trainable_weights] for network in networks]
        first, second = family_cases.training_data(name, steps=1, batches_per_step=gan.real_batches_per_step)
        for _ in range(8):  # BigGAN's D skips 4 steps, to a loss scale of 2^11
            logs = gan.train_on_batch(first, second, return_dict=True)
            assert all(np.isfinite(v) for v in logs.values()), logs
            changed = [any(not np.array_equal(b, w.numpy()) for b, w in zip(weights, network.trainable_weights))
                       for weights, network in zip(before, networks)]
            if all(changed):
                break
    finally:
        keras.mixed_precision.set_dtype_policy(previous)
    assert all(changed), dict(zip(("generator", "discriminator"), changed))


@pytest.mark.parametrize("name", FAMILIES)
def test_each_stabilizer_is_applied_or_refused_by_name(name):
    gan = family_cases.build(name)
    for stabilizer in STABILIZERS:
        setting = {stabilizer: family_cases.STABILIZER_SETTINGS[stabilizer]}
        if stabilizer == "label_smoothing":
            setting["loss"] = "non_saturating"
        compile_with = lambda: gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), **setting)  # noqa: E731
        if stabilizer in family_cases.family(name).stabilizers:
            compile_with()
        else:
            with pytest.raises(UsageError, match=f"^{stabilizer} does not apply to {name}; families that take it: "):
                compile_with()


# Replica parity runs eagerly (tests/replica_parity.py says why that is enough), by default for
# every family but these, whose step adds nothing a replica could get wrong beyond the family named
# (they run under `slow`). The default set keeps one family per path: its own train_step (cyclegan,
# pix2pix), its own random draws (infogan's codes, stylegan's mixing, dragan's and wgan_gp's penalty
# points), weight clipping, n_critic and D's synchronised batch norm (wgan, as DCGAN's D), spectral
# norm's power iteration with class-conditional batch norm (biggan). Losses are per example,
# reduced by the shared step. A new family runs. One family also runs traced, with Grappler, as in
# training: wgan, whose step has latent draws, n_critic D updates, clipping and synchronised batch norm.
PARITY_COVERED_BY = {"gan": "dragan", "dcgan": "wgan", "lsgan": "wgan", "acgan": "biggan", "cgan": "biggan",
                     "sngan": "biggan"}
TRACED_PARITY_SENTINEL = "wgan"
PARITY_TESTS = ("test_two_replicas_train_as_one_device_with_every_stabilizer", "test_two_replicas_traced_as_in_training")


@pytest.fixture(scope="module")
def replica_parity_runs(request, tmp_path_factory):
    """The runs whose parity test is selected (`-k`, `-m` and node ids narrow them), trained two steps
    on one device and on two replicas by two worker processes in parallel (each worker's Python is
    single-threaded)."""
    out = tmp_path_factory.mktemp("parity")
    selected = [item.callspec.params["name"] + (":traced" if item.originalname == PARITY_TESTS[1] else "")
                for item in request.session.items if getattr(item, "originalname", None) in PARITY_TESTS]
    selected.sort(key=lambda run: not run.endswith(":traced"))  # the traced run, the longest, then the eager ones alternate
    halves = [selected[0::2], selected[1::2]]
    workers = [
        subprocess.Popen([sys.executable, str(REPO_ROOT / "tests" / "replica_parity.py"), str(out), *half],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for half in halves if half
    ]
    logs = [worker.communicate(timeout=1200)[0] for worker in workers]
    return out, "\n".join(log[-3000:] for log in logs)


def assert_replicas_equal_one_device(out, log, stem):
    error = out / f"{stem}.error"
    assert not error.exists(), error.read_text()[-3000:]
    assert (out / f"{stem}.npz").exists(), log
    runs = np.load(out / f"{stem}.npz")
    count = len([key for key in runs if key.startswith("one_device/")])
    assert count > 20  # G, D, the weight average, both optimizers' slots, RNG states
    for i in range(count):
        one, mirrored = runs[f"one_device/{i}"], runs[f"mirrored/{i}"]
        np.testing.assert_allclose(mirrored, one, rtol=1e-4, atol=1e-5, err_msg=f"variable {i}")


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.slow) if name in PARITY_COVERED_BY else name
                                  for name in FAMILIES])
def test_two_replicas_train_as_one_device_with_every_stabilizer(name, replica_parity_runs):
    assert_replicas_equal_one_device(*replica_parity_runs, name)


@pytest.mark.parametrize("name", [TRACED_PARITY_SENTINEL])
def test_two_replicas_traced_as_in_training(name, replica_parity_runs):
    assert_replicas_equal_one_device(*replica_parity_runs, f"{name}.traced")


@pytest.mark.parametrize("name", [name for name in FAMILIES if not family_cases.is_translation(name)])
def test_sampling_hook_draws_what_the_family_trains_on(name):
    gan = family_cases.build(name)
    generator = zoo.Generator(gan.sampling_generator, {"name": name, "num_classes": gan.num_classes})
    labels = generator.labels(None, 4)
    z = sampling.latents(4, gan.latent_dim, seed=5)
    images = generator.sample(4, seed=5)
    np.testing.assert_array_equal(images, generator.generate(z, labels))
    # The latents the zoo draws are those the training step draws: standard normal.
    trained_on = np.asarray(gan.sample_latent(4000))
    assert abs(trained_on.mean()) < 0.05 and abs(trained_on.std() - 1) < 0.05
    if generator.latent_codes:
        coded = generator.sample(4, seed=5, codes={"category": 1})
        assert coded.shape == images.shape and not np.array_equal(coded, images)
    else:
        with pytest.raises(UsageError, match="has no latent codes to set"):
            generator.sample(4, seed=5, codes={"category": 1})


@pytest.mark.parametrize("name", [name for name in FAMILIES if not family_cases.is_translation(name)])
def test_the_averaged_generator_normalises_with_statistics_of_its_own_activations(name):
    """The EMA generator's batch norm must not use statistics copied from G: they belong to G's
    weights, not to their average (a 3-epoch BigGAN sampled pure texture with them). Read as the
    sampling generator, it normalises as with the batch statistics of its own activations."""
    gan = family_cases.build(name, ema_decay=0.999)
    if not batch_norm_layers(gan.ema_generator):
        pytest.skip(f"{name}'s generator has no batch norm")
    # The average moves away from the weights its copied statistics belong to, as in training.
    for weight in gan.ema_generator.trainable_weights:
        weight.assign(weight * 3.0)
    z = sampling.latents(1024, gan.latent_dim, seed=7)
    labels = np.arange(1024, dtype="int32") % 10
    inputs = gan.generator_inputs(z, labels if gan.conditional else None)
    with_batch_statistics = keras.models.clone_model(gan.ema_generator)
    with_batch_statistics.set_weights(gan.ema_generator.get_weights())
    expected = np.asarray(with_batch_statistics(inputs, training=True))
    with warnings.catch_warnings():  # an unconditional G once took its labels modulo 0 classes
        warnings.simplefilter("error", RuntimeWarning)
        averaged = gan.sampling_generator
    sampled = np.asarray(averaged(inputs, training=False))
    # Estimated from other draws than these, the statistics differ by sampling noise alone: 2-5% of
    # the images' mean magnitude here, against 58-70% with the statistics copied from G.
    assert np.abs(sampled - expected).mean() < 0.1 * np.abs(expected).mean()


@pytest.mark.parametrize("name", FAMILIES)
def test_saved_model_export_of_the_generator(name, tmp_path):
    import tensorflow as tf

    from keras_gans import export, zoo

    gan = family_cases.build(name)
    if family_cases.is_translation(name):
        # Image-to-image generators export as a plain serving function of the input image.
        gan.generator.export(str(tmp_path / "saved"), format="tf_saved_model", verbose=False)
        images = family_cases.training_data(name, steps=1)[0]
        loaded = tf.saved_model.load(str(tmp_path / "saved"))  # kept: its variables live as long as it does
        served = loaded.serve(tf.constant(images))
        np.testing.assert_allclose(np.asarray(served), np.asarray(gan.generator(images, training=False)), atol=1e-5)
        return
    card = {"name": name, "num_classes": gan.num_classes, "class_names": [str(c) for c in range(gan.num_classes)]}
    path = export.export_saved_model(zoo.Generator(gan.sampling_generator, card), str(tmp_path))
    assert os.path.isfile(os.path.join(path, "saved_model.pb"))


@pytest.mark.parametrize("name", FAMILIES)
def test_every_option_of_the_family_is_declared_and_becomes_a_train_flag(name):
    """An option's default is its signature's and its help the family's ``hyperparameters``: the
    train CLI makes the flag from both, so a new family's options need no code in train.py."""
    from keras_gans import train

    for option, hyperparameter in models.hyperparameters(name).items():
        assert hyperparameter.help, f"{name} declares no help for {option}"
        assert hyperparameter.stage in ("networks", "compile")
        assert option in train.all_hyperparameter_names()
