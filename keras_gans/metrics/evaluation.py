"""Evaluate a generator against a dataset's real test split, beside the real-vs-real reference.

`Evaluator` holds a feature network and the real test split's features (computed once); its
``evaluate(generator)`` samples in batches and streams features, so generated images never sit in
memory together (only their features do), except for CAS, which trains a classifier on them. ``reference()`` computes the
same metrics between the real train and test splits: what "as good as real data" is on that
feature network.

Metrics (names as in ``--metrics``):
  fid       Fréchet distance of features                      (Heusel et al. 2017)
  intra_fid FID within each class (generated: the requested class), as intra_fid_<class>, and
            their mean as intra_fid (conditional models)      (Miyato & Koyama 2018)
  kid       kernel distance of features, mean and std          (Binkowski et al. 2018)
  is        Inception Score of logits, mean and std            (Salimans et al. 2016)
  pr        improved precision and recall, k=3                 (Kynkäänniemi et al. 2019)
  cond_acc  fraction of samples classified as the requested class (conditional models)
  cas       Classification Accuracy Score: a classifier trained on samples only, tested on the
            real test split                                    (Ravuri & Vinyals 2019)
  modes     classes covered, KL(generated || data) of the predicted class histogram and the
            smallest class's share of the samples
"""

import numpy as np

from keras_gans import data
from keras_gans.errors import UsageError
from keras_gans.metrics import classifier, feature_nets
from keras_gans.metrics.fid import frechet_distance
from keras_gans.metrics.inception_score import inception_score
from keras_gans.metrics.kid import kernel_distance
from keras_gans.metrics.modes import mode_coverage
from keras_gans.metrics.precision_recall import precision_recall

METRICS = ("fid", "intra_fid", "kid", "is", "pr", "cond_acc", "cas", "modes")
CONDITIONAL_METRICS = ("intra_fid", "cond_acc", "cas")


def parse_metrics(names):
    """``"fid,kid"`` or a list -> validated tuple; unknown names list the known ones."""
    names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise UsageError(f"Unknown metric(s) {', '.join(unknown)}. Known metrics: {', '.join(METRICS)}.")
    return tuple(names)


def generator_spec(generator):
    """(latent_dim, conditional) of a generator taking ``z`` or ``[z, label]``."""
    latent_dim = int(generator.inputs[0].shape[-1])
    return latent_dim, len(generator.inputs) > 1


def requested_labels(num_samples, num_classes):
    """Balanced labels 0, 1, ..., C-1, 0, 1, ... for conditional sampling."""
    return (np.arange(num_samples) % num_classes).astype(np.int32)


def generator_side(generator):
    """The side of a generator's square images."""
    return int(generator.outputs[0].shape[1])


def sample_batches(generator, num_samples, num_classes=0, batch_size=500, seed=0):
    """Yields ``(images in [-1, 1], requested labels or None)`` batches from a generator."""
    latent_dim, conditional = generator_spec(generator)
    rng = np.random.default_rng(seed)
    labels = requested_labels(num_samples, num_classes) if conditional else None
    for start in range(0, num_samples, batch_size):
        count = min(batch_size, num_samples - start)
        z = rng.standard_normal((count, latent_dim)).astype(np.float32)
        batch_labels = labels[start : start + count] if conditional else None
        inputs = [z, batch_labels] if conditional else z
        yield np.asarray(generator(inputs, training=False)), batch_labels


