"""`python -m keras_gans.benchmark`: the same budget for every family, a table of evaluations,
failures recorded, and resumption."""

import json
import shutil
import subprocess
import sys
import types

import numpy as np
import pytest

from conftest import REPO_ROOT
from keras_gans import benchmark
from keras_gans.errors import UsageError

RECIPES = REPO_ROOT / "zoo" / "recipes"


def test_every_family_gets_the_same_images_and_batch_size_with_its_own_recipe(tmp_path):
    bench = benchmark.Benchmark(["cgan", "wgan", "stylegan"], "fashion_mnist", "/data", str(tmp_path), images=64000,
                                batch_size=32, seeds=[3], train_flags=["--bfloat16"])
    # WGAN's step takes n_critic=5 real batches, so it gets a fifth of the steps.
    assert bench.steps("cgan") == 2000 and bench.steps("wgan") == 400
    command = bench.command("wgan", 3)
    flags_given = [arg for arg in command if arg.startswith("--")]
    assert "--optimizer=rmsprop" in flags_given and "--clip_value=0.01" in flags_given  # the paper's settings
    assert flags_given.index("--bfloat16") < flags_given.index("--model=wgan")  # held-equal flags come last
    assert "--dataset=fashion_mnist" in flags_given and "--dataset=mnist" not in flags_given  # the recipe's is replaced
    assert {"--batch_size=32", "--steps=400", "--seed=3", "--resume", "--bfloat16", "--data_dir=/data"} <= set(flags_given)
    assert f"--logdir={tmp_path}/wgan_seed3" in flags_given
    stylegan = bench.command("stylegan", 3)  # its recipe's 32x32 and batch 32 are held equal too
    assert not [arg for arg in stylegan if arg.startswith(("--image_size", "--epochs"))]
    assert [arg for arg in stylegan if arg.startswith("--batch_size")] == ["--batch_size=32"]


def test_speed_flags_are_held_equal_too():
    """cgan's recipe trains with --reuse_fakes --bfloat16, which change what a step computes (BUILD_NOTES.md:
    over a full schedule they cost FID), so the benchmark strips them from every recipe: only --train_flags,
    given to every family alike, sets them."""
    assert {"reuse_fakes", "bfloat16"} <= set(benchmark.read_recipe(str(RECIPES / "cgan.flags")))
    plain = benchmark.Benchmark(["cgan", "dcgan"], "fashion_mnist", None, "/tmp/unused")
    for family in ("cgan", "dcgan"):
        assert not [arg for arg in plain.command(family, 0) if arg.lstrip("-").startswith(benchmark.SPEED_FLAGS)]
    fast = benchmark.Benchmark(["cgan", "dcgan"], "fashion_mnist", None, "/tmp/unused",
                               train_flags=["--reuse_fakes", "--bfloat16"])
    for family in ("cgan", "dcgan"):
        speed = [arg for arg in fast.command(family, 0) if arg.lstrip("-").startswith(benchmark.SPEED_FLAGS)]
        assert speed == ["--reuse_fakes", "--bfloat16"]


@pytest.mark.parametrize("families, dataset, train_flags, match", [
    (["cgan", "bogus"], "mnist", [], "Known models: acgan"),
    (["pix2pix"], "mnist", [], "translates images"),
    ([], "mnist", [], "--families is empty"),
    (["gan"], "cifar10", [], "No domain classifier is shipped for 'cifar10'"),
    (["gan"], "mnist", ["--bfloat16", "--batch_size=8"], "cannot set --batch_size=8"),
    (["wgan"], "mnist", ["--n_critic=1"], "cannot set --n_critic=1"),
])
def test_bad_arguments_are_one_clear_line(tmp_path, families, dataset, train_flags, match):
    with pytest.raises(UsageError, match=match):
        benchmark.Benchmark(families, dataset, None, str(tmp_path), train_flags=train_flags)


def test_no_seeds_is_one_clear_line(tmp_path):
    with pytest.raises(UsageError, match="^--seeds is empty"):
        benchmark.Benchmark(["gan"], "mnist", None, str(tmp_path), seeds=[])


