"""Train GAN families on one dataset with the same budget and compare them in one table, as Lucic
et al. 2018 ("Are GANs Created Equal?") and StudioGAN do:

    python -m keras_gans.benchmark --dataset=fashion_mnist --data_dir=../shared/data/fashion_mnist \
        --families=gan,dcgan,cgan --images=600000 --batch_size=64 --seeds=0,1,2 --out=runs/benchmark

Each family trains with its recipe (``zoo/recipes/<family>.flags``: the paper's hyper-parameters)
except for what the benchmark holds equal: the dataset (at its own image size; the train command
resizes it for families whose networks take another, and evaluation resizes their samples back),
the batch size, the budget in real images seen (``--images``; a step of a family with n_critic
D steps sees n_critic batches, so it gets proportionally fewer steps), and the speed flags
(``SPEED_FLAGS``: a recipe's are dropped). ``--train_flags`` adds flags to every run (e.g.
``--bfloat16``). One ``python -m keras_gans.train`` process per run, so a run
that fails or diverges is recorded as such and the others go on.

Every run is then evaluated with `keras_gans.evaluate` on the domain features (``--num_samples``
samples, latent seed 0; one evaluator, so one real-vs-real reference for the table): FID, KID,
precision/recall, conditional accuracy and intra-FID for conditional families, class coverage for
unconditional ones. The table gives each metric's mean ± sd over the seeds, the images per second of
the training processes (start-up included), a run's wall time at that rate and its generator
steps (a family with n_critic D steps a step gets fewer at the same budget); on Fashion-MNIST also Lucic et
al.'s FID for the families that share a loss with theirs, and Kendall's tau between the two orderings.

Resumable: ``<out>/<family>_seed<N>/`` is a training logdir (an interrupted run continues from its
newest checkpoint with ``--resume``), ``eval.json`` in it marks it evaluated (for that step, sample
count and feature network), and
``benchmark.json`` records each run's wall time; a rerun skips what is done. Writes
``<out>/results.json`` and ``<out>/results.md`` after every run, so a benchmark stopped part way
leaves the table of the runs done. A run's result is its ``eval.json`` and its ``benchmark.json``
record: a rerun counts it without its checkpoints, so a benchmark longer than a work tree lives
(hours on CPUs) can keep its finished runs in git: under ``benchmarks/results/`` git keeps only
those JSON files and the table.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np
from absl import app, flags

from keras_gans import files
from keras_gans.errors import KerasGansError, UsageError, check_integer

RECIPES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "zoo", "recipes")
# The families that train on labelled images (pix2pix and CycleGAN translate images instead).
IMAGE_FAMILIES = ("gan", "dcgan", "cgan", "acgan", "infogan", "lsgan", "wgan", "wgan_gp", "dragan", "sngan",
                  "biggan", "stylegan")
# Recipe flags the benchmark sets itself, the same for every family.
HELD_EQUAL = ("model", "dataset", "data_dir", "image_size", "batch_size", "epochs", "steps", "seed", "logdir",
              "resume", "max_examples", "checkpoint_every")
# Recipe flags that change how a step is computed, not the paper's method; a recipe may set them for its
# own long run, but here only --train_flags does, for every family alike (BUILD_NOTES.md: --reuse_fakes
# --bfloat16 cost FID over a full schedule).
SPEED_FLAGS = ("reuse_fakes", "bfloat16", "mixed_precision", "jit_compile")
METRICS = "fid,kid,pr,cond_acc,intra_fid,modes"
# Lucic et al. 2018, "Are GANs Created Equal?": each loss's best FID after a large hyper-parameter search
# (Inception features, 10k samples, one architecture for all), Fashion-MNIST column, as quoted by Dai &
# Wipf 2019 (Table 1) and Zhang & Khoreva 2019 (Table 2), which agree. Keyed by the family that trains
# with that loss (NS GAN: DCGAN's non-saturating loss on a convolutional net). Their features and
# networks are not ours, so the table compares orderings, not values.
PUBLISHED_FIDS = {"fashion_mnist": {
    "wgan": ("WGAN", 21.5, 1.6), "wgan_gp": ("WGAN-GP", 24.5, 2.1), "dcgan": ("NS GAN", 26.5, 1.6),
    "dragan": ("DRAGAN", 27.7, 1.2), "lsgan": ("LSGAN", 30.7, 2.2),
}}
# Table columns: (metric key, heading, digits); a family without a metric shows a blank.
COLUMNS = (("fid", "FID", 2), ("kid", "KID", 4), ("precision", "precision", 3), ("recall", "recall", 3),
           ("cond_acc", "cond. acc.", 3), ("intra_fid", "intra-FID", 2), ("modes_covered", "classes", 1),
           ("modes_min_share", "min class share", 3))


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_list("families", list(IMAGE_FAMILIES), "GAN families to train and compare.")
    flags.DEFINE_string("dataset", "fashion_mnist", "Dataset every family trains on.")
    flags.DEFINE_string("data_dir", None, "Its IDX folder or TFDS data_dir.")
    flags.DEFINE_integer("images", 600000, "Budget of each run: real images seen (600000 = 10 epochs of 60k).")
    flags.DEFINE_integer("batch_size", 64, "Batch size of every run.")
    flags.DEFINE_list("seeds", ["0"], "Training seeds; each family trains once per seed.")
    flags.DEFINE_integer("num_samples", 10000, "Generated samples per evaluation (and real ones for the reference).")
    flags.DEFINE_string("out", None, "Output folder; default runs/benchmark_<dataset>.")
    flags.DEFINE_string("recipes_dir", RECIPES_DIR, "Folder of the <family>.flags recipes.")
    flags.DEFINE_list("train_flags", [], "Extra flags for every training run, e.g. --bfloat16,--reuse_fakes.")
    flags.DEFINE_integer("checkpoint_every", 500, "Checkpoint interval of the training runs (steps).")


def read_recipe(path):
    """``{flag: value text}`` of a recipe file (`keras_gans.train.flagfile_values`)."""
    from keras_gans import train

    with open(path) as f:
        return train.flagfile_values(f.read())


def run_name(family, seed):
    return f"{family}_seed{seed}"


class Benchmark:
    """The runs of ``families`` x ``seeds`` in ``out``; see the module docstring."""

    def __init__(self, families, dataset, data_dir, out, images=600000, batch_size=64, seeds=(0,),
                 num_samples=10000, recipes_dir=RECIPES_DIR, train_flags=(), checkpoint_every=500):
        from keras_gans import models

        for family in families:
            models.get(family)  # unknown names list the known ones
            if models.get(family).data_kind != "labelled":
                raise UsageError(f"{family} translates images; the benchmark compares families that generate them: "
                                 f"{', '.join(IMAGE_FAMILIES)}.")
        if not families:
            raise UsageError(f"--families is empty; choose from {', '.join(IMAGE_FAMILIES)}.")
        from keras_gans.metrics import classifier

        if dataset not in classifier.available():
            raise UsageError(f"No domain classifier is shipped for {dataset!r} to evaluate the runs with; shipped: "
                             f"{', '.join(classifier.available())}.")
        held = [flag for flag in train_flags if flag.lstrip("-").split("=")[0] in (*HELD_EQUAL, "n_critic")]
        if held:
            raise UsageError(f"--train_flags cannot set {', '.join(held)}: the benchmark holds it equal "
                             "(use --images, --batch_size, --seeds).")
        check_integer(images, "--images", minimum=1)
        check_integer(batch_size, "--batch_size", minimum=1)
        check_integer(num_samples, "--num_samples", minimum=2)
        self.seeds = [int(s) for s in seeds]
        if not self.seeds:
            raise UsageError("--seeds is empty; give at least one training seed, e.g. --seeds=0.")
        self.families, self.dataset, self.data_dir, self.out = list(families), dataset, data_dir, out
        self.images, self.batch_size, self.num_samples = images, batch_size, num_samples
        self.train_flags, self.checkpoint_every = list(train_flags), checkpoint_every
        self.recipes = {}
        for family in self.families:
            path = os.path.join(recipes_dir, f"{family}.flags")
            if not os.path.isfile(path):
                raise UsageError(f"No recipe {path}; pass --recipes_dir=<the zoo/recipes folder of a keras_gans checkout>.")
            self.recipes[family] = read_recipe(path)
        self.state_path = os.path.join(out, "benchmark.json")
        self.state = _read_json(self.state_path, {"runs": {}})

    def images_per_step(self, family):
        """Real images a training step of ``family`` sees: a batch for each of its n_critic D steps."""
        from keras_gans import models

        return self.batch_size * int(self.recipes[family].get("n_critic") or models.get(family).default_n_critic)

    def steps(self, family):
        """Training steps of ``family`` for the budget."""
        return max(1, self.images // self.images_per_step(family))

    def command(self, family, seed):
        recipe = {k: v for k, v in self.recipes[family].items() if k not in (*HELD_EQUAL, *SPEED_FLAGS)}
        # The held-equal flags come last, so neither the recipe nor --train_flags can override them.
        command = [sys.executable, "-m", "keras_gans.train", *(f"--{k}={v}" for k, v in recipe.items()),
                   *self.train_flags, f"--model={family}", f"--dataset={self.dataset}",
                   f"--batch_size={self.batch_size}", f"--steps={self.steps(family)}", f"--seed={seed}",
                   f"--logdir={self.logdir(family, seed)}", "--resume", f"--checkpoint_every={self.checkpoint_every}"]
        if self.data_dir:
            command.append(f"--data_dir={self.data_dir}")
        return command

    def logdir(self, family, seed):
        return os.path.join(self.out, run_name(family, seed))

    def _commit(self):
        _write_json(self.state_path, self.state)

    def train(self, family, seed, log=print):
        """Trains one run to its budget (continuing an interrupted one); False when it failed."""
        name = run_name(family, seed)
        record = self.state["runs"].setdefault(name, {"wall_seconds": 0.0, "images": 0})
        logdir = self.logdir(family, seed)
        from keras_gans.zoo.references import RUN_GENERATOR

        if os.path.isfile(os.path.join(logdir, RUN_GENERATOR)) and checkpoint_step(logdir) == self.steps(family):
            return True
        start_step = checkpoint_step(logdir) or 0
        if start_step > self.steps(family):
            raise UsageError(f"{logdir} has trained {start_step} steps, more than --images={self.images} gives "
                             f"({self.steps(family)}): use a larger --images or another --out.")
        log(f"{name}: training steps {start_step}..{self.steps(family)} "
            f"({self.images} images at batch {self.batch_size}); log {logdir}/train.log")
        os.makedirs(logdir, exist_ok=True)
        start = time.perf_counter()
        log_path = os.path.join(logdir, "train.log")
        with open(log_path, "a") as out:
            offset = out.tell()  # this attempt's output starts here
            code = subprocess.call(self.command(family, seed), stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
        record["wall_seconds"] += time.perf_counter() - start
        record["images"] += ((checkpoint_step(logdir) or 0) - start_step) * self.images_per_step(family)
        # The train command's one-line error when it gave one, else the log's last line.
        record["failed"] = _last_line(log_path, "error:", offset) if code else None
        self._commit()
        if code:
            log(f"{name}: training failed: {record['failed']}")
        else:
            log(f"{name}: {_last_line(log_path, 'Trained to step', offset)} "
                f"({(time.perf_counter() - start) / 60:.1f} min)")
        return not code

    def resized_side(self, family, evaluator):
        """The side ``family``'s networks have the data resized to (--image_size is held equal, so
        it is the family's own choice), None when they take the data's."""
        from keras_gans import models

        return models.get(family).image_size_for(*evaluator.test_images.shape[1:3])

    def evaluated(self, family, seed, evaluator):
        """The run's ``eval.json`` when it holds this budget's evaluation with these features and real
        images at the generator's side, else None (a run trained further since, by a larger --images,
        is evaluated again)."""
        logdir = self.logdir(family, seed)
        report = _read_json(os.path.join(logdir, "eval.json"))
        if report is None or (report.get("step"), report["num_samples"], report["feature_net"],
                              report.get("data_resized_to")) != (
                self.steps(family), self.num_samples, evaluator.feature_net.name, self.resized_side(family, evaluator)):
            return None
        # Without checkpoints (kept results, a work tree since gone) the report stands; with them they
        # must not have trained past it.
        return report if checkpoint_step(logdir) in (None, self.steps(family)) else None

    def evaluate(self, family, seed, evaluator, log=print):
        """The run's evaluation (from ``eval.json`` when it was done before)."""
        from keras_gans import evaluate

        logdir = self.logdir(family, seed)
        path = os.path.join(logdir, "eval.json")
        report = self.evaluated(family, seed, evaluator)
        if report is None:
            log(f"{run_name(family, seed)}: evaluating {self.num_samples} samples")
            report = evaluate.evaluate(logdir, self.dataset, metrics=METRICS,
                                       num_samples=self.num_samples, reference=False, evaluator=evaluator)
            report["step"] = checkpoint_step(logdir)
            _write_json(path, report)
        return report["metrics"]

    def run(self, log=print):
        """Trains and evaluates every run not done yet, rewriting the table after each run (a
        benchmark stopped part way leaves the table of what is done); returns the results."""
        from keras_gans.metrics import evaluation

        os.makedirs(self.out, exist_ok=True)
        # This process evaluates between training processes: on a GPU it must take memory as it needs
        # it, not all of it when TensorFlow starts, or the next training process finds none left.
        import tensorflow as tf

        for gpu in tf.config.list_physical_devices("GPU"):
            try:
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:  # this process has used the GPU already; its allocator is set
                pass
        evaluator = evaluation.make_evaluator(self.dataset, self.data_dir)
        reference = self.reference(evaluator)
        # Families whose networks take another side than the data's are measured against the data at theirs.
        at_sides = {family: (side, self.reference(evaluator, side)) for family in self.families
                    if (side := self.resized_side(family, evaluator))}
        runs = [(family, seed) for family in self.families for seed in self.seeds]
        # Runs trained and evaluated before are in every table this call writes, even before it reaches them.
        metrics = {run_name(family, seed): report["metrics"] for family, seed in runs
                   if (report := self.evaluated(family, seed, evaluator))}
        for index, (family, seed) in enumerate(runs):
            log(f"[{index + 1}/{len(runs)}] {run_name(family, seed)}")
            if run_name(family, seed) not in metrics and self.train(family, seed, log):
                try:
                    metrics[run_name(family, seed)] = self.evaluate(family, seed, evaluator, log)
                except (KerasGansError, ValueError) as error:  # e.g. a generator that diverged to NaN
                    self.state["runs"][run_name(family, seed)]["failed"] = f"evaluation: {str(error).splitlines()[0][:300]}"
                    self._commit()
                    log(f"{run_name(family, seed)}: evaluation failed: {error}")
            results = self.results(metrics, reference, at_sides)
            _write_json(os.path.join(self.out, "results.json"), results)
            with files.atomic_write(os.path.join(self.out, "results.md")) as temporary, open(temporary, "w") as f:
                f.write(markdown_table(results) + "\n")
        return results

    def reference(self, evaluator, side=None):
        """The real-vs-real metrics, with ``side`` of both splits resized to it (from
        ``reference.json``, ``reference_<side>.json``, when measured before with these features)."""
        from keras_gans.metrics import evaluation

        path = os.path.join(self.out, f"reference_{side}.json" if side else "reference.json")
        reference = _read_json(path, {})
        if (reference.get("num_samples"), reference.get("feature_net")) != (self.num_samples, evaluator.feature_net.name):
            reference = {"num_samples": self.num_samples, "feature_net": evaluator.feature_net.name,
                         "metrics": evaluator.reference(evaluation.parse_metrics(METRICS), self.num_samples, side=side)}
            _write_json(path, reference)
        return reference["metrics"]

    def results(self, metrics, reference, at_sides=None):
        """The table's rows; ``at_sides``: {family: (side, real-vs-real metrics at that side)} for the
        families whose networks take another side than the data's."""
        at_sides = at_sides or {}
        rows = []
        for family in self.families:
            names = [run_name(family, s) for s in self.seeds]
            runs = [self.state["runs"].get(n, {}) for n in names]
            done = [metrics[n] for n in names if n in metrics]
            wall = sum(r.get("wall_seconds", 0.0) for r in runs)
            images = sum(r.get("images", 0) for r in runs)
            rate = images / wall if wall else None
            rows.append({
                "family": family,
                "seeds_done": len(done),
                "failed": [r["failed"] for r in runs if r.get("failed")],
                "mean": {k: float(np.mean([m[k] for m in done])) for k in (done[0] if done else {})},
                "sd": {k: float(np.std([m[k] for m in done], ddof=1)) for k in (done[0] if len(done) > 1 else {})},
                # An attempt killed with the benchmark records no time, so a run's time is its budget at
                # the rate its recorded attempts trained.
                "wall_seconds": self.steps(family) * self.images_per_step(family) / rate if rate else 0.0,
                "images_per_second": rate,
                "generator_steps": self.steps(family),
                "data_resized_to": at_sides[family][0] if family in at_sides else None,
            })
        # The papers' losses are what the mapping pairs; a --loss for every run would pair others.
        changes_loss = any(flag.lstrip("-").startswith("loss=") for flag in self.train_flags)
        published = {family: {"name": name, "fid": fid, "sd": sd}
                     for family, (name, fid, sd) in PUBLISHED_FIDS.get(self.dataset, {}).items()
                     if family in self.families and not changes_loss}
        ours = {row["family"]: row["mean"]["fid"] for row in rows if np.isfinite(row["mean"].get("fid", np.nan))}
        compared = [family for family in published if family in ours]
        ordering = None
        if len(compared) >= 2:
            ordering = {"kendall_tau": kendall_tau([ours[f] for f in compared], [published[f]["fid"] for f in compared]),
                        "families": len(compared)}
        return {"dataset": self.dataset, "images": self.images, "batch_size": self.batch_size, "seeds": self.seeds,
                "num_samples": self.num_samples, "train_flags": self.train_flags, "reference": reference,
                "side_references": {str(side): value for side, value in at_sides.values()}, "rows": rows,
                "published": published, "ordering": ordering}


