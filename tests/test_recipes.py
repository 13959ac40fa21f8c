"""Every recipe (absl flags file) under zoo/ trains: a few steps of each on a slice of its real data."""

import pathlib
import subprocess
import sys

import pytest

from keras_gans import train

RECIPES = sorted((pathlib.Path(__file__).resolve().parents[1] / "zoo").glob("**/*.flags"))


def flag_value(recipe, name):
    for line in recipe.read_text().splitlines():
        if line.startswith(f"--{name}="):
            return line.split("=", 1)[1]
    return None


@pytest.mark.parametrize("recipe", RECIPES, ids=[str(r.relative_to(r.parents[1])) for r in RECIPES])
def test_recipe_trains_a_few_steps(recipe, shared_data, tmp_path):
    dataset = flag_value(recipe, "dataset")
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.train", f"--flagfile={recipe}", f"--data_dir={shared_data / dataset}",
         "--steps=2", "--max_examples=256", "--batch_size=32", "--width=8", f"--logdir={tmp_path / 'run'}"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Trained to step 2" in result.stdout
    assert (tmp_path / "run" / "generator.keras").is_file()


def test_family_options_are_refused_where_they_do_not_apply(fashion_dir, tmp_path):
    with pytest.raises(train.UsageError, match="--n_critic does not apply to dcgan; it applies to wgan, wgan_gp"):
        train.run(model="dcgan", data_dir=str(fashion_dir), n_critic=3, logdir=str(tmp_path / "a"), verbose=0)
    with pytest.raises(train.UsageError, match="--minibatch_stddev does not apply to gan"):
        train.run(model="gan", data_dir=str(fashion_dir), minibatch_stddev=True, logdir=str(tmp_path / "b"), verbose=0)
