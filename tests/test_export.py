"""SavedModel and TFLite exports, their parity with the Keras model, LiteGenerator and the client."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from conftest import build_family
from keras_gans import export, zoo
from keras_gans.errors import UsageError
from keras_gans.lite import LiteGenerator
from keras_gans.serving import Client

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


@pytest.fixture(scope="module")
def conditional(tmp_path_factory):
    gan = build_family("cgan", num_classes=10, width=8)
    generator = zoo.Generator(gan.generator, {"name": "tiny_cgan", "num_classes": 10, "class_names": CLASSES,
                                              "dataset": "fashion_mnist"})
    out = tmp_path_factory.mktemp("export")
    saved_model = export.export_saved_model(generator, str(out), version=3)
    tflite = {q: export.export_tflite(generator, str(out), q) for q in export.QUANTIZATIONS}
    return generator, saved_model, tflite


@pytest.fixture(scope="module")
def unconditional(tmp_path_factory):
    gan = build_family("dcgan", num_classes=0, width=8)
    generator = zoo.Generator(gan.generator, {"name": "tiny_dcgan"})
    out = tmp_path_factory.mktemp("export")
    return generator, export.export_saved_model(generator, str(out)), export.export_tflite(generator, str(out))


FRESH_PROCESS = """
import json, sys
import numpy as np, tensorflow as tf
loaded = tf.saved_model.load(sys.argv[1])
serve, sample = loaded.signatures["serving_default"], loaded.signatures["sample"]
z = np.random.default_rng(0).standard_normal((5, 16)).astype("float32")
out = serve(z=tf.constant(z), label=tf.constant([0, 1, 2, 3, 9], tf.int32))
a = sample(seed=tf.constant(7, tf.int64), num_samples=tf.constant(4), label=tf.constant([1, 1, 2, 2]))
b = sample(seed=tf.constant(7, tf.int64), num_samples=tf.constant(4), label=tf.constant([1, 1, 2, 2]))
print(json.dumps({"images": [str(out["images"].dtype), out["images"].shape.as_list()],
                  "images_float": [str(out["images_float"].dtype), out["images_float"].shape.as_list()],
                  "sample_repeatable": bool(np.array_equal(a["images"].numpy(), b["images"].numpy())),
                  "sample_shape": a["images"].shape.as_list()}))
