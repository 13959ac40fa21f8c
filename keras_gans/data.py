"""Image data sources -> tf.data pipelines of float32 images in [-1, 1].

`load_source` turns a TFDS name, an MNIST-style IDX folder, a folder of class
sub-folders, a pix2pix paired folder or a CycleGAN unpaired folder into an
`ImageSource` (an unbatched uint8 dataset plus its metadata). `make_pipeline`
turns a source into the batched, shuffled, float pipeline that training uses.

Every refusal is a `DataError` raised in Python before TensorFlow runs, naming
the file or folder at fault and the fix.
"""

from __future__ import annotations

import dataclasses
import gzip
import os

import numpy as np
import tensorflow as tf
from PIL import Image, UnidentifiedImageError

from keras_gans import translating
from keras_gans.errors import UsageError
from keras_gans.translating import IMAGE_EXTENSIONS, list_images

DATA_FORMATS = ("auto", "tfds", "idx", "class_folders", "paired", "unpaired")


# Channel counts tf.io.decode_image can produce for each file type.
_DECODABLE_CHANNELS = {".png": (1, 3, 4), ".jpg": (1, 3), ".jpeg": (1, 3),
                       ".bmp": (3, 4), ".gif": (3,)}

# Which half of a pix2pix side-by-side image is the generator's input, in the
# direction the pix2pix paper trains (facades/cityscapes: label map -> photo).
_PIX2PIX_INPUT_HALF = {"facades": "right", "cityscapes": "right", "maps": "left",
                       "edges2shoes": "left", "edges2handbags": "left", "night2day": "left"}
PIX2PIX_DATASETS = tuple(_PIX2PIX_INPUT_HALF)

KNOWN_CLASS_NAMES = {
    "fashion_mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
    "mnist": tuple(str(digit) for digit in range(10)),
}

# The two domains of unpaired datasets (A, B), for the domain classifiers that judge CycleGAN.
KNOWN_DOMAIN_NAMES = {"summer2winter": ("summer", "winter"), "summer2winter_yosemite": ("summer", "winter")}

