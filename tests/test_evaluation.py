"""Feature networks, the shipped domain classifiers, the Evaluator, the evaluate CLI and the
training-time evaluation callback."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from conftest import build_family, summary_kinds
from keras_gans import data
from keras_gans.errors import UsageError
from keras_gans.metrics import classifier, evaluation, feature_nets
from keras_gans.metrics.fid import frechet_distance


@pytest.mark.parametrize("dataset, minimum", [("fashion_mnist", 0.90), ("mnist", 0.98)])
def test_shipped_classifier_accuracy_on_the_real_test_split(shared_data, dataset, minimum):
    model, metadata = classifier.load_shipped(dataset)
    images, labels, class_names = classifier.load_split(dataset, str(shared_data / dataset), "test")
    assert len(labels) == 10000 and list(class_names) == metadata["class_names"]
    measured = classifier.accuracy(model, images, labels)
    assert measured >= minimum
    assert measured == pytest.approx(metadata["test_accuracy"], abs=1e-3)


@pytest.mark.parametrize("dataset", ["fashion_mnist", "mnist"])
def test_shipped_features_barely_move_under_noise_a_person_cannot_see(shared_data, dataset):
    """Issue 19: before the classifiers were trained with `Imperceptible`, Gaussian noise of std
    0.02 (2.5 grey levels) tripled Fashion-MNIST's real-vs-real FID."""
    from keras_gans.metrics.fid import frechet_distance

    network, metadata = feature_nets.domain(dataset)
    assert metadata["recipe"]["max_noise_std"] > 0 and metadata["recipe"]["max_blur"] > 0
    test, _, _ = classifier.load_split(dataset, str(shared_data / dataset), "test")
    train, _, _ = classifier.load_split(dataset, str(shared_data / dataset), "train")
    real = train[np.random.default_rng(0).choice(len(train), 5000, replace=False)]
    noisy = np.clip(real + 0.02 * np.random.default_rng(1).standard_normal(real.shape).astype(np.float32), -1, 1)
    test_features = network.embed(test)[0]
    reference = frechet_distance(test_features, network.embed(real)[0])
    assert frechet_distance(test_features, network.embed(noisy)[0]) < 1.5 * reference


def test_domain_feature_network_shapes():
    network, _ = feature_nets.domain("fashion_mnist")
    features, logits = network.embed(np.zeros((3, 28, 28, 1), np.float32))
    assert features.shape == (3, 128) and logits.shape == (3, 10) and features.dtype == np.float64
    with pytest.raises(ValueError, match=r"\(28, 28, 1\)"):
        network.embed(np.zeros((1, 32, 32, 3), np.float32))
    # Another size with the same channels is compared at the data's size (StyleGAN's 32x32).
    large = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 1)).astype(np.float32)
    resized = tf.image.resize(large, (28, 28), antialias=True).numpy()
    np.testing.assert_allclose(network.embed(large)[0], network.embed(resized)[0], atol=1e-5)


def test_inception_v3_plumbing_with_random_weights():
    """ImageNet weights cannot be downloaded here: random weights check the preprocessing path."""
    network = feature_nets.inception_v3(weights=None)
    features, logits = network.embed(np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 1)).astype(np.float32))
    assert features.shape == (2, 2048) and logits.shape == (2, 1000)
    assert np.all(np.isfinite(features))


def test_unknown_classifier_and_metric_are_clear_errors():
    with pytest.raises(UsageError, match="shipped: fashion_mnist, mnist"):
        classifier.load_shipped("cifar10")
    with pytest.raises(UsageError, match="Known metrics: fid, intra_fid, kid"):
        evaluation.parse_metrics("fid,bogus")


@pytest.fixture(scope="module")
def fashion_evaluator(shared_data):
    evaluator = evaluation.make_evaluator("fashion_mnist", str(shared_data / "fashion_mnist"))
    evaluator.cas_steps = 30  # CAS's plumbing, not its value: the full recipe takes minutes
    return evaluator


