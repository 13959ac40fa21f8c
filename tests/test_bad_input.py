"""Bad input at every entry point, as a table: each case must fail with one clear line (a
`keras_gans` error in Python, an ``error:`` line from a command, an InvalidArgument naming the
problem from a SavedModel signature), never a traceback or a silently wrong result, and must write
nothing."""

import concurrent.futures
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import zipfile

import keras
import numpy as np
import pytest
import tensorflow as tf

from conftest import build_family
from keras_gans import evaluate, export, train, zoo
from keras_gans.errors import KerasGansError
from keras_gans.lite import LiteGenerator
from keras_gans.serving import Client
from keras_gans.zoo import presets

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
QUICK = dict(model="cgan", dataset="fashion_mnist", max_examples=256, batch_size=32, latent_dim=16, width=8, steps=1,
             verbose=0)


class Files:
    """What an entry point may have touched: every file under a folder with its size."""

    def __init__(self, folder):
        self.folder = str(folder)
        self.before = self.snapshot()

    def snapshot(self):
        return {os.path.join(root, name): os.path.getsize(os.path.join(root, name))
                for root, _, names in os.walk(self.folder) for name in names}

    def unchanged(self):
        return self.snapshot() == self.before


def build_world(root, data_dir):
    """Everything the cases need, under folder ``root``: a tiny conditional generator with its
    SavedModel and TFLite exports, a preset, a training logdir, and broken model files."""
    root = pathlib.Path(root)
    gan = build_family("cgan", num_classes=10, latent_dim=16, width=8)
    generator = zoo.Generator(gan.generator, {"name": "tiny_cgan", "num_classes": 10, "class_names": CLASSES,
                                              "dataset": "fashion_mnist"})
    saved_model = export.export_saved_model(generator, str(root / "exported"))
    tflite = export.export_tflite(generator, str(root / "exported"))
    preset = presets.save_to_preset(generator, str(root / "preset"))
    logdir = root / "run"
    logdir.mkdir()
    gan.generator.save(str(logdir / "generator.keras"))
    (logdir / "config.json").write_text(json.dumps(
        {"model": "cgan", "dataset": "fashion_mnist", "data_dir": str(data_dir)}))
    unfinished = root / "unfinished_run"
    unfinished.mkdir()
    (unfinished / "config.json").write_text((logdir / "config.json").read_text())
    truncated = root / "truncated.keras"
    truncated.write_bytes((logdir / "generator.keras").read_bytes()[:11000])
    lambda_model = keras.Sequential([keras.Input((16,)), keras.layers.Lambda(lambda z: z * 2)])
    lambda_path = root / "lambda.keras"
    lambda_model.save(str(lambda_path))
    evil = root / "evil_preset"
    presets.save_to_preset(generator, str(evil))
    card = json.loads((evil / presets.METADATA_FILE).read_text())
    (evil / presets.METADATA_FILE).write_text(json.dumps({**card, "name": "../../evil"}))
    translator_preset = presets.save_to_preset(build_family("pix2pix", image_shape=(32, 32, 3), width=4).generator,
                                               str(root / "translator_preset"), name="tiny_pix2pix")
    pictures = root / "pictures"
    (pictures / "empty").mkdir(parents=True)
    (pictures / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n cut short")
    return dict(
        root=root, generator=generator, unconditional=zoo.load("dcgan_mnist"),
        signatures=tf.saved_model.load(saved_model).signatures, lite=LiteGenerator(tflite), preset=preset,
        logdir=str(logdir), unfinished=str(unfinished), truncated=str(truncated), lambda_path=str(lambda_path),
        evil=str(evil), data_dir=str(data_dir), translator_preset=translator_preset, pictures=str(pictures),
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory, shared_data):
    return build_world(tmp_path_factory.mktemp("world"), shared_data / "fashion_mnist")


def _run(w, out, **arguments):
    return train.run(**{**QUICK, "data_dir": w["data_dir"], "logdir": str(out / "run"), **arguments})


def _corrupt_png_folder():
    """A class folder (outside the watched one) whose PNG b/3.png has a valid header but a
    corrupt IDAT chunk."""
    import tempfile

    from PIL import Image

    out = pathlib.Path(tempfile.mkdtemp())
    for name in ("a", "b"):
        (out / "data" / name).mkdir(parents=True)
        for i in range(40):
            Image.fromarray(np.full((28, 28), i, np.uint8)).save(out / "data" / name / f"{i}.png")
    broken = out / "data" / "b" / "3.png"
    raw = bytearray(broken.read_bytes())
    start = raw.index(b"IDAT") + 4
    raw[start : start + 8] = b"\xff" * 8
    broken.write_bytes(bytes(raw))
    return str(out / "data")


# (id, call(world, scratch folder), pattern the one-line message matches). The scratch folder is
# watched: a failing call must leave it as it was.
API_CASES = [
    # train.run: values that used to fail deep inside TensorFlow or train something silently wrong
    ("train epochs=0", lambda w, o: _run(w, o, steps=0, epochs=0), r"--epochs must be at least 1"),
    ("train epochs<0", lambda w, o: _run(w, o, steps=0, epochs=-3), r"--epochs must be at least 1"),
    ("train steps<0", lambda w, o: _run(w, o, steps=-5), r"--steps must be at least 0"),
    ("train latent_dim=0", lambda w, o: _run(w, o, latent_dim=0), r"--latent_dim must be at least 1"),
    ("train width=0", lambda w, o: _run(w, o, width=0), r"--width must be at least 1"),
    ("train batch_size=0", lambda w, o: _run(w, o, batch_size=0), r"--batch_size must be at least 1"),
    ("train log_every=0", lambda w, o: _run(w, o, log_every=0), r"--log_every must be at least 1"),
    ("train lr_g<0", lambda w, o: _run(w, o, lr_g=-1e-4), r"--lr_g must lie in \(0"),
    ("train lr_d=0", lambda w, o: _run(w, o, lr_d=0.0), r"--lr_d must lie in \(0"),
    ("train lr_g=nan", lambda w, o: _run(w, o, lr_g=math.nan), r"--lr_g must be a finite number"),
    ("train ema_decay=1", lambda w, o: _run(w, o, ema_decay=1.0), r"--ema_decay must lie in \[0, 1\)"),
    ("train ema_decay<0", lambda w, o: _run(w, o, ema_decay=-0.1), r"--ema_decay must lie in \[0, 1\)"),
    ("train unrolled_steps<0", lambda w, o: _run(w, o, unrolled_steps=-1), r"--unrolled_steps must be at least 0"),
    ("train checkpoint_every<0", lambda w, o: _run(w, o, checkpoint_every=-1),
     r"--checkpoint_every must be at least 0"),
    ("train keep_checkpoints=0", lambda w, o: _run(w, o, keep_checkpoints=0), r"--keep_checkpoints must be at least 1"),
    ("train beta1=1.5", lambda w, o: _run(w, o, beta1=1.5), r"--beta1 must lie in \[0, 1\)"),
    ("train label_smoothing=1", lambda w, o: _run(w, o, label_smoothing=1.0), r"--label_smoothing must lie in"),
    ("train instance_noise<0", lambda w, o: _run(w, o, instance_noise=-0.1), r"--instance_noise must lie in \[0"),
    ("train lr_decay_fraction=2", lambda w, o: _run(w, o, lr_decay_fraction=2.0), r"--lr_decay_fraction must lie"),
    ("train n_critic=0", lambda w, o: _run(w, o, n_critic=0), r"--n_critic must be at least 1"),
    ("train max_examples=0", lambda w, o: _run(w, o, max_examples=0), r"--max_examples must be at least 1"),
    ("train seed<0", lambda w, o: _run(w, o, seed=-1), r"--seed must be at least 0"),
    ("train float16 and bfloat16", lambda w, o: _run(w, o, mixed_precision=True, bfloat16=True),
     r"--mixed_precision \(float16\) and --bfloat16 exclude each other"),
    ("train float steps", lambda w, o: _run(w, o, steps=2.5), r"--steps must be an integer"),
    ("train unknown model", lambda w, o: _run(w, o, model="stylegan3"), r"Unknown model 'stylegan3'.*cgan"),
    ("train unknown loss", lambda w, o: _run(w, o, loss="bogus"), r"Unknown adversarial loss 'bogus'"),
    ("train jitter of labelled images", lambda w, o: _run(w, o, random_jitter=True),
     r"--random_jitter is the augmentation of the image-to-image families"),
    ("train unknown augment", lambda w, o: _run(w, o, diff_augment="blur"), r"Unknown DiffAugment policy blur"),
    ("train image_size=30", lambda w, o: _run(w, o, image_size=30), r"got 30x30.*--image_size"),
    ("train stylegan image_size=30", lambda w, o: _run(w, o, model="stylegan", image_size=30),
     r"stylegan makes square images.*--image_size=32"),
    ("train batch > data", lambda w, o: _run(w, o, max_examples=10), r"fewer than one step takes.*lower --batch_size"),
    ("train missing data_dir", lambda w, o: _run(w, o, data_dir=str(o / "nowhere")), r"does not exist"),
    ("train stabiliser not taken", lambda w, o: _run(w, o, model="dcgan", r1_gamma=1.0),
     r"r1_gamma does not apply to dcgan"),
    ("train option of another family", lambda w, o: _run(w, o, gp_weight=10.0), r"--gp_weight does not apply to cgan"),
    ("train unknown option", lambda w, o: _run(w, o, truncation=0.5), r"Unknown option\(s\) truncation"),
    ("train corrupt PNG", lambda w, o: _run(w, o, dataset="squares", data_dir=_corrupt_png_folder()),
     r"3\.png cannot be read.*remove or replace it"),
    # zoo.Generator (and the sampling every sampler shares)
    ("sample n<0", lambda w, o: w["generator"].sample(-1), r"number of samples must be at least 0"),
    ("sample float n", lambda w, o: w["generator"].sample(2.5), r"number of samples must be an integer"),
    ("sample float label", lambda w, o: w["generator"].sample(2, labels=3.7), r"label must be a class index"),
    ("sample float labels", lambda w, o: w["generator"].sample(2, labels=[3.7, 1.0]), r"label must be a class index"),
    ("sample bool label", lambda w, o: w["generator"].sample(2, labels=True), r"label must be a class index"),
    ("sample label out of range", lambda w, o: w["generator"].sample(2, labels=10), r"outside \[0, 10\)"),
    ("sample unknown class", lambda w, o: w["generator"].sample(2, labels="Hat"), r"Unknown class 'Hat'"),
    ("sample label count", lambda w, o: w["generator"].sample(3, labels=[1, 2]), r"got 2 labels for 3 samples"),
    ("sample labels unconditional", lambda w, o: w["unconditional"].sample(2, labels=1), r"unconditional"),
    ("sample truncation=nan", lambda w, o: w["generator"].sample(2, truncation=math.nan), r"truncation must be"),
    ("sample truncation=0", lambda w, o: w["generator"].sample(2, truncation=0.0), r"truncation must lie in \[0.01"),
    ("sample truncation=1e-9", lambda w, o: w["generator"].sample(2, truncation=1e-9), r"truncation must lie in"),
    ("sample batch_size=0", lambda w, o: w["generator"].sample(2, batch_size=0), r"batch_size must be at least 1"),
    ("sample codes without codes", lambda w, o: w["generator"].sample(2, codes={"category": 1}), r"no latent codes"),
    ("generate NaN z", lambda w, o: w["generator"].generate(np.full((2, 16), np.nan), [0, 1]), r"z must be finite"),
    ("generate Inf z", lambda w, o: w["generator"].generate(np.full((2, 16), np.inf), [0, 1]), r"z must be finite"),
    ("generate z width", lambda w, o: w["generator"].generate(np.zeros((2, 15)), [0, 1]), r"z must be \[n, 16\]"),
    ("sample_batches n<0", lambda w, o: next(w["generator"].sample_batches(-2)), r"at least 0"),
    # LiteGenerator: the same checks without TensorFlow
    ("lite NaN z", lambda w, o: w["lite"].generate(np.full((2, 16), np.nan), [0, 1]), r"z must be finite"),
    ("lite z width", lambda w, o: w["lite"].generate(np.zeros((2, 17)), [0, 1]), r"z must be \[n, 16\]"),
    ("lite float label", lambda w, o: w["lite"].sample(2, labels=2.5), r"label must be a class index"),
    ("lite n<0", lambda w, o: w["lite"].sample(-1), r"at least 0"),
    ("lite missing file", lambda w, o: LiteGenerator(str(o / "none.tflite")), r"No TFLite model at"),
    ("lite not a tflite file", lambda w, o: LiteGenerator(w["truncated"]), r"is not a TFLite model from keras_gans.export"),
    # zoo.load and every command's model reference
    ("load unknown name", lambda w, o: zoo.load("cgan_fashoin"), r"Unknown zoo entry 'cgan_fashoin'.*cgan_fashion"),
    ("load empty reference", lambda w, o: zoo.load(""), r"A model reference is"),
    ("load truncated .keras", lambda w, o: zoo.load(w["truncated"]), r"not a complete \.keras file"),
    ("load missing .keras", lambda w, o: zoo.load(str(o / "g.keras")), r"No \.keras file at"),
    ("load Lambda .keras", lambda w, o: zoo.load(w["lambda_path"]), r"cannot be loaded as a keras_gans generator"),
    ("load unfinished run", lambda w, o: zoo.load(w["unfinished"]), r"without generator\.keras yet.*--resume"),
    # export: names become paths
    ("export name traversal", lambda w, o: export.export_saved_model(w["generator"], str(o), name="../../evil"),
     r"not a safe name"),
    ("export absolute name", lambda w, o: export.export_tflite(w["generator"], str(o), name="/tmp/evil"),
     r"not a safe name"),
    ("export card name traversal", lambda w, o: export.export_saved_model(w["evil"], str(o)), r"not a safe name"),
    ("export version<0", lambda w, o: export.export_saved_model(w["generator"], str(o), version=-1),
     r"--version must be at least 0"),
    ("export static_batch=0", lambda w, o: export.export_tflite(w["generator"], str(o), static_batch=0),
     r"--static_batch must be at least 1"),
    ("export unknown quantization", lambda w, o: export.export_tflite(w["generator"], str(o), quantize="int4"),
     r"Unknown quantization 'int4'"),
    # evaluate: refused before the slow loading
    ("evaluate num_samples=0", lambda w, o: evaluate.evaluate(w["logdir"], "fashion_mnist", num_samples=0),
     r"--num_samples must be at least 2"),
    ("evaluate repeats=0", lambda w, o: evaluate.evaluate(w["logdir"], "fashion_mnist", repeats=0),
     r"--repeats must be at least 1"),
    ("evaluate batch_size=0", lambda w, o: evaluate.evaluate(w["logdir"], "fashion_mnist", batch_size=0),
     r"--batch_size must be at least 1"),
    ("evaluate unknown metric", lambda w, o: evaluate.evaluate(w["logdir"], "fashion_mnist", metrics="fid,fdi"),
     r"Unknown metric\(s\) fdi"),
    # serving.Client: the name and version go into a URL
    ("client name traversal", lambda w, o: Client("http://127.0.0.1:8501", "../../admin"), r"not a safe name"),
    ("client name with slash", lambda w, o: Client("http://127.0.0.1:8501", "a/b"), r"not a safe name"),
    ("client version<0", lambda w, o: Client("http://127.0.0.1:8501", "m", version=-1), r"version must be at least 0"),
    ("client protocol", lambda w, o: Client("127.0.0.1:8500", "m", protocol="soap"), r"Unknown protocol 'soap'"),
    ("server pixels > 255", lambda w, o: Client.decode_rest_response({"outputs": {"images": [[256, 3]]}}),
     r"not whole numbers in \[0, 255\]"),
    ("server fractional pixels", lambda w, o: Client.decode_rest_response({"predictions": [{"images": [3.7]}]}),
     r"not whole numbers in \[0, 255\]"),
    ("server error body", lambda w, o: Client.decode_rest_response({"error": "Servable not found\nfor request"}),
     r"TF Serving error: Servable not found$"),
]


@pytest.mark.parametrize("call, pattern", [c[1:] for c in API_CASES], ids=[c[0] for c in API_CASES])
def test_python_api_refuses_in_one_line_and_writes_nothing(world, tmp_path, call, pattern):
    files = Files(tmp_path)
    with pytest.raises(KerasGansError) as error:
        call(world, tmp_path)
    message = str(error.value)
    assert "\n" not in message, message
    assert re.search(pattern, message), message
    assert files.unchanged(), files.snapshot()


SIGNATURE_CASES = [
    ("z width", "serving_default", dict(z=tf.zeros((2, 15)), label=tf.constant([0, 1])), r"z must be \[batch, 16\]"),
    ("NaN z", "serving_default", dict(z=tf.fill((2, 16), math.nan), label=tf.constant([0, 1])), r"z must be finite"),
    ("label range", "serving_default", dict(z=tf.zeros((2, 16)), label=tf.constant([0, 10])),
     r"label must lie in \[0, 10\)"),
    ("num_samples cap", "sample", dict(seed=tf.constant(0, tf.int64), num_samples=tf.constant(200_000),
                                       label=tf.zeros(200_000, tf.int32)), r"num_samples must lie in \[0, 10000\]"),
    ("num_samples<0", "sample", dict(seed=tf.constant(0, tf.int64), num_samples=tf.constant(-1),
                                     label=tf.zeros(0, tf.int32)), r"num_samples must lie in \[0, 10000\]"),
]


@pytest.mark.parametrize("signature, inputs, pattern", [c[1:] for c in SIGNATURE_CASES],
                         ids=[c[0] for c in SIGNATURE_CASES])
def test_saved_model_signatures_name_the_bad_input(world, signature, inputs, pattern):
    with pytest.raises(tf.errors.InvalidArgumentError, match=pattern):
        world["signatures"][signature](**inputs)


def test_empty_requests_give_empty_arrays_everywhere(world):
    for sampler in (world["generator"], world["lite"]):
        assert sampler.sample(0).shape == (0, 28, 28, 1)
        assert sampler.sample(0).dtype == np.uint8
    assert world["unconditional"].sample(0).shape == (0, 28, 28, 1)


# Commands: (id, module, arguments, pattern of the one error line). {name} fills from the world.
TRAIN_DATA = ["--data_dir={data_dir}", "--max_examples=256", "--width=8", "--latent_dim=16"]
CLI_CASES = [
    ("train epochs=0", "train", ["--epochs=0", *TRAIN_DATA], r"--epochs must be at least 1"),
    ("train batch_size=0", "train", ["--batch_size=0", *TRAIN_DATA], r"--batch_size must be at least 1"),
    ("train log_every=0", "train", ["--log_every=0", *TRAIN_DATA], r"--log_every must be at least 1"),
    ("train unknown model", "train", ["--model=nope", *TRAIN_DATA], r"Unknown model 'nope'"),
    ("sample n=0", "sample", ["--n=0"], r"--n must be at least 1"),
    ("sample float label", "sample", ["--labels=3.7"], r"Unknown class '3\.7'"),
    ("sample negative label", "sample", ["--labels=-1"], r"label -1 is outside \[0, 10\)"),
    ("sample not a png", "sample", ["--out=grid.jpg"], r"must name a \.png file"),
    ("sample Lambda model", "sample", ["--model={lambda_path}"], r"cannot be loaded as a keras_gans generator"),
    ("sample truncated model", "sample", ["--model={truncated}"], r"not a complete \.keras file"),
    ("sample --input to a generator", "sample", ["--input={pictures}", "--out=out"],
     r"samples from noise and takes no --input"),
    ("sample translator without --input", "sample", ["--model={translator_preset}"],
     r"tiny_pix2pix translates pictures: pass --input=FILE_OR_FOLDER"),
    ("sample --input missing", "sample", ["--model={translator_preset}", "--input=nowhere", "--out=out"],
     r"No image file or folder at nowhere"),
    ("sample --input empty folder", "sample", ["--model={translator_preset}", "--input={pictures}/empty", "--out=out"],
     r"empty holds no images"),
    ("sample --input unreadable", "sample", ["--model={translator_preset}", "--input={pictures}/broken.png",
                                             "--out=out"], r"broken.png cannot be read as an image"),
    ("sample --input into a png", "sample", ["--model={translator_preset}", "--input={pictures}", "--out=x.png"],
     r"with --input, --out names a folder"),
    ("sample --input with --n", "sample", ["--model={translator_preset}", "--input={pictures}", "--n=4"],
     r"--n sample from noise and mean nothing with --input; drop them"),
    ("sample --input into itself", "sample", ["--model={translator_preset}", "--input={pictures}", "--out={pictures}"],
     r"is the --input folder"),
    ("evaluate num_samples=0", "evaluate", ["--generator={logdir}", "--num_samples=0"], r"--num_samples must be at least 2"),
    ("evaluate unknown entry", "evaluate", ["--generator=cgan_fashoin"], r"Unknown zoo entry 'cgan_fashoin'"),
    ("export version<0", "export", ["--model={logdir}", "--version=-1"], r"--version must be at least 0"),
    ("export name traversal", "export", ["--model={logdir}", "--name=../../evil"], r"not a safe name"),
    ("export card name traversal", "export", ["--model={evil}"], r"not a safe name"),
    ("export unknown quantization", "export", ["--model={logdir}", "--quantize=int4"], r"Unknown format or quantization"),
]


def run_cli_case(case, world, cwd, timeout=300):
    """(return code, stderr, files left in ``cwd``) of one command case run in ``cwd``."""
    _, module, arguments, _ = case
    arguments = [a.format(**{k: v for k, v in world.items() if isinstance(v, str)}) for a in arguments]
    result = subprocess.run([sys.executable, "-m", f"keras_gans.{module}", *arguments], cwd=cwd, capture_output=True,
                            text=True, timeout=timeout, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return result.returncode, result.stderr, sorted(os.listdir(cwd))


@pytest.fixture(scope="module")
def cli_results(world, tmp_path_factory):
    """Every command case, three at a time (most of each is importing TensorFlow), each in its own
    empty working folder: {id: (return code, stderr, files left behind)}."""
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = pool.map(lambda case: run_cli_case(case, world, tmp_path_factory.mktemp("cli")), CLI_CASES)
        return {case[0]: result for case, result in zip(CLI_CASES, results)}


@pytest.mark.parametrize("case_id, pattern", [(c[0], c[3]) for c in CLI_CASES], ids=[c[0] for c in CLI_CASES])
def test_commands_print_one_error_line_and_write_nothing(cli_results, case_id, pattern):
    returncode, stderr, left = cli_results[case_id]
    assert returncode == 1, stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and re.search(pattern, errors[0]), stderr[-2000:]
    assert left == [], left


def test_every_entry_point_is_in_the_table():
    """The campaign's count: at least 60 bad inputs across the entry points."""
    cases = len(API_CASES) + len(SIGNATURE_CASES) + len(CLI_CASES)
    entry_points = {c[0].split()[0] for c in API_CASES} | {c[1] for c in CLI_CASES}
    assert cases >= 60, cases
    assert entry_points >= {"train", "sample", "generate", "lite", "load", "export", "evaluate", "client", "server"}


def test_every_command_takes_every_kind_of_model_reference(world, tmp_path):
    """A zoo name, a preset folder, a .keras file and a training logdir, in the sample command
    (the others resolve references through the same `zoo.load`)."""
    for reference in ("dcgan_mnist", world["preset"], os.path.join(world["logdir"], "generator.keras"),
                      world["logdir"]):
        assert zoo.load(reference).image_shape == (28, 28, 1)
    out = tmp_path / "grid.png"
    result = subprocess.run([sys.executable, "-m", "keras_gans.sample", f"--model={world['logdir']}", "--n=4",
                             f"--out={out}"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert out.is_file() and zipfile.is_zipfile(os.path.join(world["logdir"], "generator.keras"))


def test_evaluate_takes_a_zoo_name_and_a_saved_mixture(world, tmp_path, shared_data):
    from keras_gans import mixture

    saved = tmp_path / "mixture.keras"
    other = build_family("cgan", num_classes=10, latent_dim=16, width=8).generator
    mixture.build_mixture([world["generator"].keras_model, other]).save(str(saved))
    for reference in ("cgan_fashion", str(saved)):
        report = evaluate.evaluate(reference, "fashion_mnist", str(shared_data / "fashion_mnist"), metrics="cond_acc",
                                   num_samples=100, reference=False)
        assert 0.0 <= report["metrics"]["cond_acc"] <= 1.0