def kendall_tau(a, b):
    """Kendall's rank correlation (tau-a): (agreeing - disagreeing pairs) / pairs; a tie is neither."""
    pairs = [(i, j) for i in range(len(a)) for j in range(i + 1, len(a))]
    return sum(float(np.sign(a[i] - a[j]) * np.sign(b[i] - b[j])) for i, j in pairs) / len(pairs)


def markdown_table(results):
    """The results as a Markdown table, the real-vs-real reference in the last row."""
    published = results.get("published") or {}
    heading = ["family", *(h for _, h, _ in COLUMNS), "wall time / run", "images/s", "G steps",
               *(["Lucic et al. 2018 FID"] if published else [])]

    def cited(family):  # the cell of the Lucic et al. column, where the table has it
        if not published:
            return []
        paper = published.get(family)
        return [f"{paper['name']} {paper['fid']} ± {paper['sd']}" if paper else ""]

    lines = ["| " + " | ".join(heading) + " |", "|" + "---|" * len(heading)]
    for row in results["rows"]:
        if not row["seeds_done"]:
            cells = [f"failed: {row['failed'][0]}" if row["failed"] else "not run", *[""] * (len(COLUMNS) + 2),
                     *cited(row["family"])]
            lines.append(f"| {row['family']} | " + " | ".join(cells) + " |")
            continue
        cells = [_cell(row["mean"], row["sd"], key, digits) for key, _, digits in COLUMNS]
        minutes = row["wall_seconds"] / 60
        speed = f"{row['images_per_second']:.0f}" if row["images_per_second"] else ""
        family = row["family"]
        if row["seeds_done"] < len(results["seeds"]):
            family += f" ({row['seeds_done']} of {len(results['seeds'])} seeds; {'; '.join(row['failed']) or 'not run'})"
        lines.append(f"| {family} | " + " | ".join([*cells, f"{minutes:.1f} min", speed, str(row["generator_steps"]), *cited(row['family'])]) + " |")
    reference = [_cell(results["reference"], {}, key, digits) for key, _, digits in COLUMNS]
    lines.append("| real train vs test | " + " | ".join([*reference, "", "", "", *cited(None)]) + " |")
    seeds = len(results["seeds"])
    lines.append(f"\n{results['dataset']}, {results['images']} real images per run at batch {results['batch_size']}, "
                 f"{seeds} seed{'s' * (seeds > 1)} (mean ± sd), {results['num_samples']} samples per evaluation, "
                 f"domain features{'; training flags ' + ' '.join(results['train_flags']) if results['train_flags'] else ''}.")
    for row in results["rows"]:
        side = row.get("data_resized_to")
        if side and row["seeds_done"]:
            at_side = results["side_references"][str(side)]
            lines.append(f"{row['family']} generates {side}x{side} images: it is measured against both splits resized to "
                         f"{side}x{side} as it trained, then with its samples to the features' input; real train vs test "
                         f"there: FID {at_side['fid']:.2f}, KID {at_side['kid']:.4f}.")
    ordering = results.get("ordering")
    if ordering:
        lines.append(f"Ordering by FID against Lucic et al. 2018 (Inception features, one network for every loss, the "
                     f"best of a large search per loss; here one recipe per family at this budget): Kendall's tau {ordering['kendall_tau']:.2f} over {ordering['families']} "
                     f"families (1: the same order, -1: reversed).")
    return "\n".join(lines)