def test_a_missing_recipe_names_the_recipes_dir(tmp_path):
    with pytest.raises(UsageError, match="--recipes_dir"):
        benchmark.Benchmark(["gan"], "mnist", None, str(tmp_path / "out"), recipes_dir=str(tmp_path))


def test_trains_evaluates_records_a_failure_and_resumes(shared_data, tmp_path):
    recipes = tmp_path / "recipes"
    recipes.mkdir()
    shutil.copy(RECIPES / "gan.flags", recipes)
    # A family whose run fails: it is reported with the train command's one-line error.
    (recipes / "lsgan.flags").write_text("--model=lsgan\n--lr_g=-1\n")
    out = tmp_path / "out"
    kwargs = dict(families=["gan", "lsgan"], dataset="mnist", data_dir=str(shared_data / "mnist"), out=str(out),
                  batch_size=32, num_samples=200, recipes_dir=str(recipes), checkpoint_every=5)
    lines, tables = [], {}

    def log(line):  # keeps the table as it stood when each run began
        lines.append(line)
        if line.startswith("["):
            tables[line] = (out / "results.md").read_text() if (out / "results.md").exists() else ""

    results = benchmark.Benchmark(images=320, **kwargs).run(log=log)
    assert "| gan | " in tables["[2/2] lsgan_seed0"] and "| lsgan | not run |" in tables["[2/2] lsgan_seed0"]
    # Each run is evaluated and the table written as soon as it has trained, so a benchmark stopped
    # part way (it takes hours) leaves a table of the runs done so far.
    evaluated = next(i for i, line in enumerate(lines) if line.startswith("gan_seed0: evaluating"))
    assert evaluated < lines.index("[2/2] lsgan_seed0")
    gan, lsgan = results["rows"]
    assert gan["seeds_done"] == 1 and gan["images_per_second"] > 0 and not gan["failed"]
    assert 0 < gan["mean"]["fid"] and gan["mean"]["modes_covered"] <= 10 and "cond_acc" not in gan["mean"]
    assert lsgan["seeds_done"] == 0 and "--lr_g" in lsgan["failed"][0]
    assert (out / "gan_seed0" / "checkpoints").is_dir()
    table = (out / "results.md").read_text()
    assert "| gan | " in table and "failed: error:" in table and "| real train vs test |" in table
    saved = json.loads((out / "results.json").read_text())
    assert saved["rows"][0]["mean"]["fid"] == pytest.approx(gan["mean"]["fid"])

    # A rerun trains and evaluates nothing that is done (the failed run is tried again), and its
    # tables keep the runs evaluated before, even those it has not reached yet.
    lines.clear()
    bench = benchmark.Benchmark(images=320, **{**kwargs, "families": ["lsgan", "gan"]})
    bench.run(log=log)
    assert not [line for line in lines if line.startswith("gan_seed0:")]
    assert "| gan | " in tables["[2/2] gan_seed0"] and "| gan | not run |" not in tables["[2/2] gan_seed0"]
    # A larger budget continues the run from its checkpoint and evaluates it again.
    lines.clear()
    results = benchmark.Benchmark(images=640, **kwargs).run(log=lines.append)
    assert "gan_seed0: training steps 10..20 (640 images at batch 32); log" in " ".join(lines)
    assert benchmark.checkpoint_step(str(out / "gan_seed0")) == 20
    assert json.loads((out / "gan_seed0" / "eval.json").read_text())["step"] == 20
    # A smaller budget than a run has trained is refused rather than reported as that budget.
    with pytest.raises(UsageError, match="trained 20 steps, more than --images=320 gives"):
        benchmark.Benchmark(images=320, **kwargs).run(log=lines.append)
    # A run's result outlives its checkpoints (what git keeps under benchmarks/results/): a rerun in a
    # work tree that has only its eval.json and benchmark.json trains nothing and tables it as before.
    for path in (out / "gan_seed0").iterdir():
        if path.name != "eval.json":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    lines.clear()
    kept = benchmark.Benchmark(images=640, **{**kwargs, "families": ["gan"]}).run(log=lines.append)
    assert lines == ["[1/1] gan_seed0"] and not (out / "gan_seed0" / "checkpoints").exists()
    assert kept["rows"][0]["mean"] == results["rows"][0]["mean"]
    assert kept["rows"][0]["wall_seconds"] == results["rows"][0]["wall_seconds"]


