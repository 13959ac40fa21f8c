"""InfoGAN (Chen et al. 2016): codes read off N(0, I) latents, the mutual-information term, and
sampling with chosen codes from the zoo API and TFLite."""

import sys

import numpy as np
import pytest

from conftest import REPO_ROOT, build_family
from keras_gans import sampling, zoo
from keras_gans.errors import UsageError


def test_standard_normal_latents_give_the_papers_code_distribution():
    gan = build_family("infogan", num_classes=0, width=8)
    z = np.random.default_rng(0).standard_normal((20000, gan.latent_dim)).astype("float32")
    _, category, continuous = (np.asarray(x) for x in gan.latent_codes.codes(z))
    counts = np.bincount(category, minlength=10)
    assert counts.min() > 1850 and counts.max() < 2150  # uniform over 10: 2000 each
    for column in continuous.T:  # uniform on (-1, 1): its CDF is (c + 1) / 2
        grid = np.linspace(-0.99, 0.99, 99)
        ecdf = np.searchsorted(np.sort(column), grid) / len(column)
        assert np.abs(ecdf - (grid + 1) / 2).max() < 0.015
    coded = np.asarray(gan.latent_codes(z[:64]))
    one_hot = coded[:, gan.latent_dim - 3 : gan.latent_dim - 3 + 10]
    np.testing.assert_array_equal(one_hot.argmax(1), category[:64])
    assert np.all(one_hot.sum(1) == 1)


def test_set_codes_writes_codes_the_network_reads_back():
    gan = build_family("infogan", num_classes=0, width=8)
    z = sampling.latents(30, gan.latent_dim, seed=0)
    chosen = gan.code_latents(z, category=np.arange(30) % 10, continuous=[0.9, -0.25])
    _, category, continuous = (np.asarray(x) for x in gan.latent_codes.codes(chosen))
    np.testing.assert_array_equal(category, np.arange(30) % 10)
    np.testing.assert_allclose(continuous, np.tile([0.9, -0.25], (30, 1)), atol=1e-5)
    np.testing.assert_array_equal(chosen[:, :-3], z[:, :-3])  # the noise is kept
    with pytest.raises(UsageError, match=r"category must be an integer in \[0, 10\)"):
        gan.code_latents(z, category=10)
    with pytest.raises(UsageError, match=r"continuous must hold 2 values in \(-1, 1\)"):
        gan.code_latents(z, continuous=[1.5, 0])


def test_the_information_loss_rewards_recovering_the_codes():
    gan = build_family("infogan", num_classes=0, width=8)
    z = np.asarray(gan.sample_latent(64))
    _, category, continuous = (np.asarray(x) for x in gan.latent_codes.codes(z))
    one_hot = np.eye(10, dtype="float32")[category]
    perfect = np.concatenate([one_hot * 20.0, continuous], axis=1)
    wrong = np.concatenate([np.roll(one_hot, 1, axis=1) * 20.0, -continuous], axis=1)
    assert np.mean(gan.information_loss(z, perfect)) < 1e-3 < np.mean(gan.information_loss(z, wrong))


def test_zoo_generator_and_tflite_sample_with_chosen_codes(tmp_path):
    from keras_gans import export
    from keras_gans.lite import LiteGenerator

    gan = build_family("infogan", num_classes=0, width=8)
    generator = zoo.Generator(gan.sampling_generator, {"name": "tiny_infogan"})
    assert generator.latent_codes == {"categorical": 10, "continuous": 2}
    codes = {"category": 4, "continuous": [0.5, -0.5]}
    images = generator.sample(6, seed=3, codes=codes)
    z = sampling.set_codes(sampling.latents(6, gan.latent_dim, seed=3), generator.latent_codes, codes)
    np.testing.assert_array_equal(images, generator.generate(z))
    assert not np.array_equal(images, generator.sample(6, seed=3, codes={"category": 5}))
    # Truncation leaves the code coordinates alone.
    truncated = generator.latents(200, seed=0, truncation=0.5)
    assert np.abs(truncated[:, :-3]).max() <= 0.5 < np.abs(truncated[:, -3:]).max()

    path = export.export_tflite(generator, str(tmp_path))
    lite = LiteGenerator(path)
    assert lite.latent_codes == generator.latent_codes
    assert np.abs(lite.sample(6, seed=3, codes=codes).astype(int) - images.astype(int)).max() <= 2

    plain = zoo.Generator(build_family("dcgan", num_classes=0, width=8).generator, {"name": "tiny_dcgan"})
    with pytest.raises(UsageError, match="tiny_dcgan has no latent codes to set"):
        plain.sample(2, codes={"category": 1})


def test_code_sweep_varies_one_code_per_row_or_column():
    gan = build_family("infogan", num_classes=0, width=8)
    generator = zoo.Generator(gan.sampling_generator, {"name": "tiny_infogan"})
    # Categories: every row holds the same latents with its own category.
    sweep = generator.code_sweep("category", per_row=3, seed=1)
    z = np.tile(generator.latents(3, seed=1), (10, 1))
    expected = generator.generate(sampling.set_codes(z, generator.latent_codes, {"category": np.repeat(np.arange(10), 3)}))
    assert sweep.shape == (30, 28, 28, 1)
    np.testing.assert_array_equal(sweep, expected)
    # A continuous code: row k is seed 1 + k in category k, code 1 from -0.95 to 0.95, code 0 at 0.
    sweep = generator.code_sweep(1, per_row=4, seed=1)
    row = sampling.set_codes(np.repeat(generator.latents(1, seed=3), 4, axis=0), generator.latent_codes,
                             {"category": 2, "continuous": np.stack([np.zeros(4), np.linspace(-0.95, 0.95, 4)], 1)})
    np.testing.assert_array_equal(sweep[8:12], generator.generate(row))
    _, category, continuous = (np.asarray(x) for x in gan.latent_codes.codes(row))
    np.testing.assert_allclose(continuous[:, 1], np.linspace(-0.95, 0.95, 4), atol=1e-5)
    for code, match in [(2, r"index in \[0, 2\)"), ("colour", "category"), (True, "category")]:
        with pytest.raises(UsageError, match=match):
            generator.code_sweep(code)
    plain = zoo.Generator(build_family("dcgan", num_classes=0, width=8).generator, {"name": "tiny_dcgan"})
    with pytest.raises(UsageError, match="tiny_dcgan has no latent codes to sweep"):
        plain.code_sweep()


def test_code_measures_read_slant_and_width_off_the_ink():
    """benchmarks/infogan_codes.py, whose numbers the infogan card quotes: a bar sheared by s pixels
    per pixel upward has slant s; its width is the ink's horizontal standard deviation."""
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    import infogan_codes

    images = np.zeros((3, 28, 28, 1), np.uint8)
    rows = np.arange(4, 24)
    for image, shear in zip(images, (0.0, 0.25, -0.25)):
        columns = np.round(14 + shear * (14 - rows)).astype(int)  # upward (smaller row) moves right when s > 0
        image[rows, columns, 0] = image[rows, columns + 1, 0] = 255
    slant, width = infogan_codes.slant_and_width(images)
    np.testing.assert_allclose(slant, [0.0, 0.25, -0.25], atol=0.02)
    assert width[0] == pytest.approx(0.5) and width[1] > 1.0
