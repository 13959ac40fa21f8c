"""Image-to-image translation shared by `keras_gans.zoo.Translator` (Keras) and
`keras_gans.lite.LiteTranslator` (LiteRT): reading a user's pictures, fitting them to the model's
size and running them in batches. No TensorFlow here, so the LiteRT path stays light.

A translation family's generator takes a float32 image ``[n, S, S, C]`` in [-1, 1] and returns
one of the same shape; pix2pix translates one way (``"a_to_b"``: label map -> photo for facades),
CycleGAN both ways (``"a_to_b"``, ``"b_to_a"``: summer -> winter and back).
"""

import os

import numpy as np
from PIL import Image, UnidentifiedImageError

from keras_gans.errors import UsageError, check_integer, first_line

DIRECTIONS = ("a_to_b", "b_to_a")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")  # what the data loaders read too
_MODES = {1: "L", 3: "RGB", 4: "RGBA"}  # PIL's mode for each channel count a model may take
TRANSLATION_NOTE = (
    "Outputs are synthetic: a GAN's rendering of the input picture in another style or season, not a "
    "photograph of anything; they inherit the biases of the training data."
)


def to_float(images):
    """uint8 [0, 255] -> float32 [-1, 1] (`keras_gans.data.to_float` without TensorFlow)."""
    return np.asarray(images, np.float32) / np.float32(127.5) - np.float32(1.0)


def list_images(folder):
    """The image files directly in ``folder``, sorted ([] when it is missing)."""
    if not os.path.isdir(folder):
        return []
    return sorted(entry.path for entry in os.scandir(folder)
                  if entry.is_file() and entry.name.lower().endswith(IMAGE_EXTENSIONS))


def image_paths(path):
    """``[path]`` for an image file; the image files directly in a folder, sorted."""
    path = os.fspath(path)
    if os.path.isdir(path):
        found = list_images(path)
        if not found:
            raise UsageError(f"{path} holds no images ({', '.join(IMAGE_EXTENSIONS)}); pass a folder of pictures "
                             "or one image file.")
        return found
    if not os.path.isfile(path):
        raise UsageError(f"No image file or folder at {path}.")
    return [path]


def read_image(path, channels, name=None, max_pixels=None):
    """A picture file (a path or a binary file object, called ``name`` in errors) as uint8
    ``[H, W, channels]``, converted to the model's mode (RGB, grey, RGBA); one with more than
    ``max_pixels`` pixels is refused before it is decoded."""
    name = name or path
    try:
        with Image.open(path) as image:
            if max_pixels is None or image.width * image.height <= max_pixels:
                return np.asarray(image.convert(_MODES[channels]), np.uint8).reshape(image.height, image.width, channels)
            size = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        detail = "no image format PIL knows" if isinstance(error, UnidentifiedImageError) else first_line(error)
        raise UsageError(f"{name} cannot be read as an image ({detail}); pass a PNG or JPEG file.") from None
    raise UsageError(f"{name} is {size[0]} x {size[1]} pixels; at most {max_pixels:,} are taken: scale it down first.")


def fit_to_side(image, side):
    """uint8 ``[H, W, C]`` resized to ``[side, side, C]``, unchanged when it already is that size:
    bilinear and antialiased when shrinking, as `keras_gans.data` resizes training images (PIL's
    filter and TensorFlow's differ by a grey level here and there)."""
    if image.shape[:2] == (side, side):
        return image
    channels = image.shape[-1]
    resized = Image.fromarray(image[..., 0] if channels == 1 else image).resize((side, side), Image.BILINEAR)
    return np.asarray(resized, np.uint8).reshape(side, side, channels)


def direction_domains(direction, domain_names=("A", "B")):
    """(source, target) names of a translation ``direction`` between domains named ``domain_names``."""
    if direction not in DIRECTIONS:
        raise UsageError(f"Unknown direction {direction!r}; known: {', '.join(DIRECTIONS)}.")
    return tuple(domain_names) if direction == "a_to_b" else tuple(domain_names[::-1])


class Translating:
    """``translate`` for a translation generator; subclasses set ``name``, ``image_shape``
    (``(S, S, C)``) and ``directions`` and define ``_translate(images, direction)``: uint8
    ``[n, S, S, C]`` -> uint8 translations of one batch."""

    batch_size = 16

    def translate(self, images, direction="a_to_b", batch_size=None):
        """uint8 ``[N, S, S, C]`` translations of ``images``: a uint8 array ``[N, H, W, C]``, a list
        of uint8 ``[H, W, C]`` arrays, an image file or folder, or a list of files. Pictures of any
        size are resized to the model's ``S x S`` first."""
        self.check_direction(direction)
        batch_size = check_integer(self.batch_size if batch_size is None else batch_size, "batch_size", minimum=1)
        batch_size = min(batch_size, getattr(self, "static_batch", None) or batch_size)  # a fixed-batch TFLite file
        side, _, channels = self.image_shape
        pictures = [fit_to_side(picture, side) for picture in self._pictures(images, channels)]
        out = [self._translate(np.stack(pictures[start : start + batch_size]), direction)
               for start in range(0, len(pictures), batch_size)]
        return np.concatenate(out)

    def check_direction(self, direction):
        """One line naming the directions this model has, unless it has ``direction``."""
        if direction not in self.directions:
            raise UsageError(f"{self.name} translates {' and '.join(self.directions)}; got direction={direction!r}.")

    def _pictures(self, images, channels):
        """The pictures ``images`` names or holds, as uint8 ``[H, W, channels]`` arrays."""
        if isinstance(images, (str, os.PathLike)):
            return [read_image(path, channels) for path in image_paths(images)]
        if isinstance(images, (list, tuple)) and images and all(isinstance(p, (str, os.PathLike)) for p in images):
            return [read_image(os.fspath(path), channels) for path in images]
        if isinstance(images, np.ndarray) and images.ndim == 4:
            pictures = list(images)
        elif isinstance(images, (list, tuple)) and all(isinstance(p, np.ndarray) for p in images):
            pictures = list(images)
        else:
            raise UsageError(f"{self.name} translates a uint8 array [N, H, W, {channels}], a list of [H, W, {channels}] "
                             f"arrays, or image files; got {_describe(images)}.")
        if not pictures:
            raise UsageError(f"{self.name} was given no images to translate.")
        for index, picture in enumerate(pictures):
            if picture.dtype != np.uint8:
                raise UsageError(f"image {index} is {picture.dtype}; translate takes uint8 pixels in [0, 255] "
                                 "(keras_gans.data.to_uint8 converts [-1, 1] floats).")
            if picture.ndim != 3 or picture.shape[-1] != channels or min(picture.shape[:2]) < 1:
                raise UsageError(f"image {index} has shape {picture.shape}; {self.name} takes [H, W, {channels}] "
                                 f"images ({_MODES.get(channels, f'{channels} channels')}).")
        return pictures


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    return f"a {type(value).__name__}" + (" (empty)" if hasattr(value, "__len__") and not len(value) else "")
