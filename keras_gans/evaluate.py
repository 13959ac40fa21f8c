"""Evaluate a generator: ``python -m keras_gans.evaluate --generator=runs/x/generator.keras
--dataset=fashion_mnist --data_dir=../shared/data/fashion_mnist``.

Prints a table of each metric beside its real-vs-real reference (real train vs real test on the
same feature network) and writes them as JSON. Metrics: see `keras_gans.metrics.evaluation`.
An image-to-image translator (pix2pix, CycleGAN) is measured as its paper measures it, on the
test split of its paired or unpaired folder (`keras_gans.metrics.translation`):
``--generator=pix2pix_facades --dataset=facades --data_dir=../shared/data/facades``.
"""

import json
import os
import sys
import time

import numpy as np
from absl import app, flags

from keras_gans import files
from keras_gans.errors import KerasGansError, UsageError, check_integer


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_string(
        "generator", None, "A zoo name, preset folder, generator .keras file or training logdir; several, "
        "comma-separated, evaluate the uniform mixture of them (keras_gans.mixture)."
    )
    flags.mark_flag_as_required("generator")
    flags.DEFINE_string("dataset", "fashion_mnist", "Dataset whose real test split is the reference.")
    flags.DEFINE_string("data_dir", None, "Its IDX folder or TFDS data_dir.")
    flags.DEFINE_string("metrics", None, "Comma-separated metrics; default: all of the model's kind "
                        "(generators: fid,intra_fid,kid,is,pr,cond_acc,cas,modes; translators of paired data: "
                        "fcn,similarity; of unpaired data: target_domain,fid).")
    flags.DEFINE_integer("num_samples", 10000, "Generated samples (and real train samples for the reference).")
    flags.DEFINE_enum("feature_net", "domain", ["domain", "inception_v3", "inception_graph"],
                      "domain: the shipped classifier (offline); inception_v3: Keras' ImageNet InceptionV3 (its FID "
                      "is not comparable with papers'); inception_graph: FID's Inception graph from --inception_graph "
                      "(comparable with papers).")
    flags.DEFINE_string("inception_weights", "imagenet", "imagenet (download) or a local weights file.")
    flags.DEFINE_string("inception_graph", None, "The frozen FID Inception graph, classify_image_graph_def.pb "
                        "(TTUR's), for --feature_net=inception_graph.")
    flags.DEFINE_integer("batch_size", 500, "Sampling and feature batch size.")
    flags.DEFINE_integer("seed", 0, "Seed of the latents.")
    flags.DEFINE_integer(
        "repeats", 1, "Evaluate with the latent seeds seed, seed+1, ... (and as many draws of real training "
        "images for the reference); report each metric's mean and standard deviation over them."
    )
    flags.DEFINE_integer(
        "cas_draws", 1, "With --repeats, measure CAS on this many of the first draws only: each trains a classifier "
        "(5,628 steps, about 19 minutes of 2 CPU cores at 28x28), where the other metrics take seconds."
    )
    flags.DEFINE_boolean("reference", True, "Also compute the real-vs-real reference.")
    flags.DEFINE_string("out", None, "JSON output path; default <generator>.eval.json.")


def load_generator_model(generator):
    """The Keras generator of a model reference (a zoo name, preset folder, .keras file or training
    logdir: `keras_gans.zoo.load`), or the uniform mixture of several comma-separated ones."""
    from keras_gans.zoo import references, translator

    models = [references.load(reference.strip()).keras_model for reference in generator.split(",")]
    if len(models) == 1:
        return models[0]
    if any(translator.is_translation(model) for model in models):
        raise UsageError("Mixtures are of generators; evaluate an image-to-image translator on its own.")
    from keras_gans.mixture import build_mixture

    return build_mixture(models)


def default_report_path(generator):
    """``<generator>.eval.json`` beside a .keras file, in a logdir, or here for zoo names and presets."""
    from keras_gans.zoo.references import RUN_GENERATOR

    first = generator.split(",")[0].strip().rstrip("/")
    mixed = "_mixture" if "," in generator else ""
    if first.endswith(".keras"):
        return os.path.splitext(first)[0] + mixed + ".eval.json"
    if os.path.isfile(os.path.join(first, RUN_GENERATOR)):
        return os.path.join(first, f"generator{mixed}.eval.json")
    return os.path.basename(first) + mixed + ".eval.json"


def _summarise(report, part, runs):
    """Puts ``runs`` (one evaluation per seed) into ``report[part]``: the run itself, or per metric
    the mean over the runs that measured it, with the sample standard deviation under
    ``report[part + "_sd"]`` where there are two or more."""
    if len(runs) == 1:
        report[part] = runs[0]
        return
    names = dict.fromkeys(name for run in runs for name in run)  # in order; CAS may be in the first runs only
    values = {name: np.array([run[name] for run in runs if name in run], np.float64) for name in names}
    report[part] = {name: float(v.mean()) for name, v in values.items()}
    report[f"{part}_sd"] = {name: float(v.std(ddof=1)) for name, v in values.items() if len(v) > 1}


def evaluate_translator(model, name, dataset, data_dir, metrics=None, reference=True):
    """The report of an image-to-image translation model (`keras_gans.metrics.translation`): its
    translations are deterministic, so one pass over the test split."""
    from keras_gans.metrics import translation
    from keras_gans.zoo.translator import Translator

    if data_dir is None:
        raise UsageError("A translator is evaluated on the test split of its image folder: pass --data_dir "
                         "(e.g. ../shared/data/facades with --dataset=facades).")
    translator = Translator(model)
    kind = translation.data_kind(dataset, data_dir)
    metrics = translation.parse_metrics(metrics, kind)
    evaluator = translation.make_evaluator(dataset, data_dir, translator.image_shape[0], kind, metrics)
    start = time.perf_counter()
    report = {"generator": name, "dataset": dataset, "data_kind": kind, "feature_net": evaluator.name,
              "metrics": evaluator.evaluate(translator, metrics)}
    report["seconds"] = round(time.perf_counter() - start, 1)
    if reference:
        report["reference"] = evaluator.reference(metrics, **({"directions": translator.directions} if kind == "unpaired" else {}))
    return report


