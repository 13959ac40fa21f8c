"""Mixtures of generators: sampling, saving, export, evaluation and publishing as a zoo entry."""

import json
import os
import statistics

import keras
import numpy as np
import pytest
import tensorflow as tf

from conftest import build_family
from keras_gans import evaluate, export, mixture, train, zoo
from keras_gans.errors import UsageError
from keras_gans.zoo import presets, publish

FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def components(count, family="cgan", num_classes=10):
    return [build_family(family, num_classes=num_classes, width=8).generator for _ in range(count)]


def test_each_image_comes_from_the_component_its_last_latent_picks():
    parts = components(3)
    model = mixture.build_mixture(parts)
    assert model.inputs[0].shape[-1] == parts[0].inputs[0].shape[-1] + 1
    z = np.random.default_rng(0).standard_normal((3000, 17)).astype("float32")
    labels = (np.arange(3000) % 10).astype("int32")
    images = np.asarray(model([z, labels], training=False))
    picked = np.digitize(z[:, -1], [statistics.NormalDist().inv_cdf(k / 3) for k in (1, 2)])
    for k, part in enumerate(parts):
        rows = picked == k
        expected = np.asarray(part([z[rows, :-1], labels[rows]], training=False))
        np.testing.assert_allclose(images[rows], expected, atol=1e-5)
        # Each component draws a third of the images.
        assert abs(rows.mean() - 1 / 3) < 0.03


def test_unconditional_mixture_and_its_errors():
    model = mixture.build_mixture(components(2, "dcgan", 0))
    assert len(model.inputs) == 1 and model.outputs[0].shape[1:] == (28, 28, 1)
    with pytest.raises(UsageError, match="at least two"):
        mixture.build_mixture(components(1))
    other = build_family("cgan", num_classes=10, width=8, latent_dim=8).generator
    with pytest.raises(UsageError, match="same inputs"):
        mixture.build_mixture([components(1)[0], other])


def test_mixture_saves_loads_and_exports_like_any_generator(tmp_path):
    model = mixture.build_mixture(components(2))
    generator = zoo.Generator(model, {"name": "tiny_mixture", "class_names": FASHION})
    presets.save_to_preset(generator, str(tmp_path / "preset"), family="cgan")
    loaded = zoo.load(str(tmp_path / "preset"))
    np.testing.assert_array_equal(loaded.sample(8, seed=1), generator.sample(8, seed=1))
    assert loaded.mixture_components == 2
    assert zoo.Generator(components(1)[0], {"num_classes": 10}).mixture_components == 0
    # A walk stays with the start's component: the same images as walking that component alone.
    start, end = loaded.latents(2, seed=5)
    component = np.digitize(start[-1], [0.0])
    alone = zoo.Generator(model.get_layer(f"component_{component}"), {"num_classes": 10})
    np.testing.assert_array_equal(loaded.interpolate(start, end, steps=4, label=2),
                                  alone.interpolate(start[:-1], end[:-1], steps=4, label=2))
    # Truncation leaves the selector alone, so both components keep drawing half the images.
    z = loaded.latents(4000, seed=0, truncation=0.5)
    assert np.abs(z[:, :-1]).max() <= 0.5 and np.abs(z[:, -1]).max() > 2
    assert abs((z[:, -1] >= 0).mean() - 0.5) < 0.03
    path = tmp_path / "mixture.keras"
    model.save(path)
    again = keras.saving.load_model(path, safe_mode=True)
    z = generator.latents(5, seed=0)
    np.testing.assert_array_equal(np.asarray(again([z, np.arange(5)])), np.asarray(model([z, np.arange(5)])))
    tflite = export.export_tflite(loaded, str(tmp_path / "exported"))
    with open(tflite[: -len(".tflite")] + ".json") as f:
        parity = json.load(f)["parity"]
    assert parity["passed"] and parity["max_abs_diff_levels"] <= 1


