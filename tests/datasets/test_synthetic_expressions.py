"""The synthetic macro-expression images for the teacher."""

import hashlib

import numpy as np
import pytest

from saatkit.datasets import make_synthetic_expressions
from saatkit.datasets.synthetic._catalogue import (
    DATABASES,
    MACRO_IDENTITY,
    MICRO_IDENTITY,
    POPULATION,
    SUBJECT_CLIPS,
)
from saatkit.datasets.synthetic._expressions import BU3DFE_COUNTS
from saatkit.datasets.synthetic._identity import random_identity


@pytest.fixture(scope="module")
def data():
    return make_synthetic_expressions(120, output_size=48, n_identities=6, random_state=0)


def test_images_labels_and_balance(data):
    assert data.X.shape == (120, 48, 48, 3) and data.X.dtype == np.uint8
    assert data.target_names == ["negative", "positive", "surprise"]
    expected = np.array(BU3DFE_COUNTS) / sum(BU3DFE_COUNTS) * 120
    np.testing.assert_allclose(np.bincount(data.y), expected, atol=1)
    assert list(data.frame["label"]) == list(data.y)
    assert set(data.frame["identity"]) <= {f"expr{k:03d}" for k in range(6)}
    assert "say nothing about real" in data.DESCR
    # Faces are cropped like a detector's box: brows, eyes, nose and mouth inside.
    assert data.landmarks.shape == (120, 68, 2)
    features = data.landmarks[:, 17:]
    assert (features > 0).all() and (features < 47).all()


def test_full_intensity_expressions(data):
    peak = data.frame["peak"]
    assert (peak <= 0.25).all() and (peak > 0.05).all()
    # Only expressions that would fold the skin over are weakened below 0.10.
    assert (peak >= 0.10).mean() > 0.8
    surprise = data.frame[data.y == 2]["action_units"]
    assert surprise.str.startswith("1+2").all()


def test_mixed_styles_and_a_single_style(data):
    assert set(data.frame["style"]) == {"smic", "casme2", "samm", "natural"}
    natural = make_synthetic_expressions(12, output_size=32, styles="natural", n_identities=2)
    assert set(natural.frame["style"]) == {"natural"}


def test_deterministic(data):
    again = make_synthetic_expressions(120, output_size=48, n_identities=6, random_state=0)
    digest = hashlib.sha256(data.X.tobytes()).hexdigest()
    assert hashlib.sha256(again.X.tobytes()).hexdigest() == digest
    other = make_synthetic_expressions(120, output_size=48, n_identities=6, random_state=1)
    assert hashlib.sha256(other.X.tobytes()).hexdigest() != digest


def test_identities_differ_from_the_micro_expression_subjects():
    micro = [
        random_identity([0, MICRO_IDENTITY, d, s], POPULATION[db])["landmarks"]
        for d, db in enumerate(DATABASES)
        for s in range(len(SUBJECT_CLIPS[db]))
    ]
    macro = [random_identity([0, MACRO_IDENTITY, k])["landmarks"] for k in range(100)]
    distances = np.array([[np.abs(a - b).max() for b in micro] for a in macro])
    assert distances.min() > 0.01


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"output_size": 8}, "output_size"),
        ({"styles": "vivid"}, "styles"),
        ({"styles": ("smic", "oil")}, "styles"),
        ({"n_identities": 0}, "n_identities"),
    ],
)
def test_bad_parameters_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_synthetic_expressions(**{"n_samples": 10, **kwargs})


def test_neutral_pairs_leave_the_images_as_they_were():
    kwargs = {"n_samples": 24, "output_size": 40, "n_identities": 3, "random_state": 2}
    plain = make_synthetic_expressions(**kwargs)
    pairs = make_synthetic_expressions(**kwargs, return_neutral=True)
    assert "neutral" not in plain
    for key in ("X", "y", "landmarks"):
        np.testing.assert_array_equal(pairs[key], plain[key])
    assert pairs.frame.equals(plain.frame)
    assert pairs.neutral.shape == pairs.X.shape and pairs.neutral.dtype == np.uint8


def test_neutral_face_differs_by_the_expression_only():
    data = make_synthetic_expressions(
        24, output_size=48, n_identities=3, styles="natural", random_state=2, return_neutral=True
    )
    diff = np.abs(data.X.astype(float) - data.neutral.astype(float)).mean(-1)
    # Same pose and crop: the top corners (background, hair) differ by sensor noise only,
    # while the expression moves the brows, eyes and mouth.
    corners = np.concatenate([diff[:, :6, :6], diff[:, :6, -6:]], axis=1).mean((1, 2))
    features = []
    for d, points in zip(diff, data.landmarks):
        x0, y0 = np.floor(points[17:].min(0)).astype(int)
        x1, y1 = np.ceil(points[17:].max(0)).astype(int)
        features.append(d[max(y0, 0) : y1, max(x0, 0) : x1].mean())
    assert corners.max() < 3
    assert np.median(np.array(features) / (corners + 0.5)) > 2


def test_return_neutral_must_be_a_bool():
    with pytest.raises(TypeError, match="return_neutral"):
        make_synthetic_expressions(3, output_size=32, return_neutral="yes")
