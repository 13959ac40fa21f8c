"""Translating pictures with pix2pix and CycleGAN generators: `zoo.Translator`, presets and
training logdirs that hold them, and ``python -m keras_gans.sample --input``."""

import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import family_cases
from conftest import REPO_ROOT
from keras_gans import data, translating, zoo
from keras_gans.errors import UsageError
from keras_gans.zoo import translator


@pytest.fixture(scope="module")
def presets(tmp_path_factory):
    """Small untrained pix2pix and CycleGAN generators saved as presets, with their networks."""
    # Seeded: the int8 CycleGAN's agreement with the float one (30 dB or a ParityError) was 32.4 dB
    # +- 0.8 over random weights, below 30 about once in 500 draws.
    keras.utils.set_random_seed(0)
    made = {}
    for name in ("pix2pix", "cyclegan"):
        networks = family_cases.build(name).saved_generators()
        folder = tmp_path_factory.mktemp(name)
        zoo.save_to_preset(translator.translation_model(networks["generator"], networks.get("generator_ba")),
                           str(folder), name=f"small_{name}")
        made[name] = (str(folder), networks)
    return made


def pictures(count, height, width, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (count, height, width, 3), dtype=np.uint8)


def assert_within_a_level(actual, wanted):
    """Graphs for other batch sizes (or an eager call) may round a pixel the other way."""
    np.testing.assert_allclose(np.asarray(actual).astype(int), np.asarray(wanted).astype(int), atol=1)


def expected(network, images, side=32):
    """What the network makes of pictures resized as `translating.fit_to_side` does."""
    fitted = np.stack([translating.fit_to_side(image, side) for image in images])
    return data.to_uint8(network(translating.to_float(fitted), training=False).numpy())


@pytest.mark.parametrize("name, directions", [("pix2pix", ("a_to_b",)), ("cyclegan", ("a_to_b", "b_to_a"))])
def test_translate_resizes_any_pictures_and_runs_each_direction(presets, name, directions):
    folder, networks = presets[name]
    model = zoo.load(folder)
    assert isinstance(model, zoo.Translator) and model.directions == directions
    assert zoo.info(folder)["directions"] == list(directions) and model.image_shape == (32, 32, 3)
    images = pictures(5, 50, 70)
    for direction, network in zip(directions, (networks["generator"], networks.get("generator_ba"))):
        out = model.translate(images, direction=direction, batch_size=2)  # three batches, the last partial
        assert out.shape == (5, 32, 32, 3) and out.dtype == np.uint8
        # (The SavedModel, traced like the compiled graph, matches it exactly: test_saved_model_...)
        assert_within_a_level(out, expected(network, images))
    # Pictures of different sizes, one by one, give the same as in a batch (batches of one run a
    # graph of their own, whose kernels may round a pixel the other way).
    mixed = [pictures(1, 20, 40)[0], pictures(1, 64, 64, seed=1)[0], pictures(1, 32, 32, seed=2)[0]]
    one_by_one = np.concatenate([model.translate(p[None]) for p in mixed])
    assert_within_a_level(model.translate(mixed), one_by_one)
    np.testing.assert_array_equal(model.translate(mixed, batch_size=1), one_by_one)


def test_fit_to_side_matches_the_training_resize_within_a_grey_level(shared_data):
    photo = np.asarray(Image.open(shared_data / "facades" / "test" / "1.jpg"))[:, :256]
    for side in (64, 128, 300):
        ours = translating.fit_to_side(photo, side).astype(int)
        training = tf.image.resize(photo, (side, side), method="bilinear", antialias=True)
        training = tf.cast(tf.clip_by_value(tf.round(training), 0.0, 255.0), tf.int32).numpy()
        assert ours.shape == (side, side, 3) and np.abs(ours - training).max() <= 1


