"""Image-to-image metrics on a dataset's real test split, beside what real images score.

Paired data (pix2pix; `PairedEvaluator`):
  fcn         the FCN-score of Isola et al. 2017 (sec. 4.1; they report it on Cityscapes): the
              shipped facade segmentation network (`keras_gans.metrics.segmentation`) labels the
              translations of the test label maps, scored against those label maps
              (fcn_pixel_accuracy, fcn_class_accuracy, fcn_class_iou); its labelling of the real
              photos is the reference (upper bound)
  similarity  l1 (mean absolute difference, in [0, 1] units), psnr (dB, per image then averaged)
              and ssim (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5; per image, averaged)
              of the translations against the real photos (pix2pix's appendix reports these kinds)
Unpaired data (CycleGAN; `UnpairedEvaluator`). The CycleGAN paper measures its season
translations by eye only; this project's stand-ins, for each direction the translator has:
  target_domain  target_domain_<direction>: the fraction of translated test images that the shipped
              domain classifier (`keras_gans.metrics.classifier`, trained on the two domains)
              assigns to the target domain; reference: its accuracy on the real target test images
  fid         fid_<direction>: FID, on that classifier's features, of the translated test images
              against the real target test images; reference: one half of the real target test
              images against the other (not the training images, whose features the classifier
              has learnt; halves are smaller samples, so the reference is biased up a little)
"""

import numpy as np
import tensorflow as tf

from keras_gans import data, images, translating
from keras_gans.errors import UsageError
from keras_gans.metrics import classifier, feature_nets, segmentation
from keras_gans.metrics.fid import frechet_distance

METRICS = {"paired": ("fcn", "similarity"), "unpaired": ("target_domain", "fid")}


def parse_metrics(names, kind):
    """Validated tuple of the ``kind`` ("paired", "unpaired") of data's metrics; None: all of them."""
    if names is None:
        return METRICS[kind]
    names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in METRICS[kind]]
    if unknown:
        raise UsageError(f"Unknown metric(s) {', '.join(unknown)} for a translator of {kind} data. "
                         f"Known: {', '.join(METRICS[kind])}.")
    return tuple(names)


def similarity(outputs, targets):
    """l1, psnr and ssim of uint8 images ``[n, H, W, C]`` against their targets, per image averaged."""
    outputs, targets = np.asarray(outputs, np.float64), np.asarray(targets, np.float64)
    if outputs.shape != targets.shape:
        raise ValueError(f"outputs {outputs.shape} and targets {targets.shape} differ in shape")
    mse = ((outputs - targets) ** 2).reshape(len(outputs), -1).mean(axis=1)
    # An exact copy has infinite PSNR: counted at the PSNR of an error of 1/255 grey level squared.
    psnr = images.psnr(np.maximum(mse, 1.0 / 255**2))
    ssim = tf.image.ssim(tf.constant(outputs, tf.float32), tf.constant(targets, tf.float32), max_val=255.0)
    return {"l1": float(np.abs(outputs - targets).mean() / 255), "psnr": float(psnr.mean()),
            "ssim": float(np.mean(ssim))}


class PairedEvaluator:
    """pix2pix's metrics on the test pairs of a paired folder; the segmenter is loaded only for
    ``fcn``, so ``similarity`` works on any paired dataset."""

    def __init__(self, dataset, data_dir, side, metrics=METRICS["paired"]):
        label_maps, photos = data.load_pairs(dataset, data_dir, "test")
        self.inputs, self.targets = data.resize_images(label_maps, side), data.resize_images(photos, side)
        self.name = "pixels"
        if "fcn" in metrics:
            self.segmenter, metadata = classifier.load_shipped(dataset, kind="segmenter")
            self.name = f"segmenter:{dataset}@{classifier.shipped_digest(dataset, kind='segmenter')}"
            palette = np.asarray(metadata["palette"], np.uint8)
            self.num_classes = len(palette)
            segmenter_side = int(self.segmenter.inputs[0].shape[1])
            self.true_classes = segmentation.resize_classes(segmentation.label_classes(label_maps, palette),
                                                            segmenter_side)

    def _fcn(self, photos):
        predicted = segmentation.predict_classes(self.segmenter, photos)
        scores = segmentation.scores(segmentation.confusion_matrix(self.true_classes, predicted, self.num_classes))
        return {f"fcn_{name}": value for name, value in scores.items()}

    def evaluate(self, translator, metrics=METRICS["paired"]):
        outputs = translator.translate(self.inputs, "a_to_b")
        results = {}
        if "fcn" in metrics:
            results.update(self._fcn(outputs))
        if "similarity" in metrics:
            results.update(similarity(outputs, self.targets))
        return results

    def reference(self, metrics=METRICS["paired"]):
        """The FCN-score of the real photos (at the translator's side): the upper bound."""
        return self._fcn(self.targets) if "fcn" in metrics else {}


class UnpairedEvaluator:
    """CycleGAN's metrics on the test images of an unpaired folder's two domains."""

    def __init__(self, dataset, data_dir, side, metrics=METRICS["unpaired"]):
        self.feature_net, _ = feature_nets.domain(dataset)
        self.name = self.feature_net.name
        (test_a, test_b), _ = data.load_domains(dataset, data_dir, "test", image_size=side)
        self.sources = {"a_to_b": test_a, "b_to_a": test_b}
        # Per direction: the target domain's label and the (features, logits) of its test images.
        self.targets = {"a_to_b": (1, self.feature_net.embed(data.to_float(test_b))),
                        "b_to_a": (0, self.feature_net.embed(data.to_float(test_a)))}

    def _scores(self, metrics, direction, features, logits, target_features=None):
        label, (all_target_features, _) = self.targets[direction]
        results = {}
        if "target_domain" in metrics:
            results[f"target_domain_{direction}"] = float(np.mean(np.argmax(logits, axis=1) == label))
        if "fid" in metrics:
            results[f"fid_{direction}"] = frechet_distance(
                all_target_features if target_features is None else target_features, features)
        return results

    def evaluate(self, translator, metrics=METRICS["unpaired"]):
        results = {}
        for direction in translator.directions:
            outputs = translator.translate(self.sources[direction], direction)
            features, logits = self.feature_net.embed(data.to_float(outputs))
            results.update(self._scores(metrics, direction, features, logits))
        return results

    def reference(self, metrics=METRICS["unpaired"], directions=translating.DIRECTIONS):
        """Real target test images in place of translations: all of them classified, and for FID
        the even-numbered ones against the odd-numbered ones."""
        results = {}
        for direction in directions:
            _, (features, logits) = self.targets[direction]
            results.update(self._scores(metrics, direction, features[0::2], logits, target_features=features[1::2]))
        return results


def data_kind(dataset, data_dir):
    """"paired" or "unpaired": the kind of image-to-image data ``data_dir`` holds."""
    kind = data.load_source(dataset, data_dir, split="test").kind
    if kind not in METRICS:
        raise UsageError(f"{dataset} in {data_dir} holds {kind} data; a translator is evaluated on a paired "
                         "(pix2pix) or unpaired (CycleGAN) folder.")
    return kind


def make_evaluator(dataset, data_dir, side, kind=None, metrics=None):
    """The evaluator of ``metrics`` (default all) for ``dataset``'s kind of data (paired or
    unpaired), at the translator's side."""
    kind = kind or data_kind(dataset, data_dir)
    metrics = parse_metrics(metrics, kind)
    return (PairedEvaluator if kind == "paired" else UnpairedEvaluator)(dataset, data_dir, side, metrics)
