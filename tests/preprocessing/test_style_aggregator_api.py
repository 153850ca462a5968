"""StyleAggregator as a scikit-learn estimator (parameters, errors, persistence,
pipelines), and the style measures and figures."""

import pickle

import matplotlib
import numpy as np
import pytest
import torch
from sklearn import config_context
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags

from saatkit.preprocessing import (
    STYLE_PRESETS,
    StyleAggregator,
    plot_style_grid,
    style_gap,
    style_statistics,
)

matplotlib.use("Agg")


def _state(aggregator):
    return {
        f"{name}.{key}": value.clone()
        for name in ("generator_a_", "generator_b_")
        for key, value in getattr(aggregator, name).state_dict().items()
    }


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
