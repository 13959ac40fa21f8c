"""keras_gans: a Keras 3 / TensorFlow model zoo of Generative Adversarial Networks."""

__version__ = "0.1.0"