def test_the_command_line_reports_bad_flags_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.benchmark", "--families=gan", "--seeds=a", f"--out={tmp_path}"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
    )
    assert result.returncode == 1 and result.stderr.strip() == "error: --seeds takes integers, e.g. --seeds=0,1,2; got a."


def test_the_table_sets_each_family_beside_lucic_et_al_and_scores_the_ordering(tmp_path):
    """Lucic et al. 2018's Fashion-MNIST FIDs are Inception-based and from their own architecture, so the
    table compares orderings: Kendall's tau over the families that have one, here worked out by hand."""
    families = ["cgan", "dcgan", "lsgan", "wgan", "wgan_gp", "dragan"]
    ours = {"cgan": 3.0, "wgan": 10.0, "wgan_gp": 12.0, "dragan": 13.0, "dcgan": 14.0, "lsgan": 20.0}
    metrics = {benchmark.run_name(family, 0): {"fid": fid} for family, fid in ours.items()}
    results = benchmark.Benchmark(families, "fashion_mnist", None, str(tmp_path)).results(metrics, {"fid": 0.7})
    # Theirs: WGAN 21.5 < WGAN-GP 24.5 < NS GAN (dcgan) 26.5 < DRAGAN 27.7 < LSGAN 30.7. Ours swaps only
    # dcgan and dragan: 9 of the 10 pairs agree, 1 disagrees, tau = (9 - 1) / 10.
    assert results["published"]["dcgan"] == {"name": "NS GAN", "fid": 26.5, "sd": 1.6}
    assert "cgan" not in results["published"]
    assert results["ordering"] == {"kendall_tau": pytest.approx(0.8), "families": 5}
    table = benchmark.markdown_table(results)
    dcgan_row = next(line for line in table.splitlines() if line.startswith("| dcgan |"))
    assert dcgan_row.endswith("| NS GAN 26.5 ± 1.6 |")
    assert "Kendall's tau 0.80 over 5 families" in table
    header, *rows = [line for line in table.splitlines() if line.startswith("|")]
    assert all(row.count("|") == header.count("|") for row in rows)
    # A diverged run (NaN FID) stays out of the ordering rather than making it NaN.
    metrics["wgan_seed0"] = {"fid": float("nan")}
    assert benchmark.Benchmark(families, "fashion_mnist", None, str(tmp_path)).results(
        metrics, {"fid": 0.7})["ordering"]["families"] == 4
    # No ordering from one family, and no column where the paper has no numbers for the dataset or
    # where --train_flags changes the loss the mapping assumes.
    one = benchmark.Benchmark(["dcgan", "cgan"], "fashion_mnist", None, str(tmp_path)).results(
        {"dcgan_seed0": {"fid": 5.0}}, {"fid": 2.0})
    assert one["published"] and one["ordering"] is None
    mnist = benchmark.Benchmark(["dcgan"], "mnist", None, str(tmp_path)).results(
        {"dcgan_seed0": {"fid": 5.0}}, {"fid": 2.0})
    assert not mnist["published"] and mnist["ordering"] is None
    assert "Lucic" not in benchmark.markdown_table(mnist)
    minimax = benchmark.Benchmark(["dcgan", "wgan"], "fashion_mnist", None, str(tmp_path),
                                  train_flags=["--loss=minimax"]).results(metrics, {"fid": 0.7})
    assert not minimax["published"] and minimax["ordering"] is None