def _tiny_run(folder, config):
    """A finished training run's folder as `keras_gans.train` leaves it (config, checkpoint, generator)."""
    os.makedirs(folder / "checkpoints")
    build_family("cgan", num_classes=10, width=8).generator.save(folder / "generator.keras")
    tf.train.Checkpoint(step=tf.Variable(1)).save(str(folder / "checkpoints" / "ckpt"))
    (folder / "config.json").write_text(json.dumps(config))


def test_evaluate_and_publish_take_several_runs(tmp_path, fashion_dir, monkeypatch):
    recipe = "--model=cgan\n--dataset=fashion_mnist\n--width=8\n--minibatch_stddev\n--seed=0\n--logdir=runs/x\n"
    base = {"model": "cgan", "dataset": "fashion_mnist", "width": 8, "minibatch_stddev": True, "seed": 0,
            "extra_layers": 0, "logdir": "runs/x"}
    runs = [tmp_path / "run0", tmp_path / "run1"]
    _tiny_run(runs[0], base)
    _tiny_run(runs[1], {**base, "seed": 1, "minibatch_stddev": False, "extra_layers": 0, "logdir": "runs/y"})
    assert evaluate.load_generator_model(f"{runs[0]},{runs[1]}").inputs[0].shape[-1] == 17

    assert train.flagfile_values(recipe + "--noema\n")["ema"] == "false"
    # A run older than --extra_layers has no entry for it: it trained with the default, 0.
    older = {k: v for k, v in base.items() if k != "extra_layers"}
    assert publish.component_overrides(recipe, [older, {**base, "seed": 1, "extra_layers": 2}]) == [
        [], ["--extra_layers=2", "--seed=1"]
    ]

    card_dir = tmp_path / "card"
    card_dir.mkdir()
    (card_dir / "recipe.flags").write_text(recipe)
    measured = []

    def fake_evaluate(model, dataset, data_dir, metrics, num_samples, repeats):
        measured.append((model.inputs[0].shape[-1], metrics, repeats))
        names = ["fid", "intra_fid", "kid", "is", "precision", "recall", "cond_acc", "cas"]
        return {"num_samples": num_samples, "feature_net": "domain:fashion_mnist", "seeds": [0, 1, 2],
                "metrics": dict.fromkeys(names, 1.0), "reference": dict.fromkeys(names, 0.5),
                "metrics_sd": dict.fromkeys(names, 0.25), "reference_sd": dict.fromkeys(names, 0.125)}

    # The metrics themselves are tested in test_evaluation.py; here, what publish makes of them.
    monkeypatch.setattr(evaluate, "evaluate", fake_evaluate)
    card = publish.publish("tiny_mix", [str(r) for r in runs], str(fashion_dir), 100, str(card_dir),
                           str(tmp_path / "preset"), repeats=3)
    assert measured == [(17, "fid,intra_fid,kid,is,pr,cond_acc,cas", 3)]
    assert card["training"]["steps"] == 2  # ckpt-1 of each run
    overrides = [c["overrides"] for c in card["training"]["components"]]
    assert overrides == [[], ["--minibatch_stddev=false", "--seed=1"]]
    text = (card_dir / "README.md").read_text()
    assert "a uniform mixture of 2 generators" in text and "(2) `--minibatch_stddev=false` `--seed=1`" in text
    assert "over the latent seeds 0, 1, 2 (`--repeats=3`)" in text
    assert "| FID (domain features) | 1.0000 ± 0.2500 | 0.5000 ± 0.1250 |" in text
    assert zoo.load(str(tmp_path / "preset")).sample(3, seed=0).shape == (3, 28, 28, 1)
    assert os.path.isfile(card_dir / "samples.png")

    (runs[1] / "config.json").write_text(json.dumps({**base, "dataset": "mnist"}))
    with pytest.raises(UsageError, match="same family on the same dataset"):
        publish.publish("tiny_mix", [str(r) for r in runs], str(fashion_dir), 100, str(card_dir), str(tmp_path / "p"))