class Evaluator:
    """Metrics of generators against one real test split, on one feature network."""

    def __init__(self, feature_net, test_images, test_labels, num_classes, train_images=None, train_labels=None,
                 cas_steps=None):
        self.feature_net = feature_net
        self.cas_steps = cas_steps  # None: the shipped classifiers' number of steps
        self.test_images, self.test_labels = test_images, test_labels
        self.train_images, self.train_labels = train_images, train_labels
        self.num_classes = num_classes
        self.test_features, self.test_logits = feature_net.embed(test_images)
        self.data_class_histogram = np.bincount(test_labels, minlength=num_classes)
        self._at_side = {int(test_images.shape[1]): self}

    def at_side(self, side):
        """This evaluator with the real images at ``side`` x ``side``, resized as the training
        pipeline resizes them, for generators of that side: samples and real images then take the
        same path to the feature network (resized to its input), so a generator is measured
        against the data it learnt, not charged for the resize back (the round trip 28 -> 32 -> 28
        of MNIST's real images alone is about 30x its real-vs-real FID; BUILD_NOTES.md)."""
        if side not in self._at_side:
            def resized(images):
                return None if images is None else data.to_float(data.resize_images(data.to_uint8(images), side))

            self._at_side[side] = Evaluator(self.feature_net, resized(self.test_images), self.test_labels,
                                            self.num_classes, resized(self.train_images), self.train_labels,
                                            self.cas_steps)
        return self._at_side[side]

    def _scores(self, metrics, features, logits, requested=None, cas_data=None):
        """Each metric of a feature set (and, where needed, requested labels and CAS data)."""
        results = {}
        if "fid" in metrics:
            results["fid"] = frechet_distance(self.test_features, features)
        if "intra_fid" in metrics and requested is not None:
            per_class = {
                c: frechet_distance(self.test_features[self.test_labels == c], features[requested == c])
                for c in range(self.num_classes)
            }
            results["intra_fid"] = float(np.mean(list(per_class.values())))
            results.update({f"intra_fid_{c}": value for c, value in per_class.items()})
        if "kid" in metrics:
            mean, std = kernel_distance(self.test_features, features, subset_size=min(1000, len(features)))
            results["kid"], results["kid_std"] = mean, std
        if "is" in metrics:
            results["is"], results["is_std"] = inception_score(logits, splits=10)
        if "pr" in metrics:
            results["precision"], results["recall"] = precision_recall(self.test_features, features, k=3)
        if "cond_acc" in metrics and requested is not None:
            results["cond_acc"] = float(np.mean(np.argmax(logits, axis=1) == requested))
        if "cas" in metrics and cas_data is not None:
            model = classifier.train_classifier(*cas_data, self.num_classes, steps=self.cas_steps)
            results["cas"] = classifier.accuracy(model, self.test_images, self.test_labels)
        if "modes" in metrics:
            coverage = mode_coverage(np.argmax(logits, axis=1), self.num_classes, self.data_class_histogram)
            results["modes_covered"] = coverage["classes_covered"]
            results["modes_kl"] = coverage["kl_divergence"]
            results["modes_min_share"] = float(min(coverage["histogram"]))
        return results

    def evaluate(self, generator, metrics=METRICS, num_samples=10000, batch_size=500, seed=0):
        """The metrics of ``generator``'s samples against the data at the generator's side
        (`at_side`); conditional metrics only for conditional ones."""
        if generator_side(generator) != self.test_images.shape[1]:
            return self.at_side(generator_side(generator)).evaluate(generator, metrics, num_samples, batch_size, seed)
        metrics = parse_metrics(metrics)
        conditional = generator_spec(generator)[1]
        features, logits, labels, images = [], [], [], []
        for batch, batch_labels in sample_batches(generator, num_samples, self.num_classes, batch_size, seed):
            batch_features, batch_logits = self.feature_net.embed(batch, batch_size)
            features.append(batch_features)
            logits.append(batch_logits)
            if conditional:
                labels.append(batch_labels)
                if "cas" in metrics:
                    images.append(batch)
        features, logits = np.concatenate(features), np.concatenate(logits)
        requested = np.concatenate(labels) if conditional else None
        cas_data = (np.concatenate(images), requested) if images else None
        return self._scores(metrics, features, logits, requested, cas_data)

    def reference(self, metrics=METRICS, num_samples=10000, seed=0, side=None):
        """The same metrics for ``num_samples`` real training images against the test split; with
        ``side``, both at that side (`at_side`): the reference of a generator of that side."""
        if side is not None and side != self.test_images.shape[1]:
            return self.at_side(side).reference(metrics, num_samples, seed)
        if self.train_images is None:
            raise UsageError("the real-vs-real reference needs the train split")
        metrics = parse_metrics(metrics)
        pick = np.random.default_rng(seed).choice(len(self.train_images), min(num_samples, len(self.train_images)), replace=False)
        images, labels = self.train_images[pick], self.train_labels[pick]
        features, logits = self.feature_net.embed(images)
        return self._scores(metrics, features, logits, labels, (images, labels))


def make_evaluator(dataset, data_dir=None, feature_net="domain", inception_weights="imagenet", with_train=True,
                   inception_graph=None):
    """An `Evaluator` on ``dataset``'s real test split (and train split, for the reference);
    ``inception_graph`` is the file of the ``inception_graph`` feature network."""
    if feature_net not in feature_nets.FEATURE_NETS:
        raise UsageError(f"Unknown feature network {feature_net!r}. Known: {', '.join(feature_nets.FEATURE_NETS)}.")
    if feature_net == "inception_graph":
        if not inception_graph:
            raise UsageError("--feature_net=inception_graph needs --inception_graph=FILE "
                             "(the frozen classify_image_graph_def.pb that TTUR uses).")
        network = feature_nets.inception_graph(inception_graph)
    elif feature_net == "domain":
        network = feature_nets.domain(dataset)[0]
    else:
        network = feature_nets.inception_v3(inception_weights)
    test_images, test_labels, class_names = classifier.load_split(dataset, data_dir, "test")
    train_images = train_labels = None
    if with_train:
        train_images, train_labels, _ = classifier.load_split(dataset, data_dir, "train")
    return Evaluator(network, test_images, test_labels, len(class_names), train_images, train_labels)


def value_text(value, sd=None):
    """A metric as text, with `` ± sd`` when it is a mean over repeats."""
    return f"{value:.4f}" + (f" ± {sd:.4f}" if sd is not None else "")


def format_table(results, reference=None, results_sd=None, reference_sd=None,
                 columns=("generated", "real train vs test")):
    """Rows of ``metric  generated  real-vs-real`` (``columns`` names the two) as text; ``*_sd``
    add `` ± sd`` over repeats."""

    def cell(values, sds, name):
        if values is None or name not in values:
            return ""
        return value_text(values[name], (sds or {}).get(name))

    width = 22 if results_sd else 12
    name_width = max(14, 2 + max(map(len, results), default=0))
    lines = [f"{'metric':<{name_width}}{columns[0]:>{width}}{columns[1]:>{width + 10}}"]
    for name in results:
        lines.append(f"{name:<{name_width}}{cell(results, results_sd, name):>{width}}"
                     f"{cell(reference, reference_sd, name):>{width + 10}}")
    return "\n".join(lines)