def test_translate_reads_files_and_folders(presets, tmp_path):
    folder, networks = presets["pix2pix"]
    model = zoo.load(folder)
    images = pictures(2, 40, 40)
    paths = [tmp_path / "a.png", tmp_path / "b.jpg"]
    Image.fromarray(images[0]).save(paths[0])
    Image.fromarray(images[1]).save(paths[1], quality=100)
    Image.fromarray(images[0][..., 0]).save(tmp_path / "grey.png")  # read as RGB: the model's channels
    (tmp_path / "notes.txt").write_text("not an image; skipped")
    by_folder = model.translate(tmp_path)
    assert by_folder.shape == (3, 32, 32, 3)
    assert_within_a_level(by_folder[0], model.translate(images[:1])[0])  # PNG is lossless
    assert_within_a_level(model.translate([str(p) for p in paths]), by_folder[:2])
    np.testing.assert_array_equal(model.translate(str(paths[1])), model.translate([str(paths[1])]))


def test_a_grey_translator_reads_pictures_as_grey(tmp_path):
    gan = family_cases.family("pix2pix").from_hparams((32, 32, 1), 0, width=4, seed=1)
    model = zoo.Translator(gan.saved_generators()["generator"])
    grey = pictures(2, 40, 40)[..., :1]
    Image.fromarray(grey[0, ..., 0]).save(tmp_path / "grey.png")
    Image.fromarray(pictures(1, 40, 40)[0]).save(tmp_path / "colour.png")  # converted to grey
    assert model.translate(grey).shape == (2, 32, 32, 1)
    np.testing.assert_array_equal(model.translate(str(tmp_path / "grey.png")), model.translate(grey[:1]))
    assert model.translate(str(tmp_path / "colour.png")).shape == (1, 32, 32, 1)
    with pytest.raises(UsageError, match=r"takes \[H, W, 1\] images \(L\)"):
        model.translate(pictures(1, 32, 32))


def test_output_names_stay_unique_where_case_is_ignored():
    from keras_gans.sample import output_names

    names = output_names(["x/a.png", "y/A.jpg", "x/b.png", "y/a_png.png", "z/a.png"], "a_to_b")
    assert len({name.casefold() for name in names}) == 5
    assert names[2] == "b_a_to_b.png" and names[0] == "a_png_a_to_b.png"


@pytest.mark.parametrize("images, message", [
    (np.zeros((2, 32, 32, 1), np.uint8), r"image 0 has shape \(32, 32, 1\); small_pix2pix takes \[H, W, 3\]"),
    (np.zeros((2, 32, 32, 4), np.uint8), r"image 0 has shape \(32, 32, 4\)"),
    (np.zeros((2, 32, 32, 3), np.float32), "image 0 is float32; translate takes uint8"),
    (np.zeros((32, 32, 3), np.uint8), r"translates a uint8 array \[N, H, W, 3\].*got a uint8 array of shape \(32, 32, 3\)"),
    ([], "was given no images"),
    ("not a path list".split() + [np.zeros(1)], r"got a list"),
    (np.zeros((0, 32, 32, 3), np.uint8), "was given no images"),
])
def test_bad_pictures_are_one_clear_line(presets, images, message):
    model = zoo.load(presets["pix2pix"][0])
    with pytest.raises(UsageError, match=message):
        model.translate(images)


def test_bad_files_and_directions_are_one_clear_line(presets, tmp_path):
    model = zoo.load(presets["pix2pix"][0])
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(UsageError, match="holds no images"):
        model.translate(tmp_path / "empty")
    with pytest.raises(UsageError, match="broken.png cannot be read as an image"):
        model.translate(str(tmp_path / "broken.png"))
    with pytest.raises(UsageError, match="No image file or folder at"):
        model.translate(str(tmp_path / "missing.png"))
    with pytest.raises(UsageError, match="small_pix2pix translates a_to_b; got direction='b_to_a'"):
        model.translate(pictures(1, 32, 32), direction="b_to_a")
    assert translating.direction_domains("b_to_a", ("summer", "winter")) == ("winter", "summer")
    with pytest.raises(UsageError, match="Unknown direction 'sideways'; known: a_to_b, b_to_a"):
        translating.direction_domains("sideways")


def test_a_cyclegan_logdir_loads_both_generators(presets, tmp_path):
    _, networks = presets["cyclegan"]
    networks["generator"].save(tmp_path / "generator.keras")
    networks["generator_ba"].save(tmp_path / "generator_ba.keras")
    model = zoo.load(str(tmp_path))
    assert model.directions == ("a_to_b", "b_to_a") and "synthetic" in model.metadata["note"]
    with pytest.raises(UsageError, match="generator_ba.keras is a CycleGAN's b -> a generator: load its training logdir"):
        zoo.load(str(tmp_path / "generator_ba.keras"))
    images = pictures(2, 32, 32)
    assert_within_a_level(model.translate(images, "b_to_a"), expected(networks["generator_ba"], images))


