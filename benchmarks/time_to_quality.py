"""Time to quality: the cgan recipe against the recipe users copy, the keras-io "Conditional GAN"
example (`benchmarks/keras_io_cgan.py`), on Fashion-MNIST for the same training time each.

    python benchmarks/time_to_quality.py --data_dir=../shared/data/fashion_mnist \
        --out=runs/time_to_quality --budget_minutes=40 --snapshot_minutes=4 --num_samples=10000 --repeats=3

Arms (``--arms``), trained one after the other, never at once, each for ``--budget_minutes``:

  keras_io            the example as published (batch 64, Adam 3e-4, one-hot concatenation)
  keras_io_broadcast  the same, with D's label maps the per-pixel one-hot the example's text
                      describes instead of what its code builds (see keras_io_cgan.py)
  cgan                ``python -m keras_gans.train --flagfile=zoo/recipes/cgan.flags``, unchanged
  cgan_plain          the same with ``--noreuse_fakes --nobfloat16``: the recipe before it took the
                      speed-ups (two G forward passes per step, float32), issue 18's quality check

Each arm trains in chunks, one process each, that continue the previous chunk's state; after each
chunk its generator is kept as a snapshot (``--snapshot_minutes`` of training apart, so that both
arms are measured on the same time grid whatever their epoch length). The keras-io arm stops a
chunk after that many seconds; the recipe takes ``--steps``, sized from its measured speed (its
first chunk is ``--recipe_first_chunk_steps`` steps), with ``--resume``.

The clock, "training time", is the time spent in Keras' ``fit``: the steps, and each chunk's
tracing of its train function. Process start-up, data loading, building, checkpoint restores and
saves, and evaluation are left out; the cumulative wall time of the chunk processes, which counts
them, is recorded as well (``wall_seconds``). The recipe's fit is timed by wrapping
``keras.Model.fit`` around its unchanged command line (``RECIPE_BOOTSTRAP``).

After training, every snapshot is evaluated with ``python -m keras_gans.evaluate --metrics=fid,cond_acc``
(the domain classifier's features; the same latent seeds for every snapshot; the real-vs-real
reference once). The script writes ``curves.json``, prints a Markdown table (training time to
conditional accuracy ``--threshold`` for each arm, FID and cond_acc at each snapshot) and plots FID
and conditional accuracy against training time to ``time_to_quality.png`` (needs matplotlib).

Resumable: ``progress.json`` in ``--out`` commits each snapshot (its state folder, generator and
times) after its chunk ends; a rerun skips finished snapshots and evaluations and continues an arm
from its last snapshot, discarding a chunk that was cut short. A larger ``--budget_minutes`` extends
finished arms. ``--report_only`` rebuilds the JSON, table and plot from what is there.

Layout of ``--out``: ``<arm>/state_NNN`` (the arm's run after snapshot NNN: the keras-io workdir or
the recipe's logdir), ``<arm>/logs/``, ``snapshots/<arm>_NNN.keras``, ``evals/<arm>_NNN.json``,
``progress.json``, ``curves.json``, ``time_to_quality.png``.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

from absl import app, flags

from keras_gans.benchmark import checkpoint_step, read_recipe

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER_SCRIPT = os.path.join(REPO, "benchmarks", "keras_io_cgan.py")
DEFAULT_RECIPE = os.path.join(REPO, "zoo", "recipes", "cgan.flags")

ARMS = {
    "keras_io": "keras-io Conditional GAN (as published)",
    "keras_io_broadcast": "keras-io Conditional GAN (per-pixel one-hot label maps)",
    "cgan": "keras_gans cgan recipe",
    "cgan_plain": "keras_gans cgan recipe with --noreuse_fakes --nobfloat16",
}
# The recipe arms: the flags each adds to the recipe's command line.
RECIPE_ARMS = {"cgan": [], "cgan_plain": ["--noreuse_fakes", "--nobfloat16"]}
PEER_LABEL_MAPS = {"keras_io": "published", "keras_io_broadcast": "broadcast"}

# Runs the recipe's own command line (``python -m keras_gans.train ...``) with the time spent in
# keras.Model.fit written to the JSON file named by the first argument.
RECIPE_BOOTSTRAP = r"""
import json, runpy, sys, time
import keras
timing_path = sys.argv.pop(1)
fit, spent = keras.Model.fit, []
def timed_fit(self, *args, **kwargs):
    start = time.perf_counter()
    try:
        return fit(self, *args, **kwargs)
    finally:
        spent.append(time.perf_counter() - start)
