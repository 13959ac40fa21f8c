"""Every recipe (absl flags file) under zoo/ trains: a few steps of each on a slice of its real data
(family recipes that a zoo entry's recipe already covers under ``slow``)."""

import pathlib
import re
import subprocess
import sys

import pytest

from keras_gans import train

RECIPES = sorted((pathlib.Path(__file__).resolve().parents[1] / "zoo").glob("**/*.flags"))


def data_folder(recipe):
    """The shared data folder a recipe's usage line names (``--data_dir=../shared/data/<folder>``)."""
    return re.search(r"--data_dir=\.\./shared/data/(\S+)", recipe.read_text()).group(1)


def model_of(recipe):
    return re.search(r"^--model=(\S+)", recipe.read_text(), re.M).group(1)


def recipe_cases():
    """Every zoo entry's recipe, and each family's recipe where no entry trains that family; the
    family recipes that an entry's recipe already trains run under ``slow``."""
    entry_models = {model_of(r) for r in RECIPES if r.name == "recipe.flags"}
    return [pytest.param(r, id=str(r.relative_to(r.parents[1])),
                         marks=[pytest.mark.slow] if r.name != "recipe.flags" and model_of(r) in entry_models else [])
            for r in RECIPES]


@pytest.mark.parametrize("recipe", recipe_cases())
def test_recipe_trains_a_few_steps(recipe, shared_data, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.train", f"--flagfile={recipe}", f"--data_dir={shared_data / data_folder(recipe)}",
         "--steps=2", "--max_examples=64", "--batch_size=4", "--width=8", f"--logdir={tmp_path / 'run'}"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Trained to step 2" in result.stdout
    assert (tmp_path / "run" / "generator.keras").is_file() and (tmp_path / "run" / "samples.png").is_file()


def test_family_options_are_refused_where_they_do_not_apply(fashion_dir, tmp_path):
    with pytest.raises(train.UsageError, match="--clip_value does not apply to dcgan; it applies to wgan\\.$"):
        train.run(model="dcgan", data_dir=str(fashion_dir), clip_value=0.1, logdir=str(tmp_path / "a"), verbose=0)
    with pytest.raises(train.UsageError, match="--extra_layers does not apply to gan"):
        train.run(model="gan", data_dir=str(fashion_dir), extra_layers=1, logdir=str(tmp_path / "b"), verbose=0)
