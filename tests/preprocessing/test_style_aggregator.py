"""StyleAggregator: the aggregation, the CycleGAN inside it, grey and colour input."""

import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity

from saatkit.nn._cyclegan import LOSS_NAMES, CycleGAN, PatchDiscriminator, ResnetGenerator
from saatkit.preprocessing import StyleAggregator, style_gap, style_statistics

# Only for API checks: trains for a handful of steps.
SMOKE_GAN = dict(image_size=32, n_filters=4, n_blocks=1, max_epochs=1, batch_size=4)


def _ssim(a, b):
    return structural_similarity(a, b, channel_axis=-1, data_range=255)


# --- the aggregation works ------------------------------------------------------


@pytest.mark.parametrize("method, max_ratio", [("moments", 0.75), ("cyclegan", 0.2)])
def test_style_gap_shrinks(faces, fitted, method, max_ratio):
    images, groups, _ = faces
    out = fitted[method].transform(images)
    assert out.shape == images.shape and out.dtype == np.uint8
    before, after = style_gap(images, groups), style_gap(out, groups)
    assert before > 0.3  # the two styles really differ
    assert after < max_ratio * before


def test_moments_align_colour_and_contrast(faces, fitted):
    images, groups, _ = faces
    out = fitted["moments"].transform(images)

    def colour_gap(x):
        stats = style_statistics(x)[:, :6]  # channel means and stds
        return np.linalg.norm(
            stats[groups == "colour"].mean(axis=0) - stats[groups == "nir"].mean(axis=0)
        )

    assert colour_gap(out) < 0.1 * colour_gap(images)


@pytest.mark.parametrize("method, ssim_floor", [("moments", 0.6), ("cyclegan", 0.3)])
def test_faces_stay_recognisable(faces, fitted, method, ssim_floor):
    images, _, identities = faces
    out = fitted[method].transform(images)
    similarity = np.array([[_ssim(y, x) for x in images] for y in out])
    assert np.diagonal(similarity).min() > ssim_floor
    # Each output is most similar to an input showing the same person.
    best = identities[similarity.argmax(axis=1)]
    assert np.mean(best == identities) >= 0.9


def test_cyclegan_averages_the_two_generators(faces, fitted):
    images = faces[0][:3]
    aggregator = fitted["cyclegan"]
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1
    x = torch.nn.functional.interpolate(x, size=32, mode="bilinear", antialias=True)
    with torch.no_grad():
        a, b = aggregator.generator_a_(x), aggregator.generator_b_(x)
    expected = torch.nn.functional.interpolate(
        (a + b) / 2, size=64, mode="bilinear", antialias=True
    )
    expected = ((expected + 1) * 127.5).round().clamp(0, 255).permute(0, 2, 3, 1)
    out = aggregator.transform(images).astype(float)
    assert np.abs(out - expected.numpy()).max() <= 1
    # ... and G_A, G_B really differ: the average is not either one alone.
    assert (a - b).abs().mean() > 0.05


def test_fit_finds_the_styles(faces, fitted):
    _, groups, _ = faces
    for aggregator in fitted.values():
        labels = aggregator.style_labels_
        # KMeans recovers the two renderings (cluster ids are arbitrary).
        assert {tuple(np.unique(labels[groups == g])) for g in ("colour", "nir")} == {
            (0,),
            (1,),
        }
        assert aggregator.style_statistics_.shape == (2, 19)


# --- CycleGAN internals ----------------------------------------------------------


def test_cyclegan_training_step():
    torch.manual_seed(0)
    model = CycleGAN(
        3,
        4,
        1,
        cycle_weight=10.0,
        identity_weight=5.0,
        pool_size=50,
        lr=2e-4,
        generator=torch.Generator().manual_seed(0),
        rng=np.random.RandomState(0),
    )
    real_a, real_b = torch.rand(2, 2, 3, 32, 32) * 2 - 1
    assert model.generator_a(real_a).shape == real_a.shape
    assert model.discriminator_a(real_b).shape == (2, 1, 2, 2)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    losses = model.training_step(real_a, real_b)
    assert set(losses) == set(LOSS_NAMES)
    assert all(np.isfinite(v) and v > 0 for v in losses.values())
    changed = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    for part in ("generator_a", "generator_b", "discriminator_a", "discriminator_b"):
        assert any(k.startswith(part) for k in changed)
    # Past fakes are pooled for the discriminators.
    assert len(model.pool_a.images) == len(model.pool_b.images) == 2


@pytest.mark.parametrize("network", [ResnetGenerator(3, 4, 1), PatchDiscriminator(3, 4)])
def test_instance_norm_keeps_no_running_statistics(network):
    norms = [m for m in network.modules() if isinstance(m, torch.nn.InstanceNorm2d)]
    assert norms and not any(m.track_running_stats for m in norms)
    assert not list(network.buffers())


def test_short_fit_on_64px_faces_reports_every_loss(faces, capsys):
    images, groups, _ = faces
    subset = np.r_[0:5, 12:15]  # 5 colour and 3 near-infrared faces
    aggregator = StyleAggregator(
        **dict(SMOKE_GAN, image_size=64, max_epochs=2), random_state=0, verbose=1
    ).fit(images[subset], domains=groups[subset])
    assert [h["epoch"] for h in aggregator.history_] == [1, 2]
    for record in aggregator.history_:
        assert all(np.isfinite(record[name]) for name in LOSS_NAMES)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2 and all(name in printed[0] for name in LOSS_NAMES)
    # The domains are the styles: A is the largest, B the smallest.
    assert list(aggregator.styles_) == ["colour", "nir"]
    assert (aggregator.style_a_, aggregator.style_b_) == ("colour", "nir")
    out = aggregator.transform(images[:3])
    assert out.shape == (3, 64, 64, 3) and out.dtype == np.uint8


def test_random_state_makes_fits_reproducible(faces):
    images = faces[0][::3]
    outs = [
        StyleAggregator(**SMOKE_GAN, n_styles=2, random_state=7).fit(images).transform(images)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(*outs)


# --- grey and colour inputs ------------------------------------------------------


@pytest.mark.parametrize("method", ["moments", "cyclegan"])
def test_rgb_model_accepts_grey_and_colour(faces, fitted, method):
    images = faces[0][:4]
    grey = images[..., 1]
    aggregator = fitted[method]
    out = aggregator.transform(grey)
    assert out.shape == grey.shape and out.dtype == np.uint8
    assert aggregator.transform(grey[..., None]).shape == grey[..., None].shape
    # A grey face is aggregated like the RGB face with three equal channels.
    rgb = aggregator.transform(np.repeat(grey[..., None], 3, axis=-1))
    expected = rgb @ np.array([0.299, 0.587, 0.114])
    assert np.abs(out - expected).max() <= 1


def test_color_keep_trains_a_one_channel_model(faces):
    grey = faces[0][..., 1]
    moments = StyleAggregator("moments", color="keep", n_styles=2).fit(grey)
    assert moments.n_channels_ == 1 and moments.target_mean_.shape == (1,)
    gan = StyleAggregator(**SMOKE_GAN, color="keep", n_styles=2, random_state=0).fit(grey[::3])
    assert gan.n_channels_ == 1
    assert gan.generator_a_.model[1].in_channels == 1
    assert gan.transform(grey[:2]).shape == (2, 64, 64)
    with pytest.raises(ValueError, match="color='keep'"):
        gan.transform(faces[0][:2])
    rgb = StyleAggregator("moments", n_styles=2).fit(grey)
    assert rgb.n_channels_ == 3
    assert rgb.transform(faces[0][:2]).shape == (2, 64, 64, 3)
