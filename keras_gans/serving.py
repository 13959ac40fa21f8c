"""A client for generators served by TF Serving (exported with `keras_gans.export`).

    from keras_gans.serving import Client
    client = Client("http://localhost:8501", "cgan_fashion")            # REST
    client = Client("localhost:8500", "cgan_fashion", protocol="grpc")   # gRPC
    images = client.generate(z, labels=[3] * len(z))                    # uint8 [n, H, W, C]
    images = client.sample(seed=0, num_samples=16, labels=[7] * 16)     # server-side latents

REST requests use TF Serving's predict API in the columnar (``{"inputs": ...}``) or row
(``{"instances": ...}``) format; gRPC requests go through ``tensorflow-serving-api``'s
PredictionService. Request building and response decoding are separate methods, so they can be
checked against a SavedModel without a server.
"""

import json
import urllib.request

import numpy as np

from keras_gans.errors import KerasGansError, UsageError, check_integer, check_name, first_line

FORMATS = ("columnar", "row")


class ServerResponseError(KerasGansError, RuntimeError):
    """The server answered with an error, or with something a keras_gans export cannot produce."""


class Client:
    """Predicts with one served model; ``version=None`` lets the server pick the newest."""

    def __init__(self, target, model_name, version=None, protocol=None, timeout=60.0):
        self.protocol = protocol or ("rest" if target.startswith(("http://", "https://")) else "grpc")
        if self.protocol not in ("rest", "grpc"):
            raise UsageError(f"Unknown protocol {protocol!r}: rest or grpc.")
        # The name and version go into the URL (and the gRPC model spec): one safe path component each.
        self.model_name = check_name(model_name, "the served model's name")
        self.version = None if version is None else check_integer(version, "version", minimum=0)
        self.target, self.timeout = target.rstrip("/"), timeout

    # -- inputs of the two signatures -----------------------------------------------------------

    @staticmethod
    def generate_inputs(z, labels=None):
        inputs = {"z": np.asarray(z, np.float32)}
        if labels is not None:
            inputs["label"] = np.asarray(labels, np.int32)
        return inputs

    @staticmethod
    def sample_inputs(seed, num_samples, labels=None):
        inputs = {"seed": np.asarray(seed, np.int64), "num_samples": np.asarray(num_samples, np.int32)}
        if labels is not None:
            inputs["label"] = np.asarray(labels, np.int32)
        return inputs

    # -- REST -----------------------------------------------------------------------------------

    @property
    def rest_url(self):
        version = f"/versions/{self.version}" if self.version is not None else ""
        return f"{self.target}/v1/models/{self.model_name}{version}:predict"

    @staticmethod
    def rest_request(inputs, signature="serving_default", format="columnar"):
        """The JSON body of a predict request (a dict)."""
        if format == "columnar":
            return {"signature_name": signature, "inputs": {k: v.tolist() for k, v in inputs.items()}}
        if format == "row":
            if any(v.ndim == 0 for v in inputs.values()):
                raise UsageError("the row format needs batched inputs; use the columnar format for `sample`.")
            count = len(next(iter(inputs.values())))
            return {"signature_name": signature,
                    "instances": [{k: v[i].tolist() for k, v in inputs.items()} for i in range(count)]}
        raise UsageError(f"Unknown request format {format!r}: {', '.join(FORMATS)}.")

    @staticmethod
    def decode_rest_response(body):
        """``{"outputs": ...}`` or ``{"predictions": [...]}`` -> dict of arrays; images uint8."""
        if "error" in body:
            raise ServerResponseError(f"TF Serving error: {first_line(body['error'], 500)}")
        if "outputs" in body:
            outputs = body["outputs"]
        else:
            rows = body["predictions"]
            outputs = {k: [row[k] for row in rows] for k in rows[0]}
        return _typed(outputs)

    def _post(self, body):
        request = urllib.request.Request(
            self.rest_url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read())

    # -- gRPC -----------------------------------------------------------------------------------

    def grpc_request(self, inputs, signature="serving_default"):
        """A ``tensorflow_serving.apis.predict_pb2.PredictRequest``."""
        import tensorflow as tf
        from tensorflow_serving.apis import predict_pb2

        request = predict_pb2.PredictRequest()
        request.model_spec.name = self.model_name
        request.model_spec.signature_name = signature
        if self.version is not None:
            request.model_spec.version.value = int(self.version)
        for name, value in inputs.items():
            request.inputs[name].CopyFrom(tf.make_tensor_proto(value))
        return request

    @staticmethod
    def decode_grpc_response(response):
        import tensorflow as tf

        return _typed({name: tf.make_ndarray(proto) for name, proto in response.outputs.items()})

    def _grpc_predict(self, request):
        import grpc
        from tensorflow_serving.apis import prediction_service_pb2_grpc

        with grpc.insecure_channel(self.target) as channel:
            stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
            return stub.Predict(request, timeout=self.timeout)

    # -- calls ----------------------------------------------------------------------------------

    def predict(self, inputs, signature="serving_default", format="columnar"):
        """Runs ``signature`` on the server; returns its outputs as arrays."""
        if self.protocol == "rest":
            return self.decode_rest_response(self._post(self.rest_request(inputs, signature, format)))
        return self.decode_grpc_response(self._grpc_predict(self.grpc_request(inputs, signature)))

    def generate(self, z, labels=None, format="columnar"):
        """uint8 images for the given latents (and labels)."""
        return self.predict(self.generate_inputs(z, labels), "serving_default", format)["images"]

    def sample(self, seed, num_samples, labels=None):
        """uint8 images from latents the server draws statelessly from ``seed``."""
        return self.predict(self.sample_inputs(seed, num_samples, labels), "sample")["images"]


def _typed(outputs):
    """The outputs as arrays, ``images`` as uint8 after checking they are whole numbers in
    [0, 255] (a cast would wrap 256 to 0 and truncate 3.7 to 3 without a word)."""
    arrays = {name: np.asarray(value) for name, value in outputs.items()}
    if "images" in arrays:
        images = arrays["images"]
        if images.dtype == object or not np.issubdtype(images.dtype, np.number) or images.size and (
            not np.all(np.isfinite(images)) or images.min() < 0 or images.max() > 255 or np.any(images != np.round(images))
        ):
            raise ServerResponseError(
                "the server's images are not whole numbers in [0, 255]: is the model a keras_gans export?"
            )
        arrays["images"] = images.astype(np.uint8)
    if "images_float" in arrays:
        arrays["images_float"] = arrays["images_float"].astype(np.float32)
    return arrays
