import pickle

import matplotlib
import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity
from sklearn import config_context
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags

from saatkit.nn._cyclegan import (
    LOSS_NAMES,
    CycleGAN,
    PatchDiscriminator,
    ResnetGenerator,
)
from saatkit.preprocessing import (
    STYLE_PRESETS,
    StyleAggregator,
    plot_style_grid,
    style_gap,
    style_statistics,
)
from saatkit.preprocessing._style_samples import make_styled_faces

matplotlib.use("Agg")

# Small enough to train in seconds on one core, large enough to learn the
# aggregation (with a higher learning rate than the paper's 2e-4).
TINY_GAN = dict(
    image_size=32,
    n_filters=8,
    n_blocks=1,
    max_epochs=15,
    batch_size=4,
    lr=2e-3,
    n_styles=2,
    random_state=0,
)
# Only for API checks: trains for a handful of steps.
SMOKE_GAN = dict(image_size=32, n_filters=4, n_blocks=1, max_epochs=1, batch_size=4)


@pytest.fixture(scope="module")
def faces():
    """The same 12 real faces in colour and as dark, blurred, green near-infrared."""
    return make_styled_faces(12, output_size=64, styles=("colour", "nir"), random_state=0)


@pytest.fixture(scope="module")
def fitted(faces):
    images = faces[0]
    return {
        "moments": StyleAggregator("moments", n_styles=2, random_state=0).fit(images),
        "cyclegan": StyleAggregator(**TINY_GAN).fit(images),
    }


def _state(aggregator):
    return {
        f"{name}.{key}": value.clone()
        for name in ("generator_a_", "generator_b_")
        for key, value in getattr(aggregator, name).state_dict().items()
    }


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


# --- scikit-learn API ------------------------------------------------------------


def test_clone_and_params():
    aggregator = StyleAggregator(n_styles=4, random_state=3)
    params = aggregator.get_params()
    assert params["n_styles"] == 4 and params["method"] == "cyclegan"
    twin = clone(aggregator)
    assert twin is not aggregator and twin.get_params() == params
    assert aggregator.set_params(max_epochs=1).max_epochs == 1
    assert StyleAggregator(**STYLE_PRESETS["paper"]).n_blocks == 9
    tags = get_tags(aggregator)
    assert not tags.input_tags.two_d_array and tags.requires_fit


def test_clone_of_a_fitted_aggregator_is_unfitted(fitted):
    twin = clone(fitted["cyclegan"])
    assert not hasattr(twin, "generator_a_")
    with pytest.raises(NotFittedError):
        twin.transform(np.zeros((1, 32, 32, 3), np.uint8))


@pytest.mark.parametrize("method", ["moments", "cyclegan"])
def test_not_fitted(method):
    with pytest.raises(NotFittedError):
        StyleAggregator(method).transform(np.zeros((1, 32, 32, 3), np.uint8))
    with pytest.raises(NotFittedError):
        StyleAggregator(method).save("unused.pt")


@pytest.mark.parametrize(
    "params, X, error, match",
    [
        ({}, np.zeros((2, 32, 32, 3)), TypeError, "uint8"),
        ({}, np.zeros((2, 32, 32, 2), np.uint8), ValueError, "shape"),
        ({}, np.zeros((32, 32), np.uint8)[None, None], ValueError, "shape"),
        ({"method": "gan"}, None, ValueError, "method"),
        ({"color": "grey"}, None, ValueError, "color"),
        ({"n_styles": 1}, None, ValueError, "n_styles"),
        ({"image_size": 50}, None, ValueError, "multiple of 4"),
        ({"image_size": 16}, None, ValueError, "image_size"),
        ({"max_epochs": 0}, None, ValueError, "max_epochs"),
        ({"identity_weight": -1.0}, None, ValueError, "identity_weight"),
        ({"device": "gpu0"}, None, ValueError, "device"),
        ({"method": "moments", "n_styles": 5}, None, ValueError, "n_styles=5"),
    ],
)
def test_bad_input(params, X, error, match):
    X = np.zeros((4, 32, 32, 3), np.uint8) if X is None else X
    with pytest.raises(error, match=match):
        StyleAggregator(**params).fit(X)


def test_bad_domains():
    X = np.zeros((4, 32, 32, 3), np.uint8)
    with pytest.raises(ValueError, match="domains"):
        StyleAggregator("moments").fit(X, domains=["a", "b"])
    with pytest.raises(ValueError, match="two styles"):
        StyleAggregator().fit(X, domains=["a"] * 4)


@pytest.mark.parametrize("method", ["moments", "cyclegan"])
def test_pickle_round_trip(faces, fitted, method):
    images = faces[0][:4]
    aggregator = fitted[method]
    restored = pickle.loads(pickle.dumps(aggregator))
    np.testing.assert_array_equal(restored.transform(images), aggregator.transform(images))


@pytest.mark.parametrize("method", ["moments", "cyclegan"])
def test_save_and_load(faces, fitted, method, tmp_path):
    images = faces[0][:4]
    aggregator = fitted[method]
    path = tmp_path / "style.pt"
    aggregator.save(path)
    # The file is plain tensors and containers: the safe loader reads it.
    assert torch.load(path, weights_only=True)["params"]["method"] == method
    loaded = StyleAggregator.load(path)
    assert loaded.get_params() == aggregator.get_params()
    np.testing.assert_array_equal(loaded.transform(images), aggregator.transform(images))
    np.testing.assert_array_equal(loaded.style_labels_, aggregator.style_labels_)


