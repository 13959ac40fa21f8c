"""The zoo: shipped entries, Generator sampling, presets (folder, URL), corruption, the sample CLI."""

import os
import shutil
import subprocess
import sys
import tarfile

import numpy as np
import pytest
from PIL import Image

from conftest import build_family
from keras_gans import zoo
from keras_gans.errors import UsageError
from keras_gans.zoo import presets

FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


@pytest.fixture(scope="module")
def local_preset(tmp_path_factory):
    """A small conditional preset written with save_to_preset."""
    gan = build_family("cgan", num_classes=10, width=8)
    folder = tmp_path_factory.mktemp("preset") / "tiny_cgan"
    presets.save_to_preset(gan.generator, str(folder), name="tiny_cgan", class_names=list(FASHION), family="cgan")
    return folder


def check_generator(generator, conditional):
    a = generator.sample(6, seed=3)
    assert a.dtype == np.uint8 and a.shape == (6, *generator.image_shape)
    np.testing.assert_array_equal(a, generator.sample(6, seed=3))
    assert not np.array_equal(a, generator.sample(6, seed=4))
    assert generator.interpolate(1, 2, steps=5).shape == (5, *generator.image_shape)
    if conditional:
        by_name = generator.sample(4, labels=[generator.class_names[7]] * 4, seed=0)
        np.testing.assert_array_equal(by_name, generator.sample(4, labels=7, seed=0))
        assert generator.class_sweep(per_class=3).shape == (30, *generator.image_shape)
        with pytest.raises(UsageError, match="Unknown class 'Sandals'"):
            generator.sample(1, labels=["Sandals"])
        with pytest.raises(UsageError, match=r"outside \[0, 10\)"):
            generator.sample(1, labels=[10])
    else:
        with pytest.raises(UsageError, match="unconditional"):
            generator.sample(2, labels=[1, 2])


def test_local_preset_round_trip(local_preset, tmp_path):
    generator = zoo.load(str(local_preset))
    assert generator.num_classes == 10 and generator.class_names == FASHION and generator.latent_dim == 16
    check_generator(generator, conditional=True)
    card = zoo.info(str(local_preset))
    assert card["weights_sha256"] == presets.sha256_of(local_preset / "model.weights.h5")
    assert "synthetic" in card["note"] and card["parameters"] == generator.keras_model.count_params()
    copy = zoo.save_to_preset(generator, str(tmp_path / "copy"))
    np.testing.assert_array_equal(zoo.load(copy).sample(3, seed=1), generator.sample(3, seed=1))


def test_float16_preset_stores_half_and_loads_the_rounded_weights(local_preset, tmp_path):
    generator = zoo.load(str(local_preset))
    half = zoo.save_to_preset(generator, str(tmp_path / "half"), weights_dtype="float16")
    full_size = os.path.getsize(local_preset / "model.weights.h5")
    assert os.path.getsize(os.path.join(half, "model.weights.h5")) < 0.6 * full_size
    loaded = zoo.load(half)
    assert loaded.metadata["weights_dtype"] == "float16" and loaded.keras_model.weights[0].dtype == "float32"
    # What the file loads is exactly the float32 model with its weights rounded to float16.
    presets.round_weights(generator.keras_model, "float16")
    for stored, rounded in zip(loaded.keras_model.get_weights(), generator.keras_model.get_weights()):
        np.testing.assert_array_equal(stored, rounded)
    np.testing.assert_array_equal(loaded.sample(4, labels=2, seed=1), generator.sample(4, labels=2, seed=1))
    with pytest.raises(UsageError, match="Unknown weights dtype 'int8'. Known: float32, float16"):
        zoo.save_to_preset(generator, str(tmp_path / "bad"), weights_dtype="int8")


def test_save_grid_labels_the_png_as_generated(local_preset, tmp_path):
    path = zoo.load(str(local_preset)).save_grid(str(tmp_path / "grid.png"))
    image = Image.open(path)
    assert image.size == (8 * 29 - 1, 10 * 29 - 1)
    assert image.info["Model"] == "tiny_cgan" and "keras_gans" in image.info["Software"]
    assert "Synthetic" in image.info["Description"]