def test_evaluator_on_a_conditional_generator_and_the_reference(fashion_evaluator):
    gan = build_family("cgan", num_classes=10, width=8)
    results = fashion_evaluator.evaluate(gan.generator, num_samples=300, batch_size=100)
    per_class = [f"intra_fid_{c}" for c in range(10)]
    assert set(results) == {"fid", "intra_fid", *per_class, "kid", "kid_std", "is", "is_std", "precision", "recall",
                            "cond_acc", "cas", "modes_covered", "modes_kl", "modes_min_share"}
    assert all(np.isfinite(v) for v in results.values())
    assert results["intra_fid"] == pytest.approx(np.mean([results[k] for k in per_class]))
    reference = fashion_evaluator.reference(num_samples=300)
    # Real training images are far closer to the test split than an untrained generator's noise.
    assert reference["fid"] < results["fid"] / 10
    assert reference["intra_fid"] < results["intra_fid"] / 10
    assert reference["cond_acc"] > 0.85 and reference["modes_covered"] == 10
    assert 0 <= results["cond_acc"] <= 1 and 0 <= results["cas"] <= 1


def test_cas_of_a_generator_of_another_size_is_tested_on_the_data_at_its_size(fashion_evaluator):
    """A 32x32 generator on 28x28 data (StyleGAN): CAS's classifier learns from its samples and is
    tested on the real test split resized as the generator's training data was, so CAS is measured
    rather than failing on a shape."""
    gan = build_family("cgan", image_shape=(32, 32, 1), num_classes=10, width=8)
    results = fashion_evaluator.evaluate(gan.generator, metrics="fid,cas", num_samples=200, batch_size=100)
    assert 0 <= results["cas"] <= 1 and np.isfinite(results["fid"])


class ReplayGenerator:
    """Stands in for a generator: returns ``images`` in order, whatever the latents."""

    def __init__(self, images, latent_dim=8):
        self.images, self.start = images, 0
        self.inputs = [keras.KerasTensor((None, latent_dim))]
        self.outputs = [keras.KerasTensor((None, *images.shape[1:]))]

    def __call__(self, z, training=False):
        batch = self.images[self.start : self.start + len(z)]
        self.start += len(z)
        return batch


def test_a_generator_of_another_size_is_measured_against_the_data_at_its_size(shared_data):
    """A 32x32 generator on 28x28 MNIST (StyleGAN) learns the data as the training pipeline resizes
    it. One that reproduces that data exactly must score as real data does, not pay for the resize
    back to the feature network's 28x28: the round trip 28 -> 32 -> 28 alone blurs enough to
    multiply real-vs-real FID about thirty-fold on these features (BUILD_NOTES.md)."""
    evaluator = evaluation.make_evaluator("mnist", str(shared_data / "mnist"))
    count = 2000
    native = evaluator.reference(metrics="fid", num_samples=count)["fid"]
    # A random draw of training images: MNIST's last ones are not a fair sample of it (FID 18.9).
    pick = np.random.default_rng(1).choice(len(evaluator.train_images), count, replace=False)
    held_out = data.to_float(data.resize_images(data.to_uint8(evaluator.train_images[pick]), 32))
    replayed = evaluator.evaluate(ReplayGenerator(held_out), metrics="fid", num_samples=count, batch_size=500)["fid"]
    at_32 = evaluator.reference(metrics="fid", num_samples=count, side=32)["fid"]
    assert replayed < 1.5 * native and at_32 < 1.5 * native
    # The comparison this replaces: the resized-back real images against the test split as it is.
    blurred = frechet_distance(evaluator.test_features, evaluator.feature_net.embed(held_out)[0])
    assert blurred > 5 * native


def test_evaluator_skips_conditional_metrics_for_unconditional_generators(fashion_evaluator):
    gan = build_family("dcgan", num_classes=0, width=8)
    results = fashion_evaluator.evaluate(gan.generator, metrics="fid,intra_fid,cond_acc,cas,modes", num_samples=200)
    assert set(results) == {"fid", "modes_covered", "modes_kl", "modes_min_share"}