def evaluate(generator, dataset, data_dir=None, metrics=None, num_samples=10000,
             feature_net="domain", inception_weights="imagenet", batch_size=500, seed=0, reference=True, repeats=1,
             inception_graph=None, evaluator=None, cas_draws=1):
    """Evaluates a generator (a Keras model, or paths as `load_generator_model` takes them);
    returns the report as a dict. An ``evaluator`` (`keras_gans.metrics.evaluation.make_evaluator`)
    made once serves many calls; it replaces the data and feature-network arguments. With ``repeats`` > 1 the metrics are means over the latent seeds
    ``seed, seed + 1, ...``, with their standard deviations under ``metrics_sd``: on 10k samples
    FID moves by tenths from one latent draw to the next (BUILD_NOTES.md). CAS, which trains a
    classifier per draw, is measured on the first ``cas_draws`` draws only (their seeds under
    ``cas_seeds`` when that is fewer than ``repeats``)."""
    from keras_gans.metrics import evaluation
    from keras_gans.zoo.translator import is_translation

    # Checked before anything loads: loading the data and the feature network takes a while.
    check_integer(repeats, "--repeats", minimum=1)
    check_integer(cas_draws, "--cas_draws", minimum=1)
    check_integer(num_samples, "--num_samples", minimum=2)  # covariances need two samples
    check_integer(batch_size, "--batch_size", minimum=1)
    model = load_generator_model(generator) if isinstance(generator, str) else generator
    if is_translation(model):
        # A translator is measured on the whole test split with its dataset's own networks.
        set_for_generators = [f"--{name}" for name, value, default in (
            ("repeats", repeats, 1), ("num_samples", num_samples, 10000), ("seed", seed, 0),
            ("feature_net", feature_net, "domain"), ("inception_graph", inception_graph, None)) if value != default]
        if set_for_generators or evaluator is not None:
            named = ", ".join(set_for_generators) or "An evaluator"
            raise UsageError(f"{named} {'are' if len(set_for_generators) > 1 else 'is'} for generators; a translator is "
                             "measured on its dataset's whole test split with the networks shipped for it: drop "
                             f"{'them' if len(set_for_generators) > 1 else 'it'}.")
        return evaluate_translator(model, generator if isinstance(generator, str) else model.name, dataset, data_dir,
                                   metrics, reference)
    metrics = evaluation.parse_metrics(metrics or evaluation.METRICS)
    evaluator = evaluator or evaluation.make_evaluator(dataset, data_dir, feature_net, inception_weights,
                                                       with_train=reference, inception_graph=inception_graph)
    seeds = list(range(seed, seed + repeats))
    without_cas = tuple(m for m in metrics if m != "cas")

    def draw_metrics(index):
        return metrics if index < cas_draws else without_cas

    side = evaluation.generator_side(model)
    start = time.perf_counter()
    runs = [evaluator.evaluate(model, draw_metrics(i), num_samples, batch_size, s) for i, s in enumerate(seeds)]
    seconds = time.perf_counter() - start  # sampling, features and metrics; not data loading
    report = {
        "generator": generator if isinstance(generator, str) else model.name,
        "dataset": dataset,
        "feature_net": evaluator.feature_net.name,
        "num_samples": num_samples,
        "seeds": seeds,
        "seconds": round(seconds, 1),
    }
    if side != evaluator.test_images.shape[1]:  # measured against the data resized as it trained (`at_side`)
        report["data_resized_to"] = side
    if "cas" in metrics and cas_draws < repeats:
        report["cas_seeds"] = seeds[:cas_draws]
    _summarise(report, "metrics", runs)
    if reference:
        _summarise(report, "reference", [evaluator.reference(draw_metrics(i), num_samples, s, side)
                                         for i, s in enumerate(seeds)])
    return report


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    from keras_gans.metrics import evaluation

    try:
        f = flags.FLAGS
        report = evaluate(f.generator, f.dataset, f.data_dir, f.metrics, f.num_samples, f.feature_net,
                          f.inception_weights, f.batch_size, f.seed, f.reference, f.repeats, f.inception_graph,
                          cas_draws=f.cas_draws)
    except KerasGansError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if "seeds" in report:
        resized = f" resized to {report['data_resized_to']}x{report['data_resized_to']}" if "data_resized_to" in report else ""
        print(f"{report['generator']} on {report['dataset']}{resized}, {report['num_samples']} samples, "
              f"feature network {report['feature_net']}, latent seeds {report['seeds']} ({report['seconds']} s)"
              + (f"; CAS on seeds {report['cas_seeds']} only" if report.get("cas_seeds") else ""))
    else:
        print(f"{report['generator']} on {report['dataset']}'s test split, measured with {report['feature_net']} "
              f"({report['seconds']} s)")
    columns = ("generated", "real train vs test") if "seeds" in report else ("translated", "real")
    print(evaluation.format_table(report["metrics"], report.get("reference"), report.get("metrics_sd"),
                                  report.get("reference_sd"), columns))
    out = flags.FLAGS.out or default_report_path(flags.FLAGS.generator)
    with files.atomic_write(out) as temporary, open(temporary, "w") as f:
        json.dump(report, f, indent=2)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    define_flags()
    app.run(main)