def test_a_run_killed_before_it_recorded_its_time_is_timed_at_the_rate_of_what_was_recorded(tmp_path):
    """An attempt killed with the benchmark (a session's end) keeps its checkpoints but records no time,
    so the next attempt trains and times only the rest: the run's wall time is its budget at the rate
    measured, not the sum of the recorded attempts (which would leave the lost one out)."""
    bench = benchmark.Benchmark(["dcgan", "wgan"], "fashion_mnist", None, str(tmp_path), images=64000, batch_size=64)
    # dcgan: 1000 steps of a batch; it resumed at step 250 and timed 750 steps (48,000 images) in 300 s.
    bench.state["runs"]["dcgan_seed0"] = {"wall_seconds": 300.0, "images": 48000, "failed": None}
    # wgan: 5 critic batches a step, 200 steps; its one attempt timed them all in 100 s.
    bench.state["runs"]["wgan_seed0"] = {"wall_seconds": 100.0, "images": 64000, "failed": None}
    rows = {row["family"]: row for row in bench.results({}, {"fid": 0.7})["rows"]}
    assert rows["dcgan"]["images_per_second"] == pytest.approx(160.0)
    assert rows["dcgan"]["wall_seconds"] == pytest.approx(400.0)  # 64,000 images at 160 a second
    assert rows["wgan"]["images_per_second"] == pytest.approx(640.0)
    assert rows["wgan"]["wall_seconds"] == pytest.approx(100.0)
    # The same budget gives the 5-critic family a fifth of the generator steps, and the table says so.
    assert (rows["dcgan"]["generator_steps"], rows["wgan"]["generator_steps"]) == (1000, 200)
    table = benchmark.markdown_table(bench.results({"dcgan_seed0": {"fid": 9.0}, "wgan_seed0": {"fid": 8.0}}, {"fid": 0.7}))
    assert "| images/s | G steps |" in table
    assert "| 6.7 min | 160 | 1000 |" in table and "| 1.7 min | 640 | 200 |" in table


def test_a_family_at_another_side_than_the_data_is_set_beside_the_reference_at_its_side(tmp_path):
    """StyleGAN trains on the data resized to 32x32 and is measured against it (`Evaluator.at_side`),
    so the table gives the real-vs-real reference at that side beside the data's own."""
    bench = benchmark.Benchmark(["dcgan", "stylegan"], "fashion_mnist", None, str(tmp_path))
    fashion = types.SimpleNamespace(test_images=np.zeros((1, 28, 28, 1)))
    assert (bench.resized_side("dcgan", fashion), bench.resized_side("stylegan", fashion)) == (None, 32)
    results = bench.results({"dcgan_seed0": {"fid": 9.0, "kid": 0.1}, "stylegan_seed0": {"fid": 8.0, "kid": 0.1}},
                            {"fid": 0.7, "kid": 0.0}, {"stylegan": (32, {"fid": 0.93, "kid": 0.0012})})
    rows = {row["family"]: row for row in results["rows"]}
    assert (rows["dcgan"]["data_resized_to"], rows["stylegan"]["data_resized_to"]) == (None, 32)
    table = benchmark.markdown_table(json.loads(json.dumps(results)))  # as results.json keeps it
    assert "stylegan generates 32x32 images" in table and "there: FID 0.93, KID 0.0012." in table
    assert "dcgan generates" not in table


def test_the_committed_fashion_mnist_results_are_consistent_and_quoted_in_the_readme():
    """The benchmark's results kept in git (a run's eval.json and benchmark.json outlive its logdir) give
    the committed table, every run in the table has its evaluation, and README.md quotes it."""
    out = REPO_ROOT / "benchmarks" / "results" / "fashion_mnist"
    results = json.loads((out / "results.json").read_text())
    table = benchmark.markdown_table(results)
    assert (out / "results.md").read_text() == table + "\n"
    state = json.loads((out / "benchmark.json").read_text())
    budget = benchmark.Benchmark([row["family"] for row in results["rows"]], "fashion_mnist", None, str(out),
                                 images=results["images"], batch_size=results["batch_size"])
    for row in results["rows"]:
        for seed in results["seeds"][:row["seeds_done"]]:
            name = benchmark.run_name(row["family"], seed)
            assert json.loads((out / name / "eval.json").read_text())["step"] == budget.steps(row["family"])
            # A run resumed after a killed attempt times only what it trained after the checkpoint.
            assert 0 < state["runs"][name]["images"] <= budget.steps(row["family"]) * budget.images_per_step(row["family"])
            if row["seeds_done"] == 1:
                assert json.loads((out / name / "eval.json").read_text())["metrics"]["fid"] == row["mean"]["fid"]
    assert table in (REPO_ROOT / "README.md").read_text(), (
        "README.md's benchmark table is stale: paste benchmarks/results/fashion_mnist/results.md")