def test_evaluate_cli_prints_a_table_and_writes_json(shared_data, tmp_path):
    gan = build_family("cgan", num_classes=10, width=8)
    path = tmp_path / "generator.keras"
    gan.generator.save(path)
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.evaluate", f"--generator={tmp_path}", "--dataset=fashion_mnist",
         f"--data_dir={shared_data / 'fashion_mnist'}", "--metrics=fid,kid,cond_acc", "--num_samples=200"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "real train vs test" in result.stdout and "cond_acc" in result.stdout
    report = json.loads((tmp_path / "generator.eval.json").read_text())
    assert set(report["metrics"]) == {"fid", "kid", "kid_std", "cond_acc"}
    assert set(report["reference"]) == set(report["metrics"])

    bad = subprocess.run([sys.executable, "-m", "keras_gans.evaluate", f"--generator={tmp_path / 'none.keras'}"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "No .keras file at" in bad.stderr


def test_evaluate_repeats_report_the_mean_and_spread_over_latent_seeds(shared_data):
    from keras_gans import evaluate

    generator = build_family("cgan", num_classes=10, width=8).generator
    args = dict(dataset="fashion_mnist", data_dir=str(shared_data / "fashion_mnist"), metrics="fid,cond_acc",
                num_samples=200, batch_size=100)
    singles = [evaluate.evaluate(generator, seed=s, **args) for s in (3, 4)]
    repeated = evaluate.evaluate(generator, seed=3, repeats=2, **args)
    assert repeated["seeds"] == [3, 4] and singles[0]["seeds"] == [3] and "metrics_sd" not in singles[0]
    for part in ("metrics", "reference"):
        values = np.array([[single[part][m] for m in ("fid", "cond_acc")] for single in singles])
        np.testing.assert_allclose([repeated[part]["fid"], repeated[part]["cond_acc"]], values.mean(0), rtol=1e-6)
        np.testing.assert_allclose([repeated[f"{part}_sd"]["fid"], repeated[f"{part}_sd"]["cond_acc"]],
                                   values.std(0, ddof=1), rtol=1e-6, atol=1e-12)
    assert singles[0]["metrics"]["fid"] != singles[1]["metrics"]["fid"]
    table = evaluation.format_table(repeated["metrics"], repeated["reference"], repeated["metrics_sd"],
                                    repeated["reference_sd"])
    assert table.count("±") == 4
    with pytest.raises(UsageError, match="--repeats must be at least 1"):
        evaluate.evaluate(generator, repeats=0, **args)


@pytest.mark.parametrize("cas_draws", [1, 2])
def test_repeats_train_a_cas_classifier_for_the_first_cas_draws_only(fashion_evaluator, monkeypatch, cas_draws):
    """A CAS classifier takes about 19 minutes of 2 CPU cores, the rest of a draw seconds: three
    draws of a generator and of the reference trained six, most of a conditional entry's publish.
    The card and the table then show CAS without a spread."""
    from keras_gans import evaluate

    trained, untrained = [], classifier.build_classifier((28, 28, 1), 10, width=4)  # counted, not trained
    monkeypatch.setattr(classifier, "train_classifier", lambda images, *a, **k: trained.append(len(images)) or untrained)
    generator = build_family("cgan", num_classes=10, width=8).generator
    report = evaluate.evaluate(generator, "fashion_mnist", metrics="fid,cas", num_samples=200, batch_size=100,
                               repeats=2, evaluator=fashion_evaluator, cas_draws=cas_draws)
    assert trained == [200] * 2 * cas_draws  # generated and real, per CAS draw
    assert report.get("cas_seeds") == ([0] if cas_draws == 1 else None)  # said where it is not every draw
    for part in ("metrics", "reference"):
        assert set(report[part]) == {"fid", "cas"} and 0 <= report[part]["cas"] <= 1
        assert set(report[f"{part}_sd"]) == ({"fid", "cas"} if cas_draws > 1 else {"fid"})
    table = evaluation.format_table(report["metrics"], report["reference"], report["metrics_sd"], report["reference_sd"])
    assert table.count("±") == 2 * len(report["metrics_sd"])


def test_training_logs_evaluation_metrics_to_tensorboard(shared_data, tmp_path):
    from keras_gans import train

    train.run(model="cgan", dataset="fashion_mnist", data_dir=str(shared_data / "fashion_mnist"), max_examples=256,
              batch_size=64, latent_dim=16, width=8, epochs=1, eval_every=1, eval_metrics="fid,cond_acc",
              eval_samples=200, logdir=str(tmp_path / "run"), verbose=0)
    assert {"eval/fid", "eval/cond_acc"} <= summary_kinds(str(tmp_path / "run"))["scalars"]


def fid_graph_stand_in(path, rng):
    """A small frozen graph with the FID Inception graph's tensor names and its fixed batch of 1:
    ExpandDims (images in [0, 255]) -> ResizeBilinear -> pool_3 [N, 1, 1, 3] -> pool_3/_reshape
    [1, 3] -> softmax/logits/MatMul."""
    import tensorflow as tf

    weights = rng.standard_normal((3, 5)).astype("float32")
    graph = tf.Graph()
    with graph.as_default():
        images = tf.compat.v1.placeholder(tf.float32, [1, None, None, 3], name="ExpandDims")
        resized = tf.compat.v1.image.resize_bilinear(images, [8, 8], name="ResizeBilinear")
        pool = tf.nn.avg_pool2d(resized / 255.0, 8, 8, "VALID", name="pool_3")
        flat = tf.reshape(pool, [1, 3], name="pool_3/_reshape")
        with tf.name_scope("softmax/logits"):
            tf.matmul(flat, tf.constant(weights, name="weights"), name="MatMul")
    with open(path, "wb") as f:
        f.write(graph.as_graph_def().SerializeToString())
    return weights


def test_the_fid_inception_graph_file_gives_pool_3_features_of_batches(tmp_path):
    import tensorflow as tf

    from keras_gans.metrics import feature_nets

    rng = np.random.default_rng(0)
    weights = fid_graph_stand_in(tmp_path / "classify_image_graph_def.pb", rng)
    network = feature_nets.inception_graph(str(tmp_path / "classify_image_graph_def.pb"))
    images = rng.uniform(-1, 1, (7, 28, 28, 1)).astype("float32")  # grayscale in [-1, 1]
    features, logits = network.embed(images, batch_size=4)
    pixels = np.tile((images + 1) * 127.5, (1, 1, 1, 3))  # what TTUR feeds: RGB in [0, 255]
    expected = tf.reduce_mean(tf.compat.v1.image.resize_bilinear(pixels, [8, 8]) / 255.0, axis=[1, 2]).numpy()
    assert features.shape == (7, 3) and logits.shape == (7, 5)
    np.testing.assert_allclose(features, expected, rtol=1e-5)
    np.testing.assert_allclose(logits, expected @ weights, rtol=1e-4, atol=1e-5)


def test_inception_graph_errors_name_the_fix(tmp_path):
    import tensorflow as tf

    from keras_gans.metrics import evaluation, feature_nets

    with pytest.raises(UsageError, match="needs --inception_graph=FILE"):
        evaluation.make_evaluator("fashion_mnist", feature_net="inception_graph")
    with pytest.raises(UsageError, match="Cannot read the Inception graph"):
        feature_nets.inception_graph(str(tmp_path / "missing.pb"))
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.placeholder(tf.float32, [None, 3], name="x")
    (tmp_path / "other.pb").write_bytes(graph.as_graph_def().SerializeToString())
    with pytest.raises(UsageError, match="is not the FID Inception graph .* no ExpandDims, pool_3"):
        feature_nets.inception_graph(str(tmp_path / "other.pb"))


def test_imperceptible_blends_each_image_with_its_blur_and_adds_noise_only_in_training():
    images = np.random.default_rng(0).uniform(-0.9, 0.9, (64, 8, 8, 2)).astype(np.float32)
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")  # no grey frame
    taps = np.array([1, 2, 1]) / 4
    blurred = sum(taps[i] * taps[j] * padded[:, i : i + 8, j : j + 8] for i in range(3) for j in range(3))
    blur_only = np.asarray(classifier.Imperceptible(0.0, 0.5, seed=1)(images, training=True))
    # Each output is image + s * (blur - image) for one strength s per image, within [0, 0.5].
    step = (blurred - images).reshape(64, -1)
    strengths = np.sum(step * (blur_only - images).reshape(64, -1), axis=1) / np.sum(step**2, axis=1)
    np.testing.assert_allclose(blur_only, images + strengths[:, None, None, None] * (blurred - images), atol=1e-5)
    assert 0 <= strengths.min() and strengths.max() <= 0.5 and strengths.std() > 0.05
    noise_only = np.asarray(classifier.Imperceptible(0.1, 0.0, seed=1)(images, training=True)) - images
    stds = noise_only.reshape(64, -1).std(axis=1)
    assert stds.max() <= 0.1 * 1.3 and stds.std() > 0.01  # a std drawn per image from U(0, 0.1)
    assert np.array_equal(classifier.Imperceptible(0.1, 0.5)(images, training=False), images)


def test_train_classifier_flags_come_from_the_recipe_and_refuse_bad_values():
    """Every recipe entry is a flag with the recipe's default; a bad one is one line, no traceback."""
    shown = subprocess.run([sys.executable, "-m", "keras_gans.metrics.train_classifier", "--helpshort"],
                           capture_output=True, text=True, timeout=300)
    for name in classifier.RECIPE:
        assert f"--{name}" in shown.stdout or f"--[no]{name}" in shown.stdout  # absl shows booleans as --[no]
    bad = subprocess.run([sys.executable, "-m", "keras_gans.metrics.train_classifier", "--batch_size=0"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0 and "batch_size" in bad.stderr and "Traceback" not in bad.stderr


def _random_batch_statistics(network, seed):
    rng = np.random.default_rng(seed)
    for layer in network.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.moving_mean.assign(rng.normal(0, 3, layer.moving_mean.shape).astype(np.float32))
            layer.moving_variance.assign(rng.uniform(0.1, 9, layer.moving_variance.shape).astype(np.float32))


def test_recomputed_batch_statistics_normalise_each_layer_over_the_images():
    """After recomputing, every batch norm layer (gamma 1, beta 0 as built) maps its input over the
    images to mean 0 and variance var/(var+eps) per channel in inference mode, whatever the
    statistics were before; in batches or all at once alike."""
    images = np.random.default_rng(0).uniform(-1, 1, (40, 32, 32, 3)).astype(np.float32)
    network = classifier.build_classifier((32, 32, 3), 2, width=4)
    _random_batch_statistics(network, 1)
    classifier.recompute_batch_statistics(network, images, batch_size=7)
    norms = [layer for layer in network.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(norms) == 4
    for layer in norms:
        inputs = np.asarray(keras.Model(network.inputs, layer.input)(images, training=False), np.float64)
        outputs = np.asarray(keras.Model(network.inputs, layer.output)(images, training=False), np.float64)
        variance = inputs.reshape(-1, inputs.shape[-1]).var(axis=0)
        np.testing.assert_allclose(outputs.reshape(-1, outputs.shape[-1]).mean(axis=0), 0, atol=1e-4)
        np.testing.assert_allclose(outputs.reshape(-1, outputs.shape[-1]).var(axis=0),
                                   variance / (variance + layer.epsilon), rtol=1e-3)
    at_once = classifier.build_classifier((32, 32, 3), 2, width=4)
    at_once.set_weights(network.get_weights())
    _random_batch_statistics(at_once, 2)
    classifier.recompute_batch_statistics(at_once, images, batch_size=500)
    for ours, theirs in zip(network.get_weights(), at_once.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)


def test_an_ensemble_averages_its_members_logits_and_concatenates_their_features(tmp_path):
    images = np.random.default_rng(0).uniform(-1, 1, (10, 16, 16, 3)).astype(np.float32)
    keras.utils.set_random_seed(0)
    members = [classifier.build_classifier((16, 16, 3), 2, width=4, global_pool=True) for _ in range(3)]
    for index, member in enumerate(members):  # biases away from 0, so their mean is checked too
        head = member.get_layer("logits")
        head.set_weights([head.get_weights()[0], np.array([index, -2.0 * index], np.float32)])
    model = classifier.ensemble(members)
    expected = np.mean([np.asarray(member(images, training=False)) for member in members], axis=0)
    np.testing.assert_allclose(np.asarray(model(images, training=False)), expected, rtol=1e-5, atol=1e-5)
    path = classifier.save_shipped(model, {"features_layer": classifier.FEATURES_LAYER}, "toy", str(tmp_path))
    network = feature_nets.FeatureNetwork(keras.saving.load_model(path), classifier.FEATURES_LAYER, "toy")
    features, logits = network.embed(images)
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(features, np.concatenate([feature_nets.FeatureNetwork(
        member, classifier.FEATURES_LAYER, "member").embed(images)[0] for member in members], axis=1), rtol=1e-5, atol=1e-5)
    with pytest.raises(UsageError, match="at least two members") as one_member:
        classifier.ensemble(members[:1])
    assert "--members" not in str(one_member.value)  # a Python caller passed no flag
    with pytest.raises(UsageError, match="different shapes"):
        classifier.ensemble([members[0], classifier.build_classifier((8, 8, 3), 2, width=4)])


def test_assemble_classifier_cli_ships_an_ensemble_of_trained_members(shared_data, tmp_path):
    """Members as `train_classifier --out_dir` writes them; the shipped ensemble's stated test
    accuracy is what its file scores, and bad input is one line."""
    from keras_gans.metrics import assemble_classifier

    folder = str(shared_data / "summer2winter_yosemite_subset")
    member_dirs = []
    for seed in range(2):
        keras.utils.set_random_seed(seed)
        network = classifier.build_classifier((16, 16, 3), 2, width=4, global_pool=True)
        member_dirs.append(str(tmp_path / f"seed{seed}"))
        classifier.save_shipped(network, {"class_names": ["summer", "winter"], "image_shape": [16, 16, 3],
                                          "test_accuracy": 0.5, "recipe": {**classifier.RECIPE, "seed": seed}},
                                "summer2winter", member_dirs[-1])
    done = subprocess.run([sys.executable, "-m", "keras_gans.metrics.assemble_classifier", "--dataset=summer2winter",
                           f"--data_dir={folder}", f"--members={','.join(member_dirs)}", f"--out_dir={tmp_path / 'out'}"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    model, metadata = classifier.load_shipped("summer2winter", str(tmp_path / "out"))
    images, labels, _ = classifier.load_split("summer2winter", folder, "test", 16)
    assert metadata["test_accuracy"] == pytest.approx(classifier.accuracy(model, images, labels), abs=1e-6)
    assert [m["recipe"]["seed"] for m in metadata["members"]] == [0, 1]
    assert metadata["batch_statistics"].startswith("recomputed")
    with pytest.raises(UsageError, match="Pass --dataset and --data_dir"):
        assemble_classifier.assemble("summer2winter", None, member_dirs)
    with pytest.raises(UsageError, match="No domain classifier is shipped for 'summer2winter'"):
        assemble_classifier.assemble("summer2winter", folder, [str(tmp_path / "nowhere")] * 2)
    with pytest.raises(UsageError, match=r"at least two members, got 1: pass --members=DIR,DIR"):
        assemble_classifier.assemble("summer2winter", folder, [str(tmp_path / "nowhere")])  # counted before loading
    classifier.save_shipped(classifier.build_classifier((8, 8, 3), 2, width=4), {
        "class_names": ["summer", "winter"], "recipe": classifier.RECIPE, "test_accuracy": 0.5}, "summer2winter",
        str(tmp_path / "small"))
    with pytest.raises(UsageError, match=r"different shapes \[\(8, 8, 3\), \(16, 16, 3\)\]"):
        assemble_classifier.assemble("summer2winter", folder, [member_dirs[0], str(tmp_path / "small")])
    classifier.save_shipped(classifier.build_classifier((16, 16, 3), 2, width=4), {
        "class_names": ["day", "night"], "recipe": classifier.RECIPE, "test_accuracy": 0.5}, "summer2winter",
        str(tmp_path / "other"))
    with pytest.raises(UsageError, match=r"differ in classes \[\('day', 'night'\), \('summer', 'winter'\)\]"):
        assemble_classifier.assemble("summer2winter", folder, [member_dirs[0], str(tmp_path / "other")])
    classifier.save_shipped(classifier.build_classifier((16, 16, 3), 2, width=4), {}, "summer2winter",
                            str(tmp_path / "bare"))
    with pytest.raises(UsageError, match=r"bare holds no classifier .* lacks \['class_names', 'recipe', 'test_accuracy'\]"):
        assemble_classifier.assemble("summer2winter", folder, [member_dirs[0], str(tmp_path / "bare")])
    bad = subprocess.run([sys.executable, "-m", "keras_gans.metrics.assemble_classifier", "--dataset=summer2winter",
                          f"--data_dir={folder}", "--members=" + member_dirs[0]], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "at least two members" in bad.stderr and "Traceback" not in bad.stderr
