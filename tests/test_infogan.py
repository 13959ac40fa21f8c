"""InfoGAN (Chen et al. 2016): latent codes and the mutual-information term."""

from conftest import build_family, run_family_test


def test_infogan_shapes_train_step_and_saving(tmp_path):
    gan = run_family_test("infogan", tmp_path, image_shape=(28, 28, 1), num_classes=0, width=8)
    assert gan.num_classes == 0


def test_infogan_latent_ends_with_codes_and_the_information_loss_rewards_recovering_them():
    import numpy as np

    gan = build_family("infogan", num_classes=0, width=8)
    z = np.asarray(gan.sample_latent(64))
    categories = z[:, -12:-2]
    assert np.allclose(categories.sum(1), 1) and set(np.unique(categories)) == {0.0, 1.0}
    assert np.all(np.abs(z[:, -2:]) <= 1)
    perfect = np.concatenate([categories * 20.0, z[:, -2:]], axis=1)
    wrong = np.concatenate([np.roll(categories, 1, axis=1) * 20.0, -z[:, -2:]], axis=1)
    assert np.mean(gan.information_loss(z, perfect)) < 1e-3 < np.mean(gan.information_loss(z, wrong))