"""


def test_saved_model_signatures_in_a_fresh_process(conditional):
    _, path, _ = conditional
    assert path.endswith(os.path.join("tiny_cgan", "3"))
    result = subprocess.run([sys.executable, "-c", FRESH_PROCESS, path], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["images"] == ["<dtype: 'uint8'>", [5, 28, 28, 1]]
    assert report["images_float"] == ["<dtype: 'float32'>", [5, 28, 28, 1]]
    assert report["sample_repeatable"] and report["sample_shape"] == [4, 28, 28, 1]
    card = json.load(open(os.path.join(path, "assets", "model_card.json")))
    assert card["class_names"] == CLASSES and "synthetic" in card["note"]
    parity = json.load(open(os.path.join(path, "assets.extra", "parity.json")))
    assert parity["max_abs_diff_levels"] == 0 and parity["passed"]


def test_saved_model_cli_lists_names_and_dtypes(conditional):
    _, path, _ = conditional
    result = subprocess.run([sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "show", "--dir", path,
                             "--all"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    text = result.stdout
    for expected in ("signature_def['serving_default']", "signature_def['sample']", "inputs['z'] tensor_info",
                     "inputs['label'] tensor_info", "inputs['seed'] tensor_info", "inputs['num_samples'] tensor_info",
                     "outputs['images'] tensor_info", "outputs['images_float'] tensor_info", "dtype: DT_UINT8",
                     "dtype: DT_INT64", "shape: (-1, 16)"):
        assert expected in text, expected


def test_saved_model_refuses_out_of_range_labels_and_wrong_z(conditional):
    _, path, _ = conditional
    serve = tf.saved_model.load(path).signatures["serving_default"]
    z = tf.zeros((2, 16))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label must lie in \[0, 10\)"):
        serve(z=z, label=tf.constant([0, 10]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label must lie in \[0, 10\)"):
        serve(z=z, label=tf.constant([-1, 0]))
    with pytest.raises((ValueError, TypeError, tf.errors.InvalidArgumentError)):
        serve(z=tf.zeros((2, 15)), label=tf.constant([0, 1]))


def test_tflite_variants_meet_their_parity_targets(conditional):
    generator, _, tflite = conditional
    for quantize, path in tflite.items():
        sidecar = json.load(open(path[: -len(".tflite")] + ".json"))
        assert sidecar["parity"]["passed"], sidecar
        lite = LiteGenerator(path)
        assert lite.num_classes == 10 and lite.latent_dim == 16
        images = lite.sample(6, labels="Bag", seed=2)
        assert images.dtype == np.uint8 and images.shape == (6, 28, 28, 1)
    levels = {q: json.load(open(p[: -len(".tflite")] + ".json"))["parity"]["max_abs_diff_levels"] for q, p in tflite.items()}
    assert levels["none"] <= 1 and levels["float16"] <= 2
    # The same seed gives the same latents in LiteGenerator and the zoo Generator.
    np.testing.assert_allclose(LiteGenerator(tflite["none"]).sample(4, labels=3, seed=5).astype(int),
                               generator.sample(4, labels=3, seed=5).astype(int), atol=1)


def test_every_tflite_variant_rounds_its_own_float_images(conditional):
    """The uint8 output is the float output rounded, to within int8's requantization steps (int8
    once put x + 1 on the [0, 255] scale and was 16 levels off on average, 21 at most here)."""
    from ai_edge_litert.interpreter import Interpreter

    generator, _, tflite = conditional
    z, labels = export.parity_batch(generator, 32)
    for quantize, path in tflite.items():
        out = Interpreter(model_path=path).get_signature_runner("serving_default")(z=z, label=labels)
        rounded = np.clip(np.round((out["images_float"] + 1.0) * 127.5), 0, 255)
        assert np.abs(out["images"].astype(int) - rounded).max() <= 2, quantize


def test_lite_generator_checks_labels(conditional):
    _, _, tflite = conditional
    lite = LiteGenerator(tflite["none"])
    with pytest.raises(UsageError, match=r"outside \[0, 10\)"):
        lite.sample(2, labels=[0, 10])
    with pytest.raises(UsageError, match="Unknown class"):
        lite.sample(1, labels="Hat")
    with pytest.raises(UsageError, match=r"z must be \[n, 16\]"):
        lite.generate(np.zeros((2, 15), np.float32), [0, 1])


def test_lite_generator_does_not_import_tensorflow(conditional):
    _, _, tflite = conditional
    code = (f"import sys; from keras_gans.lite import LiteGenerator; g = LiteGenerator({tflite['int8']!r}); "
            "x = g.sample(3, labels=[1, 2, 3], seed=0); assert x.shape == (3, 28, 28, 1); "
            "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr[-2000:]


def test_unconditional_export_has_no_label_input(unconditional):
    generator, saved_model, tflite = unconditional
    signatures = tf.saved_model.load(saved_model).signatures
    assert set(signatures["serving_default"].structured_input_signature[1]) == {"z"}
    assert set(signatures["sample"].structured_input_signature[1]) == {"seed", "num_samples"}
    lite = LiteGenerator(tflite)
    assert lite.num_classes == 0
    assert lite.sample(3, seed=1).shape == (3, 28, 28, 1)


def test_static_batch_export_pads_the_last_batch(conditional, tmp_path):
    generator, _, _ = conditional
    path = export.export_tflite(generator, str(tmp_path), "none", static_batch=4)
    lite = LiteGenerator(path)
    assert lite.static_batch == 4
    np.testing.assert_allclose(lite.sample(6, seed=3).astype(int), generator.sample(6, seed=3).astype(int), atol=1)


def test_a_saved_model_that_misses_its_target_is_set_aside_where_serving_cannot_load_it(conditional, tmp_path,
                                                                                           monkeypatch):
    generator, _, _ = conditional
    good = export.export_saved_model(generator, str(tmp_path), version=1)
    monkeypatch.setitem(export.LEVEL_TARGETS, "saved_model", -1)
    for version in (1, 2):
        with pytest.raises(export.ParityError, match=f"misses its parity target.*set aside as .*{version}\\.rejected"):
            export.export_saved_model(generator, str(tmp_path), version=version)
    # TF Serving loads the numeric folders only: it sees the version that passed, as it was.
    assert sorted(os.listdir(tmp_path / "tiny_cgan")) == ["1", "1.rejected", "2.rejected"]
    assert json.load(open(os.path.join(good, "assets.extra", "parity.json")))["passed"]
    rejected = tmp_path / "tiny_cgan" / "2.rejected" / "assets.extra" / "parity.json"
    assert json.load(open(rejected))["passed"] is False


def test_an_artifact_that_misses_its_target_leaves_the_others_made(conditional, tmp_path, monkeypatch, capsys):
    generator, _, _ = conditional
    monkeypatch.setitem(export.LEVEL_TARGETS, "none", -1)
    assert export.export_all(generator, str(tmp_path), ["saved_model", "tflite"], ["none", "float16"]) == 1
    assert sorted(os.listdir(tmp_path / "tflite")) == ["tiny_cgan_float16.json", "tiny_cgan_float16.tflite",
                                                      "tiny_cgan_none.rejected.json", "tiny_cgan_none.rejected.tflite"]
    assert os.listdir(tmp_path / "tiny_cgan") == ["1"]
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and errors[0].startswith("error: ") and "tiny_cgan_none.tflite misses its parity" in errors[0]


def test_a_tflite_model_that_misses_its_target_is_set_aside_and_refused_by_the_loader(conditional, tmp_path,
                                                                                      monkeypatch):
    generator, _, _ = conditional
    good = export.export_tflite(generator, str(tmp_path), "none")
    monkeypatch.setitem(export.LEVEL_TARGETS, "none", -1)
    with pytest.raises(export.ParityError, match="misses its parity target.*set aside as .*tiny_cgan_none\\.rejected\\.tflite"):
        export.export_tflite(generator, str(tmp_path), "none")
    assert sorted(os.listdir(tmp_path / "tflite")) == ["tiny_cgan_none.json", "tiny_cgan_none.rejected.json",
                                                      "tiny_cgan_none.rejected.tflite", "tiny_cgan_none.tflite"]
    assert json.load(open(good[: -len(".tflite")] + ".json"))["parity"]["passed"]
    LiteGenerator(good).sample(2, labels=1, seed=0)
    with pytest.raises(UsageError, match="missed its parity target when exported"):
        LiteGenerator(str(tmp_path / "tflite" / "tiny_cgan_none.rejected.tflite"))
    # An export that fails on its way leaves no unchecked file; one that passes clears the rejected.
    monkeypatch.setattr(export, "parity_report", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        export.export_tflite(generator, str(tmp_path), "none")
    assert len(os.listdir(tmp_path / "tflite")) == 4
    monkeypatch.undo()
    export.export_tflite(generator, str(tmp_path), "none")
    assert sorted(os.listdir(tmp_path / "tflite")) == ["tiny_cgan_none.json", "tiny_cgan_none.tflite"]


# -- the client, against what TF Serving would do with its requests -------------------------------


def _serve_rest(saved_model, body):
    """What TF Serving does with a REST predict body: decode, run the signature, encode."""
    signature = tf.saved_model.load(saved_model).signatures[body.get("signature_name", "serving_default")]
    specs = signature.structured_input_signature[1]
    if "inputs" in body:
        inputs = {k: tf.constant(v, specs[k].dtype) for k, v in body["inputs"].items()}
        return {"outputs": {k: v.numpy().tolist() for k, v in signature(**inputs).items()}}
    columns = {k: tf.constant([row[k] for row in body["instances"]], specs[k].dtype) for k in body["instances"][0]}
    outputs = {k: v.numpy() for k, v in signature(**columns).items()}
    return {"predictions": [{k: v[i].tolist() for k, v in outputs.items()} for i in range(len(body["instances"]))]}


def _serve_grpc(saved_model, request):
    from tensorflow_serving.apis import predict_pb2

    signature = tf.saved_model.load(saved_model).signatures[request.model_spec.signature_name]
    outputs = signature(**{k: tf.constant(tf.make_ndarray(v)) for k, v in request.inputs.items()})
    response = predict_pb2.PredictResponse()
    for name, value in outputs.items():
        response.outputs[name].CopyFrom(tf.make_tensor_proto(value.numpy()))
    return response


@pytest.mark.parametrize("format", ["columnar", "row"])
def test_rest_round_trip_through_the_saved_model(conditional, format):
    generator, saved_model, _ = conditional
    client = Client("http://localhost:8501", "tiny_cgan", version=3)
    assert client.rest_url == "http://localhost:8501/v1/models/tiny_cgan/versions/3:predict"
    z, labels = generator.latents(4, seed=1), [0, 3, 7, 9]
    body = json.loads(json.dumps(client.rest_request(client.generate_inputs(z, labels), format=format)))
    images = client.decode_rest_response(json.loads(json.dumps(_serve_rest(saved_model, body))))["images"]
    assert images.dtype == np.uint8
    np.testing.assert_array_equal(images, generator.generate(z, labels))


def test_rest_sample_signature_round_trip(conditional):
    generator, saved_model, _ = conditional
    client = Client("http://localhost:8501", "tiny_cgan")
    body = client.rest_request(client.sample_inputs(11, 3, [1, 2, 3]), signature="sample")
    first = client.decode_rest_response(_serve_rest(saved_model, json.loads(json.dumps(body))))["images"]
    second = client.decode_rest_response(_serve_rest(saved_model, json.loads(json.dumps(body))))["images"]
    assert first.shape == (3, 28, 28, 1) and np.array_equal(first, second)
    with pytest.raises(UsageError, match="columnar"):
        client.rest_request(client.sample_inputs(11, 3, [1, 2, 3]), signature="sample", format="row")


def test_grpc_round_trip_through_the_saved_model(conditional):
    from tensorflow_serving.apis import predict_pb2

    generator, saved_model, _ = conditional
    client = Client("localhost:8500", "tiny_cgan", version=3)
    assert client.protocol == "grpc"
    z, labels = generator.latents(3, seed=4), [5, 6, 7]
    request = predict_pb2.PredictRequest.FromString(client.grpc_request(client.generate_inputs(z, labels)).SerializeToString())
    assert request.model_spec.name == "tiny_cgan" and request.model_spec.version.value == 3
    response = predict_pb2.PredictResponse.FromString(_serve_grpc(saved_model, request).SerializeToString())
    np.testing.assert_array_equal(client.decode_grpc_response(response)["images"], generator.generate(z, labels))


def test_export_cli(tmp_path):
    gan = build_family("cgan", num_classes=10, width=8)
    preset = zoo.save_to_preset(gan.generator, str(tmp_path / "preset"), name="tiny", class_names=CLASSES)
    result = subprocess.run([sys.executable, "-m", "keras_gans.export", f"--model={preset}", f"--out={tmp_path / 'out'}",
                             "--formats=saved_model,tflite", "--quantize=none,dynamic"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "out" / "tiny" / "1" / "saved_model.pb").is_file()
    assert (tmp_path / "out" / "tflite" / "tiny_dynamic.tflite").is_file()
    bad = subprocess.run([sys.executable, "-m", "keras_gans.export", f"--model={preset}", "--quantize=int4"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "int4" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("family, image_shape, num_classes", [("stylegan", (32, 32, 1), 0), ("biggan", (28, 28, 1), 10)])
def test_stylegan_and_biggan_export_within_their_parity_targets(family, image_shape, num_classes, tmp_path):
    """The families with their own layers (modulated convolutions and noise maps; conditional batch
    norm and self-attention) export like the others: the exporters check parity themselves."""
    gan = build_family(family, image_shape=image_shape, num_classes=num_classes, width=4)
    generator = zoo.Generator(gan.sampling_generator, {"name": f"tiny_{family}", "num_classes": num_classes,
                                                        "class_names": CLASSES[:num_classes]})
    saved_model = export.export_saved_model(generator, str(tmp_path))
    serve = tf.saved_model.load(saved_model).signatures["serving_default"]
    z = generator.latents(4, seed=0)
    inputs = {"z": tf.constant(z)} | ({"label": tf.constant([0, 1, 2, 9], tf.int32)} if num_classes else {})
    expected = generator.generate(z, [0, 1, 2, 9] if num_classes else None)
    np.testing.assert_array_equal(serve(**inputs)["images"].numpy(), expected)
    lite = LiteGenerator(export.export_tflite(generator, str(tmp_path)))
    labels = [0, 1, 2, 9] if num_classes else None
    assert np.abs(lite.generate(z, labels).astype(int) - expected.astype(int)).max() <= export.LEVEL_TARGETS["none"]
    if family == "stylegan":
        # Its truncation is psi in W, inside the graph the export froze: refused, not taken as z's.
        with pytest.raises(UsageError, match="zoo.load"):
            lite.sample(2, truncation=0.7)
    else:
        assert lite.sample(2, labels=[1, 1], truncation=0.7, seed=0).shape == (2, *image_shape)