IDX_FILES = {  # split -> (images file, labels file)
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
_IDX_IMAGES_MAGIC = 0x00000803
_IDX_LABELS_MAGIC = 0x00000801

_CLASS_FOLDER_SPLITS = ("train", "val", "validation", "test")
_PAIRED_SPLITS = ("train", "val", "test")
_UNPAIRED_SPLITS = ("train", "test")

# Cache decoded uint8 data when it fits in this much memory.
_CACHE_LIMIT_BYTES = 2 * 1024**3
# Keeps a shuffle buffer of large images (e.g. 256x256 pairs) from using many GiB.
_SHUFFLE_BUFFER_LIMIT_BYTES = 1024**3
# pix2pix's and CycleGAN's random jitter: 256x256 images upscaled to 286x286, cropped back at random.
JITTER_SCALE = 286 / 256

# One line, like every error message.
_LOOKED_FOR = (
    "tfds: <data_dir>/<dataset>/<version>/dataset_info.json; "
    "idx: train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-*.gz; "
    "unpaired: trainA/, trainB/ (testA/, testB/); "
    f"paired (dataset one of {', '.join(PIX2PIX_DATASETS)}): train/*.jpg, val/, test/; "
    "class_folders: <class>/*.png|jpg|jpeg|bmp|gif, <split>/<class>/*, or a flat folder of images"
)


class DataError(UsageError):
    """A data source that cannot be used; the message names the path and the fix."""


@dataclasses.dataclass(frozen=True)
class ImageSource:
    """An unbatched uint8 dataset plus what training needs to know about it.

    kind "labelled" yields (image, label int32); "paired" yields (input, target);
    "unpaired" yields (a, b) with b drawn from a reshuffled, repeated domain B.
    """

    dataset: tf.data.Dataset
    kind: str
    num_examples: int
    image_shape: tuple
    class_names: tuple
    description: str

    def __post_init__(self):
        object.__setattr__(self, "dataset", self.dataset.with_options(pipeline_options()))

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def pipeline_options() -> tf.data.Options:
    """Options of every dataset the project builds.

    Without tf.data's autotuning model: its thread sleeps in periods that double up to a minute,
    and freeing an iterator waits for it to wake (an iterator that lived 12 s took 8.5 s to free,
    so every fit ended, and each epoch of a fit on arrays began, with a wait of up to a minute).
    AUTOTUNE parallelism then means one call per core, and prefetch buffers still grow on demand.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return options


def array_pipeline(arrays, batch_size: int, shuffle_seed: int | None = None) -> tf.data.Dataset:
    """Batches of in-memory ``arrays`` (one array or a tuple of them), the last one partial,
    reshuffled each epoch when ``shuffle_seed`` is given: what Keras makes of arrays, with
    `pipeline_options`."""
    dataset = tf.data.Dataset.from_tensor_slices(arrays)
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(dataset), seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE).with_options(pipeline_options())


def to_float(images_uint8):
    """uint8 [0, 255] -> float32 [-1, 1]; tensors stay tensors, arrays stay arrays."""
    if tf.is_tensor(images_uint8):
        return tf.cast(images_uint8, tf.float32) / 127.5 - 1.0
    return translating.to_float(images_uint8)


def to_uint8(images_float):
    """float [-1, 1] -> uint8 [0, 255], rounded and clipped (inverse of `to_float`)."""
    if tf.is_tensor(images_float):
        scaled = (tf.cast(images_float, tf.float32) + 1.0) * 127.5
        return tf.cast(tf.clip_by_value(tf.round(scaled), 0.0, 255.0), tf.uint8)
    scaled = (np.asarray(images_float, np.float32) + 1.0) * 127.5
    return np.clip(np.round(scaled), 0, 255).astype(np.uint8)


def load_source(dataset: str, data_dir: str | None = None, split: str = "train",
                data_format: str = "auto", image_size: int | None = None,
                max_examples: int | None = None) -> ImageSource:
    """Open `dataset` (a TFDS name or a label for files in `data_dir`) as an ImageSource.

    image_size: resize to image_size x image_size (bilinear, antialiased) when given.
    max_examples: keep only the first N examples (quick runs).
    """
    if data_format not in DATA_FORMATS:
        raise DataError(f"Unknown data_format {data_format!r}; use one of {', '.join(DATA_FORMATS)}.")
    for name, value in (("image_size", image_size), ("max_examples", max_examples)):
        if value is not None and (not isinstance(value, (int, np.integer)) or value < 1):
            raise DataError(f"{name} must be a positive integer or None, got {value!r}.")
    if data_dir is not None:
        data_dir = os.path.abspath(os.path.expanduser(data_dir))
    if data_format == "auto":
        data_format = _detect_format(dataset, data_dir)
    elif data_format != "tfds":
        _require_dir(data_dir, data_format)
    loader = {"tfds": _load_tfds, "idx": _load_idx, "class_folders": _load_class_folders,
              "paired": _load_paired, "unpaired": _load_unpaired}[data_format]
    return loader(dataset, data_dir, split, image_size, max_examples)


def random_jitter(images, seed, methods=None):
    """The random jitter and mirroring of pix2pix (Isola et al. 2017, sec. 6.2) and CycleGAN: each
    ``[S, S, C]`` image of the tuple ``images`` upscaled by `JITTER_SCALE` (``methods``: one
    `tf.image.resize` method per image, default bilinear; "nearest" for label maps), all cropped
    back to ``S x S`` at the same random place and mirrored left-right together half of the time,
    so that a pair stays aligned. ``seed``: a stateless seed, shape ``[2]``."""
    side = int(images[0].shape[0])
    upscaled_side = round(side * JITTER_SCALE)
    crop_seed, flip_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    top_left = tf.random.stateless_uniform([2], crop_seed, maxval=upscaled_side - side + 1, dtype=tf.int32)
    mirror = tf.random.stateless_uniform([], flip_seed) < 0.5
    jittered = []
    for image, method in zip(images, methods or ("bilinear",) * len(images), strict=True):
        upscaled = tf.cast(tf.image.resize(image, (upscaled_side, upscaled_side), method=method), image.dtype)
        crop = upscaled[top_left[0]:top_left[0] + side, top_left[1]:top_left[1] + side]
        jittered.append(tf.ensure_shape(tf.where(mirror, crop[:, ::-1], crop), image.shape))
    return tuple(jittered)


def jittered(dataset, kind, seed, methods=None):
    """``dataset`` of float image pairs with `random_jitter` (``methods``: as there), a new draw
    each pass: the same for a paired example's input and target (or a photo and its class map),
    independent for an unpaired example's two images."""
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    if kind == "paired":
        return tf.data.Dataset.zip((dataset, seeds)).map(lambda pair, s: random_jitter(pair, s, methods),
                                                         num_parallel_calls=tf.data.AUTOTUNE)

    def independent(pair, s):
        seed_a, seed_b = tf.unstack(tf.random.experimental.stateless_split(s, 2))
        return random_jitter(pair[:1], seed_a) + random_jitter(pair[1:], seed_b)

    return tf.data.Dataset.zip((dataset, seeds)).map(independent, num_parallel_calls=tf.data.AUTOTUNE)


def make_pipeline(source: ImageSource, batch_size: int, shuffle: bool = True, seed: int | None = None,
                  repeat: bool = False, cache: bool | None = None, jitter: bool = False) -> tf.data.Dataset:
    """Batched pipeline of float32 images in [-1, 1] (labels int32 for labelled data).

    cache=None caches the decoded uint8 data when it fits in 2 GiB, except for
    unpaired sources, where caching would freeze which B image goes with each A.
    jitter: `random_jitter` of each example (paired and unpaired sources), after the cache.
    Batches are always full (drop_remainder) so every step sees batch_size examples.
    """
    if jitter and source.kind == "labelled":
        raise DataError(f"random jitter is for image pairs (pix2pix, CycleGAN); {source.description} is labelled.")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise DataError(f"batch_size must be a positive integer, got {batch_size!r}.")
    if batch_size > source.num_examples:
        raise DataError(
            f"batch_size {batch_size} is larger than the {source.num_examples} examples of "
            f"{source.description}, so no full batch would ever be produced; "
            f"use batch_size <= {source.num_examples} or more data (max_examples).")
    example_bytes = int(np.prod(source.image_shape)) * (1 if source.kind == "labelled" else 2)
    if cache is None:
        cache = source.kind != "unpaired" and source.num_examples * example_bytes <= _CACHE_LIMIT_BYTES
    dataset = source.dataset
    if cache:
        dataset = dataset.cache()  # uint8, before to_float: 4x smaller than float32
    if shuffle:
        # Cached data is in memory anyway, so it can afford a full-epoch buffer.
        buffer_size = min(source.num_examples, 60000 if cache else 10000,
                          max(1, _SHUFFLE_BUFFER_LIMIT_BYTES // example_bytes))
        dataset = dataset.shuffle(buffer_size, seed=seed, reshuffle_each_iteration=True)
    if source.kind == "labelled":
        dataset = dataset.map(lambda image, label: (to_float(image), tf.cast(label, tf.int32)),
                              num_parallel_calls=tf.data.AUTOTUNE)
    else:
        dataset = dataset.map(lambda first, second: (to_float(first), to_float(second)),
                              num_parallel_calls=tf.data.AUTOTUNE)
        if jitter:
            dataset = jittered(dataset, source.kind, seed)
    if repeat:
        dataset = dataset.repeat()
    dataset = dataset.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()  # added to the source's `pipeline_options`
    # Every worker reads the whole source (files may be fewer than workers); shard the elements.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options)


# ----------------------------------------------------------------------------- layout detection

def _require_dir(data_dir, data_format):
    if data_dir is None:
        raise DataError(f"data_format {data_format!r} needs --data_dir pointing to the data folder.")
    if not os.path.isdir(data_dir):
        raise DataError(f"Data folder {data_dir} does not exist; pass --data_dir pointing to "
                        f"an existing folder with the {data_format} layout.")


def _detect_format(dataset, data_dir):
    """Pick the data format from what `data_dir` holds (tfds when there is no data_dir)."""
    if data_dir is None:
        return "tfds"
    if not os.path.isdir(data_dir):
        raise DataError(f"Data folder {data_dir} does not exist. Pass --data_dir pointing to a "
                        f"folder with one of these layouts: {_LOOKED_FOR}.")
    if any(os.path.isfile(os.path.join(data_dir, name)) for pair in IDX_FILES.values() for name in pair):
        return "idx"
    if os.path.isdir(os.path.join(data_dir, dataset)):
        return "tfds"
    if os.path.isdir(os.path.join(data_dir, "trainA")) and os.path.isdir(os.path.join(data_dir, "trainB")):
        return "unpaired"
    if dataset in PIX2PIX_DATASETS and _available_splits(data_dir, _PAIRED_SPLITS):
        return "paired"
    if _holds_images(data_dir, depth=2):  # flat, <class>/ or <split>/<class>/
        return "class_folders"
    state = "is empty" if not os.listdir(data_dir) else "has no recognisable layout"
    raise DataError(f"Data folder {data_dir} {state}. Looked for {_LOOKED_FOR}.")


def _subfolders(folder):
    return sorted(entry.name for entry in os.scandir(folder) if entry.is_dir() and not entry.name.startswith("."))


def _holds_images(folder, depth):
    """True when `folder` or its sub-folders down to `depth` levels hold image files."""
    return bool(list_images(folder)) or (depth > 0 and any(
        _holds_images(os.path.join(folder, sub), depth - 1) for sub in _subfolders(folder)))


def _available_splits(data_dir, splits, suffixes=("",)):
    """Splits whose folders (data_dir/<split><suffix> for every suffix) hold images."""
    return [split for split in splits
            if all(list_images(os.path.join(data_dir, split + suffix)) for suffix in suffixes)]


def _check_split(split, available, where):
    if split not in available:
        raise DataError(f"Unknown split {split!r} for {where}; available splits: "
                        f"{', '.join(available) or 'none'}.")


def _first(items, max_examples):
    return items if max_examples is None else items[:max_examples]


# ----------------------------------------------------------------------------- TFDS

def _load_tfds(dataset, data_dir, split, image_size, max_examples):
    import tensorflow_datasets as tfds  # slow import; only TFDS sources need it

    where = f"TFDS data_dir {data_dir or '(default ~/tensorflow_datasets)'}"
    try:
        builder = tfds.builder(dataset, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        raise DataError(f"{dataset!r} is not a TFDS dataset and {where} has no prepared copy of it; "
                        f"pass --data_dir pointing to a folder with the raw files.") from None
    if not builder.is_prepared():
        raise DataError(f"TFDS dataset {dataset!r} is not prepared in {where} (downloading is "
                        f"disabled). Prepare it (e.g. shared/data/seed_tfds.py), or pass --data_dir "
                        f"pointing to a folder with the raw files.")
    info = builder.info
    if info.supervised_keys is None or "label" not in info.features or not hasattr(info.features["label"], "names"):
        raise DataError(f"TFDS dataset {dataset!r} has no (image, label) supervised keys; "
                        f"use a labelled image dataset or a folder of images.")
    # "train[:10%]"-style slices are allowed; the part before "[" must be a split.
    _check_split(split.split("[")[0], list(info.splits.keys()), f"TFDS dataset {dataset!r}")
    try:
        num_examples = info.splits[split].num_examples
    except ValueError as error:
        raise DataError(f"Cannot read split {split!r} of TFDS dataset {dataset!r}: {error}") from None
    height, width, channels = info.features[info.supervised_keys[0]].shape
    native_hw = (height, width) if height and width else None
    if native_hw is None and image_size is None:
        raise DataError(f"TFDS dataset {dataset!r} has images of varying sizes; pass image_size.")
    loaded = tfds.load(dataset, split=split, data_dir=data_dir, as_supervised=True, download=False)
    if max_examples is not None:
        loaded = loaded.take(max_examples)
        num_examples = min(num_examples, max_examples)
    loaded = loaded.map(lambda image, label: (_fit_size(image, native_hw, channels, image_size),
                                              tf.cast(label, tf.int32)),
                        num_parallel_calls=tf.data.AUTOTUNE)
    return ImageSource(loaded, "labelled", num_examples, _output_shape(native_hw, channels, image_size),
                       tuple(info.features["label"].names),
                       f"{dataset} {split} split from TFDS data_dir {builder.data_dir}")


# ----------------------------------------------------------------------------- IDX

def _read_idx(path, magic, ndim):
    """Parse one gzipped IDX file into a uint8 array, checking magic, dims and size."""
    try:
        with gzip.open(path, "rb") as file:
            raw = file.read()
    except (OSError, EOFError) as error:  # BadGzipFile is an OSError; truncation is EOFError
        raise DataError(f"IDX file {path} is not a complete gzip file ({error}); "
                        f"replace it with the official download.") from None
    header_bytes = 4 + 4 * ndim
    if len(raw) < header_bytes:
        raise DataError(f"IDX file {path} is too short ({len(raw)} bytes) to hold its header; "
                        f"replace it with the official download.")
    found_magic = int.from_bytes(raw[:4], "big")
    if found_magic != magic:
        raise DataError(f"IDX file {path} has magic 0x{found_magic:08x}, expected 0x{magic:08x} "
                        f"({'images' if magic == _IDX_IMAGES_MAGIC else 'labels'}); "
                        f"check the file is the right one and not corrupted.")
    dims = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    expected = header_bytes + int(np.prod(dims))
    if len(raw) != expected:
        raise DataError(f"IDX file {path} holds {len(raw)} bytes but its header {dims} needs "
                        f"{expected}; the file is truncated or corrupted, replace it.")
    return np.frombuffer(raw, np.uint8, offset=header_bytes).reshape(dims)


def _load_idx(dataset, data_dir, split, image_size, max_examples):
    _check_split(split, [name for name, files in IDX_FILES.items()
                         if any(os.path.isfile(os.path.join(data_dir, f)) for f in files)],
                 f"IDX folder {data_dir}")
    images_path, labels_path = (os.path.join(data_dir, name) for name in IDX_FILES[split])
    for path in (images_path, labels_path):
        if not os.path.isfile(path):
            raise DataError(f"IDX file {path} is missing; put the official {os.path.basename(path)} there.")
    images = _read_idx(images_path, _IDX_IMAGES_MAGIC, 3)
    labels = _read_idx(labels_path, _IDX_LABELS_MAGIC, 1)
    if len(images) != len(labels):
        raise DataError(f"IDX files {images_path} ({len(images)} images) and {labels_path} "
                        f"({len(labels)} labels) disagree; use files from the same release.")
    class_names = KNOWN_CLASS_NAMES.get(dataset) or tuple(str(i) for i in range(int(labels.max(initial=0)) + 1))
    bad = np.flatnonzero(labels >= len(class_names))
    if bad.size:
        raise DataError(f"IDX label file {labels_path} has label {labels[bad[0]]} at index {bad[0]}, "
                        f"outside [0, {len(class_names)}) for {dataset}; use the matching label file.")
    images = _first(images, max_examples)[..., np.newaxis]
    labels = _first(labels, max_examples).astype(np.int32)
    native_hw, channels = images.shape[1:3], 1
    source = tf.data.Dataset.from_tensor_slices((images, labels))
    if image_size is not None and native_hw != (image_size, image_size):
        source = source.map(lambda image, label: (_fit_size(image, native_hw, channels, image_size), label),
                            num_parallel_calls=tf.data.AUTOTUNE)
    return ImageSource(source, "labelled", len(images), _output_shape(native_hw, channels, image_size),
                       class_names, f"{dataset} {split} split from IDX folder {data_dir}")


# ----------------------------------------------------------------------------- image files

def _fit_size(image, native_hw, channels, image_size):
    """Resize to image_size (bilinear, antialiased) when needed; otherwise pin the static shape."""
    if image_size is None or tuple(native_hw or ()) == (image_size, image_size):
        return tf.ensure_shape(image, (*native_hw, channels))
    return _resized_uint8(image, image_size)


def _resized_uint8(images, side):
    """uint8 image(s) ``[..., H, W, C]`` at ``side x side``: bilinear, antialiased, rounded."""
    resized = tf.image.resize(images, (side, side), method="bilinear", antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(resized), 0.0, 255.0), tf.uint8)


def _output_shape(native_hw, channels, image_size):
    return (image_size, image_size, channels) if image_size else (*native_hw, channels)


def _channels_of(image, path):
    """Channel count to decode a folder to, from its first file (TF cannot decode 2-channel)."""
    if path.lower().endswith(".gif"):
        return 3  # the GIF decoder always yields RGB
    if image.mode in ("RGBA", "PA") or (image.mode == "P" and "transparency" in image.info):
        return 4
    if image.mode in ("RGB", "P", "CMYK", "YCbCr"):
        return 3
    return 1  # L, LA (alpha dropped), I, F, 1


def _scan_images(paths, image_size, where):
    """Read every file with PIL: -> (common (height, width) or None when mixed, channels).

    Refuses unreadable files, mixed sizes without image_size and file types that
    cannot be decoded to the first file's channel count.
    """
    sizes = {}
    channels = None
    for path in paths:
        try:
            with Image.open(path) as image:
                sizes.setdefault(image.size, path)
                if channels is None:
                    channels = _channels_of(image, path)
                image.load()  # decodes the pixels: a corrupt file fails here, not inside training
        except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
            raise DataError(f"Image file {path} cannot be read ({error}); remove or replace it.") from None
        if channels not in _DECODABLE_CHANNELS[os.path.splitext(path)[1].lower()]:
            raise DataError(f"Image file {path} cannot be decoded with {channels} channels like the "
                            f"first file {paths[0]}; convert it to PNG.")
    if len(sizes) > 1:
        if image_size is None:
            (size_a, path_a), (size_b, path_b) = list(sizes.items())[:2]
            raise DataError(f"{where} mixes image sizes: {path_a} is {size_a[0]}x{size_a[1]} but "
                            f"{path_b} is {size_b[0]}x{size_b[1]} (WxH); pass image_size to resize all.")
        return None, channels
    width, height = next(iter(sizes))
    return (height, width), channels


def _decode_files(paths, channels):
    """Dataset of decoded uint8 images [H, W, channels] from a list (or dataset) of paths."""
    if not isinstance(paths, tf.data.Dataset):
        paths = tf.data.Dataset.from_tensor_slices(paths)
    return paths.map(lambda path: tf.io.decode_image(tf.io.read_file(path), channels=channels,
                                                     expand_animations=False),
                     num_parallel_calls=tf.data.AUTOTUNE)


def _load_class_folders(dataset, data_dir, split, image_size, max_examples):
    split_folders = [name for name in _subfolders(data_dir) if name in _CLASS_FOLDER_SPLITS]
    if split_folders:
        _check_split(split, split_folders, f"class folder {data_dir}")
        root = os.path.join(data_dir, split)
    else:
        _check_split(split, ["train"], f"class folder {data_dir} (no split sub-folders)")
        root = data_dir
    class_names = tuple(_subfolders(root))
    if class_names:
        files = [(path, label) for label, name in enumerate(class_names)
                 for path in list_images(os.path.join(root, name))]
    else:  # a flat folder of images: unlabelled, label 0
        files = [(path, 0) for path in list_images(root)]
    if not files:
        raise DataError(f"Class folder {root} has no images ({', '.join(IMAGE_EXTENSIONS)}) "
                        f"directly in it or in its sub-folders; looked for {_LOOKED_FOR}.")
    files = _first(files, max_examples)
    paths = [path for path, _ in files]
    native_hw, channels = _scan_images(paths, image_size, f"Class folder {root}")
    images = _decode_files(paths, channels).map(
        lambda image: _fit_size(image, native_hw, channels, image_size), num_parallel_calls=tf.data.AUTOTUNE)
    labels = tf.data.Dataset.from_tensor_slices(np.array([label for _, label in files], np.int32))
    return ImageSource(tf.data.Dataset.zip((images, labels)), "labelled", len(files),
                       _output_shape(native_hw, channels, image_size), class_names,
                       f"{dataset} {split} split from class folder {root}")


def _load_paired(dataset, data_dir, split, image_size, max_examples):
    _check_split(split, _available_splits(data_dir, _PAIRED_SPLITS), f"paired folder {data_dir}")
    folder = os.path.join(data_dir, split)
    paths = _first(list_images(folder), max_examples)
    side_by_side_hw, channels = _scan_images(paths, image_size, f"Paired folder {folder}")
    if side_by_side_hw is None:  # mixed sizes: halves are found per image, then resized
        half_hw = None
    elif side_by_side_hw[1] % 2:
        raise DataError(f"Paired images in {folder} are {side_by_side_hw[1]} pixels wide, which "
                        f"cannot be split into two halves; expected side-by-side (input | target) pairs.")
    else:
        half_hw = (side_by_side_hw[0], side_by_side_hw[1] // 2)
    input_is_right = _PIX2PIX_INPUT_HALF.get(dataset, "left") == "right"

    def split_halves(image):
        half_width = tf.shape(image)[1] // 2
        left, right = image[:, :half_width], image[:, half_width:2 * half_width]
        model_input, target = (right, left) if input_is_right else (left, right)
        return (_fit_size(model_input, half_hw, channels, image_size),
                _fit_size(target, half_hw, channels, image_size))

    pairs = _decode_files(paths, channels).map(split_halves, num_parallel_calls=tf.data.AUTOTUNE)
    return ImageSource(pairs, "paired", len(paths), _output_shape(half_hw, channels, image_size), (),
                       f"{dataset} {split} split from paired folder {folder} "
                       f"(input = {'right' if input_is_right else 'left'} half)")


def _load_unpaired(dataset, data_dir, split, image_size, max_examples):
    _check_split(split, _available_splits(data_dir, _UNPAIRED_SPLITS, ("A", "B")),
                 f"unpaired folder {data_dir} (needs <split>A/ and <split>B/ with images)")
    paths_a = _first(list_images(os.path.join(data_dir, split + "A")), max_examples)
    paths_b = list_images(os.path.join(data_dir, split + "B"))
    native_hw, channels = _scan_images(paths_a + paths_b, image_size, f"Unpaired folder {data_dir}")

    def fit(image):
        return _fit_size(image, native_hw, channels, image_size)

    image_bytes = int(np.prod(_output_shape(native_hw, channels, image_size)))

    def fits(paths):
        return len(paths) * image_bytes <= _CACHE_LIMIT_BYTES // 2

    def decoded(paths):
        return _decode_files(paths, channels).map(fit, num_parallel_calls=tf.data.AUTOTUNE)

    # Each domain is decoded once and kept in memory when it fits (make_pipeline cannot cache the
    # pairs: that would freeze which B image goes with each A).
    images_a = decoded(paths_a)
    if fits(paths_a):
        images_a = images_a.cache()
    # B reshuffled over the whole domain and repeated, so each epoch of A meets fresh B images:
    # the decoded images when they are in memory, else the file names.
    if fits(paths_b):
        images_b = decoded(paths_b).cache().shuffle(len(paths_b), reshuffle_each_iteration=True).repeat()
    else:
        shuffled = tf.data.Dataset.from_tensor_slices(paths_b).shuffle(len(paths_b), reshuffle_each_iteration=True)
        images_b = decoded(shuffled.repeat())
    return ImageSource(tf.data.Dataset.zip((images_a, images_b)), "unpaired", len(paths_a),
                       _output_shape(native_hw, channels, image_size), (),
                       f"{dataset} {split} split from unpaired folder {data_dir} "
                       f"({len(paths_a)} A, {len(paths_b)} B images)")


def load_domains(dataset: str, data_dir: str, split: str = "test", image_size: int | None = None):
    """Every image of both domains of an unpaired folder's split, once, in file order:
    ``(images_a, images_b)`` uint8 arrays ``[n, H, W, C]``, and the domains' names
    (`KNOWN_DOMAIN_NAMES`, else ("A", "B"))."""
    data_dir = os.path.abspath(os.path.expanduser(data_dir))
    _require_dir(data_dir, "unpaired")
    _check_split(split, _available_splits(data_dir, _UNPAIRED_SPLITS, ("A", "B")),
                 f"unpaired folder {data_dir} (needs <split>A/ and <split>B/ with images)")
    paths = [list_images(os.path.join(data_dir, split + suffix)) for suffix in ("A", "B")]
    # Both domains decoded to one channel count, as training decodes them (`_load_unpaired`).
    native_hw, channels = _scan_images(paths[0] + paths[1], image_size, f"Unpaired folder {data_dir}")
    domains = []
    for domain_paths in paths:
        images = _decode_files(domain_paths, channels).map(lambda image: _fit_size(image, native_hw, channels, image_size))
        domains.append(np.stack(list(images.with_options(pipeline_options()).as_numpy_iterator())))
    return tuple(domains), KNOWN_DOMAIN_NAMES.get(dataset, ("A", "B"))


def resize_images(images, side: int):
    """uint8 images ``[n, H, W, C]`` at ``side x side`` as the loaders resize them (bilinear,
    antialiased, rounded), unchanged when they are that size."""
    images = np.asarray(images)
    if images.shape[1:3] == (side, side):
        return images
    chunk = 1000  # bounds the float32 copy TensorFlow resizes
    return np.concatenate([_resized_uint8(images[start : start + chunk], side).numpy()
                           for start in range(0, len(images), chunk)])


def load_pairs(dataset: str, data_dir: str, split: str = "test", image_size: int | None = None):
    """Every pair of a pix2pix folder's split, in file order: uint8 arrays ``(inputs, targets)``."""
    source = load_source(dataset, data_dir, split=split, data_format="paired", image_size=image_size)
    pairs = list(source.dataset.batch(64).as_numpy_iterator())
    return np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])


def translation_inputs(dataset: str, data_dir: str, split: str = "train", image_size: int | None = None):
    """What a translator trained on an image-to-image folder translates, per direction, as uint8
    arrays: ``{"a_to_b": inputs}`` of a pix2pix folder, ``{"a_to_b": A, "b_to_a": B}`` of a
    CycleGAN folder."""
    data_dir = os.path.abspath(os.path.expanduser(data_dir))
    if _detect_format(dataset, data_dir) == "unpaired":
        domains, _ = load_domains(dataset, data_dir, split, image_size)
        return dict(zip(translating.DIRECTIONS, domains))
    return {"a_to_b": load_pairs(dataset, data_dir, split, image_size)[0]}