def _cell(mean, sd, key, digits):
    if key not in mean:
        return ""
    return f"{mean[key]:.{digits}f}" + (f" ± {sd[key]:.{digits}f}" if key in sd else "")


def checkpoint_step(logdir):
    """The step of a training run's newest checkpoint (None when it has none)."""
    import tensorflow as tf

    from keras_gans import callbacks

    return callbacks.checkpoint_step(tf.train.latest_checkpoint(os.path.join(logdir, "checkpoints")))


def _last_line(log_path, prefix="", offset=0):
    """The last line of a log (from byte ``offset`` on) that starts with ``prefix``, else its last line."""
    with open(log_path, errors="replace") as f:
        f.seek(offset)
        lines = [line.strip() for line in f if line.strip()]
    return ([line for line in lines if line.startswith(prefix)] or lines or ["no output"])[-1][:300]


def _read_json(path, default=None):
    if not os.path.isfile(path):
        return default
    with open(path) as f:
        return json.load(f)


def _write_json(path, value):
    with files.atomic_write(path) as temporary, open(temporary, "w") as f:
        json.dump(value, f, indent=2)


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    f = flags.FLAGS
    try:
        seeds = [int(s) for s in f.seeds]
    except ValueError:
        print(f"error: --seeds takes integers, e.g. --seeds=0,1,2; got {','.join(f.seeds)}.", file=sys.stderr)
        return 1
    try:
        benchmark = Benchmark(f.families, f.dataset, f.data_dir, f.out or os.path.join("runs", f"benchmark_{f.dataset}"),
                              f.images, f.batch_size, seeds, f.num_samples, f.recipes_dir, f.train_flags,
                              f.checkpoint_every)
        results = benchmark.run(log=lambda line: print(line, flush=True))
    except KerasGansError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(markdown_table(results))
    print(f"wrote {os.path.join(benchmark.out, 'results.md')} and results.json")
    return 0


if __name__ == "__main__":
    define_flags()
    app.run(main)