keras.Model.fit = timed_fit
try:
    runpy.run_module("keras_gans.train", run_name="__main__", alter_sys=True)
finally:
    with open(timing_path, "w") as f:
        json.dump({"fit_seconds": sum(spent), "fits": len(spent)}, f)
"""

PROGRESS_FILE = "progress.json"
CURVES_FILE = "curves.json"
PLOT_FILE = "time_to_quality.png"


def define_flags():
    flags.DEFINE_string("data_dir", None, "Fashion-MNIST IDX folder (or TFDS data_dir).")
    flags.DEFINE_string("dataset", "fashion_mnist", "Dataset both arms train on and are evaluated against.")
    flags.DEFINE_string("out", None, "Output folder; a rerun on it resumes.")
    flags.DEFINE_float("budget_minutes", 40.0, "Training time of each arm, in minutes.")
    flags.DEFINE_float("snapshot_minutes", 4.0, "Training time between snapshots, in minutes.")
    flags.DEFINE_integer("num_samples", 10000, "Samples per evaluation.")
    flags.DEFINE_integer("repeats", 3, "Latent seeds per evaluation (mean and sd reported).")
    flags.DEFINE_integer("eval_batch_size", 500, "Batch size of the evaluation.")
    flags.DEFINE_list("arms", ["keras_io", "cgan"], f"Arms, in training order: any of {', '.join(ARMS)}.")
    flags.DEFINE_string("recipe", DEFAULT_RECIPE, "Flag file of the keras_gans arm.")
    flags.DEFINE_integer("recipe_first_chunk_steps", 100, "Steps of the recipe's first chunk (measures its speed).")
    flags.DEFINE_float("threshold", 0.85, "Conditional accuracy whose training time is reported.")
    flags.DEFINE_integer("seed", 0, "Seed of the keras-io arms (the recipe keeps its flag file's).")
    flags.DEFINE_boolean("report_only", False, "Only rebuild curves.json, the table and the plot.")


# ----------------------------------------------------------------------------- small helpers

def _write_json(path, value):
    temporary = f"{path}.tmp"
    with open(temporary, "w") as f:
        json.dump(value, f, indent=2)
    os.replace(temporary, path)


def _read_json(path, default=None):
    if not os.path.isfile(path):
        return default
    with open(path) as f:
        return json.load(f)


def _child_env():
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def _run_logged(command, log_path):
    """Runs ``command`` from the repository root with its output in ``log_path``; its wall seconds.
    A failure raises, quoting the end of the log."""
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    start = time.perf_counter()
    with open(log_path, "w") as log:
        log.write(" ".join(command) + "\n\n")
        log.flush()
        code = subprocess.call(command, cwd=REPO, env=_child_env(), stdout=log, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if code:
        with open(log_path) as log:
            tail = "".join(log.readlines()[-25:])
        raise RuntimeError(f"{command[0]} ... exited with {code} (log {log_path}):\n{tail}")
    return seconds


def recipe_chunk_steps(chunks, target_seconds, first_steps):
    """Steps for a recipe chunk meant to take ``target_seconds`` in fit, from the previous chunks'
    ``(fit_seconds, steps)`` (the first, which traces from scratch on an untuned machine, only
    while it is the only one)."""
    if not chunks:
        return first_steps
    measured = chunks[1:] if len(chunks) > 1 else chunks
    seconds_per_step = sum(s for s, _ in measured) / max(1, sum(n for _, n in measured))
    return max(1, int(target_seconds / seconds_per_step))


def chunk_target(elapsed, budget, snapshot):
    """Training seconds for the next chunk, or None when the arm's budget is spent; a remainder
    under a quarter of a snapshot joins the chunk before it."""
    remaining = budget - elapsed
    if remaining < max(5.0, 0.05 * snapshot):
        return None
    target = min(snapshot, remaining)
    if remaining - target < 0.25 * snapshot:
        target = remaining
    return target


# ----------------------------------------------------------------------------- training

class Benchmark:
    """Trains and evaluates the arms into ``out``; see the module docstring."""

    def __init__(self, out, data_dir, dataset="fashion_mnist", budget_minutes=40.0, snapshot_minutes=4.0,
                 num_samples=10000, repeats=3, eval_batch_size=500, arms=("keras_io", "cgan"), recipe=DEFAULT_RECIPE,
                 recipe_first_chunk_steps=100, threshold=0.85, seed=0):
        unknown = [arm for arm in arms if arm not in ARMS]
        if unknown:
            raise ValueError(f"Unknown arm(s) {', '.join(unknown)}; known: {', '.join(ARMS)}")
        if budget_minutes <= 0 or snapshot_minutes <= 0:
            raise ValueError("--budget_minutes and --snapshot_minutes must be positive")
        self.out, self.data_dir, self.dataset = os.path.abspath(out), data_dir, dataset
        self.budget, self.snapshot = 60.0 * budget_minutes, 60.0 * snapshot_minutes
        self.num_samples, self.repeats, self.eval_batch_size = num_samples, repeats, eval_batch_size
        self.arms, self.recipe = list(arms), os.path.abspath(recipe)
        self.recipe_first_chunk_steps, self.threshold, self.seed = recipe_first_chunk_steps, threshold, seed
        os.makedirs(self.out, exist_ok=True)
        self.progress_path = os.path.join(self.out, PROGRESS_FILE)
        self.progress = _read_json(self.progress_path, {"arms": {}})

    # -- what identifies an arm's run: a rerun must train the same thing to continue it
    def _setup(self, arm):
        if arm in RECIPE_ARMS:
            with open(self.recipe, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()[:16]
            return {"recipe": self.recipe, "recipe_sha256": digest, "dataset": self.dataset, "flags": RECIPE_ARMS[arm]}
        return {"label_maps": PEER_LABEL_MAPS[arm], "seed": self.seed, "dataset": self.dataset}

    def _arm_record(self, arm):
        record = self.progress["arms"].setdefault(arm, {"setup": self._setup(arm), "snapshots": [], "chunks": []})
        if record["setup"] != self._setup(arm):
            raise ValueError(f"{self.out} holds arm {arm} trained with {record['setup']}, not {self._setup(arm)}; "
                             "use another --out")
        return record

    def _commit(self):
        _write_json(self.progress_path, self.progress)

    def train(self):
        for arm in self.arms:
            self.train_arm(arm)

    def train_arm(self, arm):
        record = self._arm_record(arm)
        arm_dir = os.path.join(self.out, arm)
        os.makedirs(arm_dir, exist_ok=True)
        while True:
            snapshots = record["snapshots"]
            index = len(snapshots)
            state = os.path.join(arm_dir, f"state_{index:03d}")
            if index and not os.path.isdir(state):
                raise RuntimeError(f"{state} (the state of {arm}'s last snapshot) is missing; use another --out")
            for name in os.listdir(arm_dir):  # what a cut-short chunk or a commit left
                if (name.startswith("state_") and name != os.path.basename(state)) or name == "work":
                    shutil.rmtree(os.path.join(arm_dir, name))
            elapsed = snapshots[-1]["fit_seconds"] if snapshots else 0.0
            target = chunk_target(elapsed, self.budget, self.snapshot)
            if target is None:
                return
            work = os.path.join(arm_dir, "work")
            if index:
                shutil.copytree(state, work)
            log = os.path.join(arm_dir, "logs", f"chunk_{index + 1:03d}.log")
            if arm in RECIPE_ARMS:
                snapshot = self._recipe_chunk(record, work, target, log, RECIPE_ARMS[arm])
            else:
                snapshot = self._peer_chunk(arm, work, target, log)
            snapshot["index"] = index + 1
            snapshot["wall_seconds"] = round((snapshots[-1]["wall_seconds"] if snapshots else 0.0)
                                             + snapshot.pop("chunk_wall_seconds"), 3)
            generator = os.path.join("snapshots", f"{arm}_{index + 1:03d}.keras")
            os.makedirs(os.path.join(self.out, "snapshots"), exist_ok=True)
            shutil.copyfile(os.path.join(work, "generator.keras"), os.path.join(self.out, generator))
            snapshot["generator"] = generator
            os.rename(work, os.path.join(arm_dir, f"state_{index + 1:03d}"))
            snapshots.append(snapshot)
            self._commit()
            print(f"{arm}: snapshot {index + 1} at {snapshot['fit_seconds'] / 60:.2f} training min "
                  f"({snapshot['wall_seconds'] / 60:.2f} wall min), step {snapshot['steps']}, "
                  f"epoch {snapshot['epochs']:.2f}", flush=True)

    def _peer_chunk(self, arm, work, target, log):
        command = [sys.executable, PEER_SCRIPT, f"--data_dir={self.data_dir}", f"--dataset={self.dataset}",
                   f"--workdir={work}", f"--seconds={target:.3f}", f"--seed={self.seed}",
                   f"--label_maps={PEER_LABEL_MAPS[arm]}"]
        wall = _run_logged(command, log)
        progress = _read_json(os.path.join(work, "progress.json"))
        return {"fit_seconds": progress["fit_seconds"], "steps": progress["steps"], "images": progress["images"],
                "epochs": progress["epochs"], "chunk_wall_seconds": wall}

    def _recipe_chunk(self, record, work, target, log, extra_flags):
        snapshots = record["snapshots"]
        done = snapshots[-1]["steps"] if snapshots else 0
        chunks = [(c["fit_seconds"], c["steps"]) for c in record["chunks"]]
        steps = done + recipe_chunk_steps(chunks, target, self.recipe_first_chunk_steps)
        timing = os.path.join(os.path.dirname(work), "recipe_fit_seconds.json")
        command = [sys.executable, "-c", RECIPE_BOOTSTRAP, timing, f"--flagfile={self.recipe}",
                   f"--data_dir={self.data_dir}", f"--dataset={self.dataset}", f"--logdir={work}", "--resume",
                   f"--steps={steps}", *extra_flags]
        wall = _run_logged(command, log)
        fit_seconds = _read_json(timing)["fit_seconds"]
        os.remove(timing)
        reached = checkpoint_step(work)
        if reached != steps:
            raise RuntimeError(f"the recipe chunk was to train to step {steps}, its checkpoint is at {reached} ({log})")
        record["chunks"].append({"fit_seconds": round(fit_seconds, 3), "steps": steps - done})
        batch_size = int(read_recipe(self.recipe).get("batch_size", 64))
        images = steps * batch_size
        return {"fit_seconds": round((snapshots[-1]["fit_seconds"] if snapshots else 0.0) + fit_seconds, 3),
                "steps": steps, "images": images, "epochs": round(images / self._num_examples(), 4),
                "chunk_wall_seconds": wall}

    def _num_examples(self):
        """Training examples per epoch, asked of a child process (this one stays free of TensorFlow)."""
        if "num_examples" not in self.progress:
            script = ("import sys; from keras_gans import data; "
                      "print(data.load_source(sys.argv[1], data_dir=sys.argv[2], split='train').num_examples)")
            result = subprocess.run([sys.executable, "-c", script, self.dataset, self.data_dir], cwd=REPO,
                                    env=_child_env(), check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    text=True)
            self.progress["num_examples"] = int(result.stdout.split()[-1])
        return self.progress["num_examples"]

    # -- evaluation
    def evaluate(self):
        evals = os.path.join(self.out, "evals")
        os.makedirs(evals, exist_ok=True)
        for arm in self.arms:
            for snapshot in self._arm_record(arm)["snapshots"]:
                stem = os.path.splitext(os.path.basename(snapshot["generator"]))[0]
                path = os.path.join(evals, f"{stem}.json")
                if os.path.isfile(path):
                    continue
                reference = self._reference() is None
                command = [sys.executable, "-m", "keras_gans.evaluate",
                           f"--generator={os.path.join(self.out, snapshot['generator'])}", f"--dataset={self.dataset}",
                           f"--data_dir={self.data_dir}", "--metrics=fid,cond_acc", f"--num_samples={self.num_samples}",
                           f"--repeats={self.repeats}", f"--batch_size={self.eval_batch_size}", f"--out={path}",
                           "--reference" if reference else "--noreference"]
                seconds = _run_logged(command, os.path.join(evals, f"{stem}.log"))
                metrics = _read_json(path)["metrics"]
                print(f"{stem}: FID {metrics['fid']:.2f}, cond_acc {metrics['cond_acc']:.3f} ({seconds:.0f} s)",
                      flush=True)

    def _reference(self):
        evals = os.path.join(self.out, "evals")
        if not os.path.isdir(evals):
            return None
        for name in sorted(os.listdir(evals)):
            if name.endswith(".json"):
                report = _read_json(os.path.join(evals, name))
                if report.get("reference"):
                    return {"metrics": report["reference"], "metrics_sd": report.get("reference_sd"),
                            "num_samples": report.get("num_samples")}
        return None

    # -- results
    def curves(self):
        arms = {}
        for arm in self.arms:
            rows = []
            for snapshot in self._arm_record(arm)["snapshots"]:
                stem = os.path.splitext(os.path.basename(snapshot["generator"]))[0]
                report = _read_json(os.path.join(self.out, "evals", f"{stem}.json"))
                row = dict(snapshot)
                if report:
                    sd = report.get("metrics_sd") or {}
                    for name in ("fid", "cond_acc"):
                        row[name] = report["metrics"].get(name)
                        row[f"{name}_sd"] = sd.get(name)
                rows.append(row)
            arms[arm] = {"label": ARMS[arm], "setup": self._arm_record(arm)["setup"], "snapshots": rows}
        return {
            "dataset": self.dataset, "threshold": self.threshold, "budget_minutes": self.budget / 60,
            "snapshot_minutes": self.snapshot / 60, "num_samples": self.num_samples, "repeats": self.repeats,
            "clock": "fit_seconds: time in Keras' fit (steps and tracing), without start-up, saving or evaluation",
            "reference": self._reference(), "arms": arms,
        }


# ----------------------------------------------------------------------------- report

def time_to_threshold(snapshots, threshold, metric="cond_acc"):
    """The first snapshot whose (mean) ``metric`` reaches ``threshold``, or None."""
    for snapshot in snapshots:
        if snapshot.get(metric) is not None and snapshot[metric] >= threshold:
            return snapshot
    return None


def _minutes(seconds):
    return f"{seconds / 60:.1f}"


def _value(row, name, digits):
    if row.get(name) is None:
        return "–"
    text = f"{row[name]:.{digits}f}"
    return text + (f" ± {row[f'{name}_sd']:.{digits}f}" if row.get(f"{name}_sd") is not None else "")


def markdown_table(curves, plot_path=None):
    """The Markdown summary of ``curves``: time to the threshold per arm, then every snapshot."""
    threshold = curves["threshold"]
    lines = [
        f"Training time (time in Keras' fit, {curves['dataset']}; budget {curves['budget_minutes']:g} min per arm; "
        f"{curves['num_samples']} samples x {curves['repeats']} latent seeds per evaluation, domain features)",
        "",
        f"| arm | training min to cond_acc ≥ {threshold:g} | step (epoch) there | best FID (training min) "
        f"| last FID | last cond_acc | trained: min, steps, epochs |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for arm in curves["arms"].values():
        rows = arm["snapshots"]
        if not rows:
            lines.append(f"| {arm['label']} | – | – | – | – | – | not trained |")
            continue
        hit = time_to_threshold(rows, threshold)
        scored = [r for r in rows if r.get("fid") is not None]
        best = min(scored, key=lambda r: r["fid"]) if scored else None
        last = rows[-1]
        reached = _minutes(hit["fit_seconds"]) if hit else "not reached in " + _minutes(last["fit_seconds"])
        where = f"{hit['steps']} ({hit['epochs']:.2f})" if hit else "–"
        best_text = f"{best['fid']:.2f} ({_minutes(best['fit_seconds'])})" if best else "–"
        lines.append(
            f"| {arm['label']} | {reached} | {where} | {best_text} "
            f"| {_value(last, 'fid', 2)} | {_value(last, 'cond_acc', 3)} "
            f"| {_minutes(last['fit_seconds'])}, {last['steps']}, {last['epochs']:.2f} |"
        )
    reference = curves.get("reference")
    if reference:
        m = reference["metrics"]
        lines += ["", f"Real train vs test ({reference.get('num_samples')} images): FID {m['fid']:.2f}, "
                      f"cond_acc {m['cond_acc']:.3f}."]
    lines += ["", "| arm | snapshot | training min | wall min | step | epoch | FID | cond_acc |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for arm in curves["arms"].values():
        for row in arm["snapshots"]:
            lines.append(
                f"| {arm['label']} | {row['index']} | {_minutes(row['fit_seconds'])} | {_minutes(row['wall_seconds'])} "
                f"| {row['steps']} | {row['epochs']:.2f} | {_value(row, 'fid', 2)} | {_value(row, 'cond_acc', 3)} |"
            )
    if plot_path:
        lines += ["", f"![FID and conditional accuracy against training time]({plot_path})"]
    return "\n".join(lines)


def plot_curves(curves, path):
    """FID (log scale) and conditional accuracy against training minutes, one line per arm."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (fid_axis, acc_axis) = plt.subplots(1, 2, figsize=(11, 4.2))
    for arm in curves["arms"].values():
        rows = [r for r in arm["snapshots"] if r.get("fid") is not None]
        if not rows:
            continue
        minutes = [r["fit_seconds"] / 60 for r in rows]
        for axis, name in ((fid_axis, "fid"), (acc_axis, "cond_acc")):
            errors = [r.get(f"{name}_sd") or 0.0 for r in rows]
            axis.errorbar(minutes, [r[name] for r in rows], yerr=errors, marker="o", markersize=3, capsize=2,
                          label=arm["label"])
        hit = time_to_threshold(rows, curves["threshold"])
        if hit:
            acc_axis.axvline(hit["fit_seconds"] / 60, color=acc_axis.lines[-1].get_color(), linewidth=0.8,
                             linestyle=":")
    acc_axis.axhline(curves["threshold"], color="grey", linestyle="--", linewidth=1,
                     label=f"cond_acc {curves['threshold']:g}")
    reference = curves.get("reference")
    if reference:
        fid_axis.axhline(reference["metrics"]["fid"], color="black", linestyle=":", linewidth=1,
                         label="real train vs test")
        acc_axis.axhline(reference["metrics"]["cond_acc"], color="black", linestyle=":", linewidth=1,
                         label="real train vs test")
    fid_axis.set_yscale("log")
    fid_axis.set_ylabel("FID (domain features, lower is better)")
    acc_axis.set_ylabel("conditional accuracy")
    acc_axis.set_ylim(0, 1)
    for axis in (fid_axis, acc_axis):
        axis.set_xlabel("training time (min in fit)")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle(f"Time to quality on {curves['dataset']}: {curves['num_samples']} samples "
                    f"x {curves['repeats']} seeds per point")
    figure.tight_layout()
    temporary = f"{path}.tmp.png"
    figure.savefig(temporary, dpi=120)
    plt.close(figure)
    os.replace(temporary, path)
    return path


def report(curves, out):
    """Writes curves.json and the plot into ``out``; returns the Markdown table."""
    _write_json(os.path.join(out, CURVES_FILE), curves)
    plot = None
    try:
        plot = plot_curves(curves, os.path.join(out, PLOT_FILE))
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)", file=sys.stderr)
    return markdown_table(curves, plot)


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    f = flags.FLAGS
    if not f.out or not f.data_dir:
        raise app.UsageError("--out and --data_dir are required")
    benchmark = Benchmark(f.out, f.data_dir, f.dataset, f.budget_minutes, f.snapshot_minutes, f.num_samples,
                          f.repeats, f.eval_batch_size, f.arms, f.recipe, f.recipe_first_chunk_steps, f.threshold,
                          f.seed)
    if not f.report_only:
        benchmark.train()
        benchmark.evaluate()
    print(report(benchmark.curves(), benchmark.out))
    return 0


if __name__ == "__main__":
    define_flags()
    app.run(main)