def test_load_rejects_other_files(tmp_path):
    path = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(2)}, path)
    with pytest.raises(ValueError, match="StyleAggregator.save"):
        StyleAggregator.load(path)


def test_frozen_aggregator_is_not_retrained(faces, fitted):
    images, groups, _ = faces
    aggregator = fitted["cyclegan"]
    weights = _state(aggregator)
    expected = aggregator.transform(images)
    other = images[::-1].copy() // 2
    frozen = FrozenEstimator(aggregator)
    frozen.fit(other, None, domains=groups)
    pipeline = Pipeline([("style", frozen)]).fit(other)
    after = _state(aggregator)
    assert all(torch.equal(weights[k], after[k]) for k in weights)
    np.testing.assert_array_equal(pipeline.transform(images), expected)


def test_domains_through_a_pipeline(faces):
    images, groups, _ = faces
    pipeline = Pipeline([("style", StyleAggregator("moments", n_styles=5))])
    pipeline.fit(images, style__domains=groups)
    np.testing.assert_array_equal(pipeline["style"].style_labels_, groups)
    with config_context(enable_metadata_routing=True):
        step = StyleAggregator("moments", n_styles=5).set_fit_request(domains=True)
        routed = Pipeline([("style", step)]).fit(images, domains=groups)
    assert list(routed["style"].styles_) == ["colour", "nir"]


# --- measures and figures --------------------------------------------------------


def test_style_statistics_and_gap(faces):
    images, groups, _ = faces
    stats = style_statistics(images)
    assert stats.shape == (len(images), 19)
    assert np.all((stats >= 0) & (stats <= 1))
    np.testing.assert_allclose(stats[:, 9:].sum(axis=1), 1)  # LBP histograms
    grey = images[..., 0]
    np.testing.assert_allclose(
        style_statistics(grey), style_statistics(np.repeat(grey[..., None], 3, -1))
    )
    # Identical groups have no gap; the gap ignores group names and order.
    doubled = np.concatenate([images, images])
    assert style_gap(doubled, np.repeat(["x", "y"], len(images))) == 0
    reversed_names = np.where(groups == "colour", "b", "a")
    assert style_gap(images, groups) == pytest.approx(style_gap(images, reversed_names))
    three = np.concatenate([images, images[groups == "nir"]])
    labels = np.r_[groups, ["copy"] * (groups == "nir").sum()]
    assert style_gap(three, labels) == pytest.approx(2 / 3 * style_gap(images, groups))
    with pytest.raises(ValueError, match="two distinct"):
        style_gap(images, ["x"] * len(images))
    with pytest.raises(ValueError, match="groups"):
        style_gap(images, groups[:3])


def test_plot_style_grid(faces, fitted):
    images, groups, _ = faces
    out = fitted["moments"].transform(images)
    figure = plot_style_grid(images, out, groups, n_per_group=3)
    assert len(figure.axes) == 2 * 6
    labels = [ax.get_ylabel() for ax in figure.axes if ax.get_ylabel()]
    assert labels == ["colour", "nir"]
    shown = figure.axes[3].images[0].get_array()
    np.testing.assert_array_equal(shown, out[0])
    again = plot_style_grid(images[..., 0], out[..., 0], groups, figure=figure)
    assert again is figure and len(figure.axes) == 2 * 8
    with pytest.raises(ValueError, match="same"):
        plot_style_grid(images, out[:2], groups)


def test_stacks_of_frames_are_styled_frame_by_frame():
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, 255, (6, 2, 24, 24, 3), dtype=np.uint8)
    pairs[3:] //= 3  # a second, darker style
    domains = ["a"] * 3 + ["b"] * 3
    stacked = StyleAggregator("moments").fit(pairs, domains=domains)
    flat = StyleAggregator("moments").fit(
        pairs.reshape(12, 24, 24, 3), domains=np.repeat(domains, 2)
    )
    np.testing.assert_allclose(stacked.target_mean_, flat.target_mean_)
    out = stacked.transform(pairs)
    assert out.shape == pairs.shape
    np.testing.assert_array_equal(
        out.reshape(12, 24, 24, 3), flat.transform(pairs.reshape(12, 24, 24, 3))
    )


def test_statistics_of_faces_seen_before_are_kept_and_the_same(monkeypatch):
    from saatkit.preprocessing import _style_images

    rng = np.random.default_rng(7)
    faces = rng.integers(0, 256, (12, 48, 48, 3), dtype=np.uint8)
    expected = _style_images._thumbnail_statistics(faces)
    monkeypatch.setattr(_style_images, "_SEEN_STATISTICS", {})
    computed = []
    real = _style_images._thumbnail_statistics
    monkeypatch.setattr(
        _style_images, "_thumbnail_statistics", lambda X: computed.append(len(X)) or real(X)
    )
    np.testing.assert_array_equal(_style_images.thumbnail_statistics(faces[:8]), expected[:8])
    # A later fold: four faces seen before, in another order, and four new ones.
    order = [9, 2, 11, 0, 8, 5, 10, 3]
    np.testing.assert_array_equal(
        _style_images.thumbnail_statistics(faces[order]), expected[order]
    )
    assert computed == [8, 4]