def test_corrupted_weights_are_refused(local_preset, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(local_preset, broken)
    weights = broken / "model.weights.h5"
    content = bytearray(weights.read_bytes())
    content[-100] ^= 0xFF
    weights.write_bytes(bytes(content))
    with pytest.raises(zoo.CorruptWeightsError, match="corrupt"):
        zoo.load(str(broken))


def test_preset_from_a_url_needs_and_checks_its_sha256(local_preset, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    archive = tmp_path / "tiny_cgan.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(local_preset, arcname="tiny_cgan")
    url = archive.as_uri()
    with pytest.raises(UsageError, match="sha256"):
        zoo.load(url)
    generator = zoo.load(url, sha256=presets.sha256_of(archive))
    assert generator.num_classes == 10


def test_unknown_name_lists_the_entries():
    with pytest.raises(UsageError, match="Unknown zoo entry 'nope'. Known entries: "):
        zoo.load("nope")


ENTRIES = pytest.mark.skipif(not zoo.list(), reason="no zoo entries are shipped yet")


@ENTRIES
@pytest.mark.parametrize("name", zoo.list() or ["none"])
def test_shipped_entries_load_and_sample(name):
    generator = zoo.load(name)
    card = zoo.info(name)
    assert card["name"] == name and card["image_shape"] == list(generator.image_shape)
    assert set(card) >= {"family", "dataset", "parameters", "recipe", "metrics", "weights_sha256", "note"}
    if isinstance(generator, zoo.Translator):  # pictures of any size in, the entry's size out, each way
        side, _, channels = generator.image_shape
        pictures = np.random.default_rng(0).integers(0, 256, (2, 200, 300, channels), dtype=np.uint8)
        for direction in card["directions"]:
            out = generator.translate(pictures, direction)
            assert out.shape == (2, side, side, channels) and out.dtype == np.uint8
        return
    assert set(card) >= {"latent_dim", "class_names"}
    check_generator(generator, conditional=generator.num_classes > 0)


@ENTRIES
@pytest.mark.parametrize("name", zoo.list() or ["none"])
def test_shipped_entries_carry_their_committed_recipe(name):
    """The card's recipe is the committed zoo/<name>/recipe.flags, not one read before it was updated."""
    with open(os.path.join(os.path.dirname(__file__), "..", "zoo", name, "recipe.flags")) as f:
        assert zoo.info(name)["recipe"] == f.read()


@ENTRIES
@pytest.mark.parametrize("name", zoo.list() or ["none"])
def test_shipped_entries_refuse_weights_their_card_does_not_vouch_for(name, tmp_path):
    copy = tmp_path / name
    shutil.copytree(os.path.join(presets.ENTRIES_DIR, name), copy)
    weights = copy / presets.WEIGHTS_FILE
    content = bytearray(weights.read_bytes())
    content[-100] ^= 0xFF
    weights.write_bytes(bytes(content))
    with pytest.raises(zoo.CorruptWeightsError, match="corrupt"):
        zoo.load(str(copy))
    with pytest.raises(UsageError, match="sha256"):
        zoo.load(name, sha256="0" * 64)


def generator_kind(entry):
    if isinstance(entry, zoo.Translator):
        return "translator"
    if entry.styles:
        return "styles"
    return "conditional" if entry.num_classes else "latent codes" if entry.latent_codes else "unconditional"


@pytest.mark.parametrize("kind", ["conditional", "unconditional", "latent codes", "styles"])
def test_a_shipped_entry_of_each_kind_exports_and_serves_as_its_keras_model(kind, tmp_path):
    """The SavedModel and float TFLite generator of the first shipped entry of each kind (the
    exporters check parity on their own batch; here a second batch, labels and codes). The shipped
    translators' exports are tested in test_translate.py."""
    import tensorflow as tf

    from keras_gans import export
    from keras_gans.lite import LiteGenerator

    generator = next((entry for entry in map(zoo.load, zoo.list()) if generator_kind(entry) == kind), None)
    if generator is None:
        pytest.skip(f"no {kind} entry is shipped")
    z = generator.latents(8, seed=1)
    labels = list(range(8)) if generator.num_classes else None
    expected = generator.generate(z, labels)
    serve = tf.saved_model.load(export.export_saved_model(generator, str(tmp_path))).signatures["serving_default"]
    inputs = {"z": tf.constant(z)} | ({"label": tf.constant(labels, tf.int32)} if labels else {})
    np.testing.assert_array_equal(serve(**inputs)["images"].numpy(), expected)
    lite = LiteGenerator(export.export_tflite(generator, str(tmp_path)))
    target = export.LEVEL_TARGETS["none"]
    assert np.abs(lite.generate(z, labels).astype(int) - expected.astype(int)).max() <= target
    if generator.latent_codes:
        codes = {"category": 3, "continuous": [0.5, -0.5]}
        coded = generator.sample(8, seed=1, codes=codes)
        assert np.abs(lite.sample(8, seed=1, codes=codes).astype(int) - coded.astype(int)).max() <= target


@ENTRIES
def test_sample_cli_writes_a_grid(tmp_path):
    name = "cgan_fashion" if "cgan_fashion" in zoo.list() else zoo.list()[0]
    out = tmp_path / "grid.png"
    result = subprocess.run([sys.executable, "-m", "keras_gans.sample", f"--model={name}", "--seed=1", f"--out={out}"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert Image.open(out).info["Model"] == name
    bad = subprocess.run([sys.executable, "-m", "keras_gans.sample", "--model=nope", f"--out={out}"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "Known entries" in bad.stderr and "Traceback" not in bad.stderr


@ENTRIES
def test_readme_zoo_table_quotes_the_shipped_model_cards():
    from keras_gans.zoo.publish import zoo_table

    table = zoo_table()
    assert sum(line.startswith("| [`") for line in table.splitlines()) == len(zoo.list())  # a row per entry
    with open(os.path.join(os.path.dirname(__file__), "..", "README.md")) as f:
        readme = f.read()
    assert table in readme, "README.md's zoo table is stale: paste `python -m keras_gans.zoo.publish --table`"


@pytest.mark.slow
@pytest.mark.skipif("cgan_fashion" not in zoo.list(), reason="cgan_fashion is not shipped")
def test_cgan_fashion_conditional_accuracy_on_2k_samples(shared_data):
    from keras_gans.metrics import evaluation

    evaluator = evaluation.make_evaluator("fashion_mnist", str(shared_data / "fashion_mnist"), with_train=False)
    results = evaluator.evaluate(zoo.load("cgan_fashion").keras_model, metrics="cond_acc", num_samples=2000)
    assert results["cond_acc"] >= 0.85


@ENTRIES
def test_model_card_names_the_class_of_each_intra_fid_row():
    from keras_gans.zoo.publish import model_card

    card = zoo.info("cgan_fashion")
    for report in ("metrics", "reference"):
        card["metrics"][report].update(intra_fid=5.0, intra_fid_3=4.25)
        card["metrics"].pop(f"{report}_sd", None)  # a card of one latent draw: values without ± sd
    text = model_card(card)
    assert "| intra-FID (mean over classes) | 5.0000 | 5.0000 |" in text
    assert "| intra-FID, Dress | 4.2500 | 4.2500 |" in text


def test_cards_show_infogan_codes_and_stylegan_truncation_and_mixing(tmp_path):
    from keras_gans.zoo.publish import CARD_MIXING_SEEDS, CARD_PSI, control_grids, model_card

    infogan = zoo.Generator(build_family("infogan", num_classes=0, width=8).sampling_generator, {"name": "tiny_infogan"})
    text = control_grids(infogan, str(tmp_path), per_row=4)
    assert [f"codes_{n}.png" for n in ("category", "continuous_0", "continuous_1")] == sorted(
        p.name for p in tmp_path.iterdir())
    # One row per category, per_row columns, 1-pixel padding between images.
    assert Image.open(tmp_path / "codes_category.png").size == (4 * 29 - 1, 10 * 29 - 1)
    assert "![codes_continuous_1.png](codes_continuous_1.png)" in text
    if "cgan_fashion" in zoo.list():
        written = model_card({**zoo.info("cgan_fashion"), "card_note": "Code 0 sets the slant."}, text)
        assert "## Controls\n\n![codes_category.png]" in written and "\nCode 0 sets the slant.\n" in written

    stylegan = zoo.Generator(build_family("stylegan", image_shape=(32, 32, 1), num_classes=0, width=4).generator,
                             {"name": "tiny_stylegan"})
    folder = tmp_path / "stylegan"
    folder.mkdir()
    text = control_grids(stylegan, str(folder), per_row=3)
    assert Image.open(folder / "truncation.png").size == (3 * 33 - 1, len(CARD_PSI) * 33 - 1)
    # Each mixing row: seed a, every crossover (7 for 8 styles), seed b.
    assert Image.open(folder / "style_mixing.png").size == (9 * 33 - 1, len(CARD_MIXING_SEEDS) * 33 - 1)
    assert "truncation=psi" in text and "mix_styles" in text
    assert control_grids(zoo.Generator(build_family("dcgan", num_classes=0, width=8).generator), str(tmp_path)) == ""


def test_a_biggan_card_shows_the_truncation_trick_in_z(tmp_path):
    from keras_gans.zoo.publish import CARD_THRESHOLDS, control_grids

    biggan = zoo.Generator(build_family("biggan", width=4).generator,
                           {"name": "tiny_biggan", "family": "biggan", "num_classes": 10})
    text = control_grids(biggan, str(tmp_path), per_row=3)
    rows = np.asarray(Image.open(tmp_path / "truncation.png"))
    assert rows.shape[:2] == (len(CARD_THRESHOLDS) * 29 - 1, 3 * 29 - 1)
    # Row t is the same seed and classes with latents truncated at CARD_THRESHOLDS[t].
    for t, threshold in enumerate(CARD_THRESHOLDS):
        expected = biggan.sample(3, labels=[0, 1, 2], seed=0, truncation=threshold)
        for column in range(3):
            np.testing.assert_array_equal(rows[29 * t: 29 * t + 28, 29 * column: 29 * column + 28],
                                          expected[column, ..., 0])
    assert "truncation=t" in text and "Brock et al. 2019" in text


def test_remeasure_rewrites_the_card_metrics_and_keeps_the_weights(shared_data, tmp_path):
    import json

    from keras_gans.zoo import publish

    gan = build_family("dcgan", num_classes=0, width=8)
    preset, card_dir = tmp_path / "tiny_dcgan", tmp_path / "card"
    card_dir.mkdir()
    old = {"num_samples": 200, "seeds": [0, 1], "feature_net": "an older classifier", "metrics": {"fid": 1.0},
           "reference": {"fid": 1.0}}
    presets.save_to_preset(gan.generator, str(preset), name="tiny_dcgan", family="dcgan", dataset="fashion_mnist",
                           metrics=old, card_note="Hand-written note.", description="A tiny DCGAN.",
                           recipe="--model=dcgan\n", training={"steps": 3})
    before = json.loads((preset / presets.METADATA_FILE).read_text())
    card = publish.remeasure("tiny_dcgan", str(shared_data / "fashion_mnist"), str(card_dir), str(preset))
    assert card["previous_metrics"] == [old] and card["weights_sha256"] == before["weights_sha256"]
    report = card["metrics"]
    assert report["num_samples"] == 200 and report["seeds"] == [0, 1] and report["feature_net"].startswith("domain:")
    assert {"fid", "modes_covered", "modes_min_share"} <= set(report["metrics"]) and "fid" in report["metrics_sd"]
    assert json.loads((preset / presets.METADATA_FILE).read_text())["metrics"] == report
    text = (card_dir / "README.md").read_text()
    assert f"{report['metrics']['fid']:.4f}" in text and "Hand-written note." in text
    assert (card_dir / "samples.png").is_file()
    zoo.load(str(preset))  # still vouched for by its sha256


@ENTRIES
def test_model_card_states_fid_as_a_multiple_of_the_reference():
    from keras_gans.zoo.publish import model_card

    card = zoo.info("cgan_fashion")
    card["metrics"]["metrics"]["fid"], card["metrics"]["reference"]["fid"] = 2.0, 0.8
    assert "FID is 2.50x the real-vs-real reference." in model_card(card)
    del card["metrics"]["reference"]["fid"]
    assert "real-vs-real reference." not in model_card(card)


@ENTRIES
def test_model_card_says_cas_was_measured_on_the_first_draw_only():
    from keras_gans.zoo.publish import model_card

    card = zoo.info("cgan_fashion")
    report = card["metrics"]
    # Older cards spread CAS over every draw; drop the spread as a first-draw-only report has none.
    for part in ("metrics_sd", "reference_sd"):
        report[part].pop("cas", None)
    report["cas_seeds"] = report["seeds"][:1]
    text = model_card(card)
    assert f"; CAS on latent seed {report['seeds'][0]} only (and as many real draws)" in text
    assert f"| CAS | {report['metrics']['cas']:.4f} | {report['reference']['cas']:.4f} |" in text