def run_sample(*args, cwd=REPO_ROOT):
    return subprocess.run([sys.executable, "-m", "keras_gans.sample", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_sample_command_translates_a_folder_into_labelled_pngs(presets, tmp_path):
    folder, _ = presets["cyclegan"]
    inputs = tmp_path / "in"
    inputs.mkdir()
    for index, image in enumerate(pictures(2, 48, 64)):
        Image.fromarray(image).save(inputs / f"photo{index}.png")
    out = tmp_path / "out"
    result = run_sample(f"--model={folder}", f"--input={inputs}", "--direction=b_to_a", f"--out={out}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "wrote 2 translations" in result.stdout
    written = sorted(p.name for p in out.iterdir())
    assert written == ["photo0_b_to_a.png", "photo1_b_to_a.png"]
    with Image.open(out / written[0]) as png:
        assert png.size == (32, 32)
        assert png.text["Direction"] == "b_to_a" and png.text["Input"] == "photo0.png"
        assert "Synthetic" in png.text["Description"] and "synthetic" in png.text["Note"]
        translated = np.asarray(png)
    assert_within_a_level(translated, zoo.load(folder).translate(str(inputs / "photo0.png"), "b_to_a")[0])
    again = run_sample(f"--model={folder}", f"--input={inputs}", "--direction=b_to_a", f"--out={out}")
    assert again.returncode == 1 and "nothing was overwritten" in again.stderr
    # Without --out, into translations/ of the working folder.
    result = run_sample(f"--model={folder}", f"--input={inputs}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(p.name for p in (tmp_path / "translations").iterdir()) == ["photo0_a_to_b.png", "photo1_a_to_b.png"]



@pytest.fixture(scope="module")
def exported(presets, tmp_path_factory):
    """The CycleGAN preset exported to a SavedModel and to TFLite in every quantization."""
    from keras_gans import export

    translator_model = zoo.load(presets["cyclegan"][0])
    out = tmp_path_factory.mktemp("exported")
    saved_model = export.export_saved_model(translator_model, str(out))
    tflite = {q: export.export_tflite(translator_model, str(out), q) for q in export.QUANTIZATIONS}
    return translator_model, saved_model, tflite


def test_saved_model_translates_uint8_images_of_its_size_in_each_direction(exported):
    import json

    translator_model, saved_model, _ = exported
    loaded = tf.saved_model.load(saved_model)
    assert {"serving_default", "a_to_b", "b_to_a"} <= set(loaded.signatures)
    images = pictures(3, 32, 32)
    for signature, direction in (("serving_default", "a_to_b"), ("a_to_b", "a_to_b"), ("b_to_a", "b_to_a")):
        out = loaded.signatures[signature](images=tf.constant(images))["images"].numpy()
        assert out.dtype == np.uint8
        np.testing.assert_array_equal(out, translator_model.translate(images, direction))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"images must be uint8 \[batch, 32, 32, 3\]: resize"):
        loaded.signatures["a_to_b"](images=tf.constant(pictures(1, 40, 40)))
    card = json.load(open(f"{saved_model}/assets/model_card.json"))
    assert card["directions"] == ["a_to_b", "b_to_a"] and "synthetic" in card["note"]
    report = json.load(open(f"{saved_model}/assets.extra/parity.json"))
    assert report["passed"] and report["directions"]["b_to_a"]["max_abs_diff_levels"] == 0


def test_tflite_translators_meet_their_parity_targets_without_tensorflow(exported):
    import json

    from keras_gans import export
    from keras_gans.lite import LiteTranslator

    translator_model, _, tflite = exported
    for quantize, path in tflite.items():
        report = json.load(open(path[: -len(".tflite")] + ".json"))["parity"]
        target = ({"target_max_abs_diff_levels": export.LEVEL_TARGETS["none"]} if quantize == "none"
                  else {"target_psnr_db": export.TRANSLATION_PSNR_TARGETS[quantize]})
        assert report["passed"] and target.items() <= report.items(), report
        lite = LiteTranslator(path)
        assert lite.directions == ("a_to_b", "b_to_a") and lite.image_shape == (32, 32, 3)
        out = lite.translate(pictures(3, 50, 70), "b_to_a")  # resized like the Keras translator's input
        assert out.shape == (3, 32, 32, 3) and out.dtype == np.uint8
    np.testing.assert_allclose(LiteTranslator(tflite["none"]).translate(pictures(2, 50, 70)).astype(int),
                               translator_model.translate(pictures(2, 50, 70)).astype(int), atol=1)
    with pytest.raises(UsageError, match="not a TFLite generator from keras_gans.export.*it is a translator: load it with LiteTranslator"):
        from keras_gans.lite import LiteGenerator

        LiteGenerator(tflite["none"])


def test_a_fixed_batch_tflite_translator_takes_any_number_of_pictures(exported, tmp_path):
    from keras_gans import export
    from keras_gans.lite import LiteTranslator

    translator_model, _, _ = exported
    lite = LiteTranslator(export.export_tflite(translator_model, str(tmp_path), "none", static_batch=2))
    assert lite.static_batch == 2
    images = pictures(5, 32, 32)
    np.testing.assert_allclose(lite.translate(images, "b_to_a", batch_size=16).astype(int),
                               translator_model.translate(images, "b_to_a").astype(int), atol=1)


def test_sample_command_translates_with_the_tflite_backend(exported, tmp_path):
    from keras_gans.lite import LiteTranslator

    _, _, tflite = exported
    Image.fromarray(pictures(1, 32, 32)[0]).save(tmp_path / "photo.png")
    result = run_sample("--backend=tflite", f"--model={tflite['float16']}", f"--input={tmp_path / 'photo.png'}",
                        f"--out={tmp_path / 'out'}")
    assert result.returncode == 0, result.stderr[-2000:]
    with Image.open(tmp_path / "out" / "photo_a_to_b.png") as png:
        assert png.text["Source"] == "keras_gans.lite"
        np.testing.assert_array_equal(np.asarray(png), LiteTranslator(tflite["float16"]).translate(str(tmp_path / "photo.png"))[0])


@pytest.mark.parametrize("family, dataset, folder", [
    ("pix2pix", "facades", "facades"), ("cyclegan", "summer2winter", "summer2winter_yosemite_subset")])
def test_a_translator_run_publishes_as_an_entry_measured_like_its_paper(family, dataset, folder, shared_data, tmp_path):
    from keras_gans import evaluate, train
    from keras_gans.zoo import publish

    data_dir, logdir = str(shared_data / folder), tmp_path / "run"
    options = {"residual_blocks": 1} if family == "cyclegan" else {}
    train.run(model=family, dataset=dataset, data_dir=data_dir, image_size=32, max_examples=4, batch_size=2, width=4,
              steps=1, logdir=str(logdir), verbose=0, **options)
    card_dir, preset_dir = tmp_path / "card", tmp_path / "preset"
    card_dir.mkdir()
    (card_dir / "recipe.flags").write_text(f"--model={family}\n--dataset={dataset}\n")
    card = publish.publish(f"tiny_{family}", str(logdir), data_dir, card_dir=str(card_dir), preset_dir=str(preset_dir),
                           card_note="Label map -> photo." if family == "pix2pix" else "")
    entry = zoo.load(str(preset_dir))
    assert isinstance(entry, zoo.Translator)
    assert list(entry.directions) == card["directions"] == list(translating.DIRECTIONS[:1 if family == "pix2pix" else 2])
    # The card measures the stored (float16) weights, as evaluate measures the loaded entry.
    assert evaluate.evaluate(entry.keras_model, dataset, data_dir)["metrics"] == pytest.approx(card["metrics"]["metrics"])
    text = (card_dir / "README.md").read_text()
    assert "| metric | translated | real |" in text and "the zoo's bar" in text
    if family == "pix2pix":
        assert "| FCN-score, per-pixel accuracy |" in text and "Label map -> photo." in text
    else:
        assert "| summer -> winter: classified as winter |" in text and "| winter -> summer: FID to real summer" in text
    # Four test examples, one per row: three 32x32 columns with 1-pixel gaps.
    assert Image.open(card_dir / "samples.png").size == (3 * 33 - 1, 4 * 33 - 1)
    table = publish.zoo_table([str(preset_dir)])
    assert f"| [`tiny_{family}`](zoo/tiny_{family}/README.md) | `{family}` | {dataset} | 32x32x3 |" in table


def test_int8_translators_calibrate_on_the_training_pictures_of_their_dataset(presets, shared_data, tmp_path, monkeypatch):
    import json

    from keras_gans import export

    folder, _ = presets["pix2pix"]
    facades = zoo.load(folder)
    facades.metadata["dataset"] = "facades"
    calibrated = []
    representative = export._representative_inputs
    monkeypatch.setattr(export, "_representative_inputs",
                        lambda *args: (calibrated.append(item) or item for item in representative(*args)))
    path = export.export_tflite(facades, str(tmp_path), "int8", calibration_data=str(shared_data / "facades"))
    sidecar = json.load(open(path[: -len(".tflite")] + ".json"))
    assert sidecar["parity"]["passed"] and sidecar["calibration"].startswith("128 training inputs from")
    label_maps = data.load_pairs("facades", str(shared_data / "facades"), "train", image_size=32)[0]
    assert len(calibrated) == 8 and all(direction == "a_to_b" for direction, _ in calibrated)
    # Evenly spaced over the 400 training pairs, 8 batches of 16.
    np.testing.assert_array_equal(calibrated[0][1]["images"], label_maps[np.linspace(0, 399, 128).astype(int)][:16])
    del facades.metadata["dataset"]
    with pytest.raises(UsageError, match="card names no dataset"):
        export.export_tflite(facades, str(tmp_path), "int8", calibration_data=str(shared_data / "facades"))


@pytest.mark.skipif("pix2pix_facades" not in zoo.list(), reason="pix2pix_facades is not shipped")
def test_pix2pix_facades_exports_with_parity_and_translates_a_test_label_map(shared_data, tmp_path):
    """The entry's SavedModel matches it exactly and its float16 TFLite file within the PSNR target
    (export checks both and raises otherwise); a real test label map becomes a photo-like picture:
    far less saturated than the label map, as the facades photos are."""
    from keras_gans import export
    from keras_gans.lite import LiteTranslator

    entry = zoo.load("pix2pix_facades")
    export.export_saved_model(entry, str(tmp_path))
    lite = LiteTranslator(export.export_tflite(entry, str(tmp_path), "float16"))
    label_map = np.asarray(Image.open(shared_data / "facades" / "test" / "1.jpg"))[:, 256:]
    photo = lite.translate(label_map[None])[0]
    assert photo.shape == (128, 128, 3) and photo.dtype == np.uint8

    def saturation(image):
        return (image.max(axis=-1).astype(int) - image.min(axis=-1)).mean()

    assert saturation(photo) < saturation(label_map) / 2


@pytest.mark.skipif("cyclegan_summer2winter" not in zoo.list(), reason="cyclegan_summer2winter is not shipped")
def test_cyclegan_summer2winter_exports_with_parity_both_ways_and_translates_test_photos(shared_data, tmp_path):
    """The entry's SavedModel matches it exactly in both directions and its float16 TFLite file
    within the PSNR target (export checks both and raises otherwise); LiteRT translates a real
    summer photo and a real winter one, of their own 256x256 size, to 128x128."""
    from keras_gans import export
    from keras_gans.lite import LiteTranslator

    entry = zoo.load("cyclegan_summer2winter")
    assert entry.directions == ("a_to_b", "b_to_a") and entry.metadata["domain_names"] == ["summer", "winter"]
    export.export_saved_model(entry, str(tmp_path))
    lite = LiteTranslator(export.export_tflite(entry, str(tmp_path), "float16"))
    folder = shared_data / "summer2winter_yosemite_subset"
    for direction, photos in (("a_to_b", "testA"), ("b_to_a", "testB")):
        photo = sorted((folder / photos).iterdir())[0]
        translated = lite.translate([str(photo)], direction)
        assert translated.shape == (1, 128, 128, 3) and translated.dtype == np.uint8
        assert translated.std() > 10  # a picture, not a flat field
