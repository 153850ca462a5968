"""The synthetic MEGC 2019 composite: structure, determinism, ground truth, styles."""

import hashlib
import pickle

import numpy as np
import pandas as pd
import pytest
from fake_databases import FRAME_COLUMNS

from saatkit.datasets import Clip, make_synthetic_megc2019, synthetic_landmarks
from saatkit.datasets.synthetic._scene import neutral_scene
from saatkit.datasets.synthetic._source import _clip_state

MEGC_COUNTS = {"smic": (70, 51, 43), "casme2": (88, 32, 25), "samm": (92, 26, 15)}
N_SUBJECTS = {"smic": 16, "casme2": 24, "samm": 28}


@pytest.fixture(scope="module")
def data():
    return make_synthetic_megc2019(max_frames=10, random_state=0)


def _digest(clips):
    h = hashlib.sha256()
    for clip in clips:
        h.update(clip.read().tobytes())
    return h.hexdigest()


def test_counts_subjects_and_format(data):
    assert len(data.X) == len(data.y) == len(data.groups) == len(data.frame) == 442
    assert all(isinstance(c, Clip) for c in data.X)
    assert data.target_names == ["negative", "positive", "surprise"]
    for database, counts in MEGC_COUNTS.items():
        mine = data.database == database
        assert tuple(np.bincount(data.y[mine], minlength=3)) == counts
        subjects = pd.Series(data.groups[mine]).value_counts()
        assert len(subjects) == N_SUBJECTS[database] and subjects.min() >= 1
        # As uneven as the real composite.
        assert subjects.max() >= 10 * subjects.min() and subjects.max() >= 20
    assert len(set(data.groups)) == 68
    assert {"casme2/sub01", "samm/006", "smic/s01"} <= set(data.groups)
    names = list(zip(data.groups, data.frame["name"]))
    assert len(set(names)) == 442
    assert data.X[0].name == "s01_ne_01" and data.X[0].subject == "smic/s01"
    assert "say nothing about real micro-expression" in data.DESCR


def test_frame_table_matches_clips(data):
    frame = data.frame
    columns = FRAME_COLUMNS | {"action_units", "peak", "fps", "style"}
    assert not columns - set(frame.columns)
    np.testing.assert_array_equal(frame["label"].to_numpy(), data.y)
    for clip, row in zip(data.X, frame.itertuples()):
        assert clip.onset < clip.apex < clip.offset < len(clip) == row.n_frames <= 10
        numbers = clip.frame_numbers
        assert (row.onset, row.apex, row.offset) == (
            numbers[clip.onset],
            numbers[clip.apex],
            numbers[clip.offset],
        )
        assert clip.database == row.database and clip.fps == row.fps
        assert 0.015 <= row.peak <= 0.045
    emotions = frame.groupby("database")["emotion"].unique()
    assert set(emotions["casme2"]) == {"disgust", "repression", "happiness", "surprise"}
    assert set(emotions["smic"]) == {"negative", "positive", "surprise"}
    positive = frame[frame["label"] == 1]["action_units"]
    assert positive.str.contains("12").all()
    surprise = frame[frame["label"] == 2]["action_units"]
    assert surprise.str.contains("1").all() and surprise.str.contains("2").all()


def test_natural_frame_rates_and_durations():
    data = make_synthetic_megc2019(databases=("smic", "casme2"), random_state=0)
    fps = data.frame.groupby("database")["fps"].unique()
    assert list(fps["smic"]) == [100.0] and list(fps["casme2"]) == [200.0]
    seconds = (data.frame["offset"] - data.frame["onset"]) / data.frame["fps"]
    assert seconds.between(0.19, 0.51).all()


def test_same_seed_same_bytes_other_seed_other_bytes():
    first = make_synthetic_megc2019(max_frames=8, random_state=3)
    picks = [0, 200, 400]  # one clip of each database
    digest = _digest([first.X[i] for i in picks])
    neutral_scene.cache_clear()
    _clip_state.cache_clear()
    again = make_synthetic_megc2019(max_frames=8, random_state=3)
    assert [c.key for c in again.X] == [c.key for c in first.X]
    assert _digest([again.X[i] for i in picks]) == digest
    other = make_synthetic_megc2019(max_frames=8, random_state=4)
    assert _digest([other.X[i] for i in picks]) != digest


def test_reading_some_frames_equals_reading_all(data):
    clip = data.X[300]
    frames = clip.read()
    np.testing.assert_array_equal(clip.read([clip.apex, 0]), frames[[clip.apex, 0]])
    restored = pickle.loads(pickle.dumps(clip))
    assert len(pickle.dumps(clip)) < 8000
    np.testing.assert_array_equal(restored.read([2]), frames[[2]])


def test_subset_of_databases_holds_the_same_clips(data):
    samm = make_synthetic_megc2019(max_frames=10, databases="samm", random_state=0)
    assert [c.key for c in samm.X] == [c.key for c, d in zip(data.X, data.database) if d == "samm"]


def test_first_subjects_hold_the_same_clips(data):
    few = make_synthetic_megc2019(max_frames=10, subjects_per_database=2, random_state=0)
    first = {s for db in MEGC_COUNTS for s in sorted(set(data.groups[data.database == db]))[:2]}
    assert set(few.groups) == first
    assert [c.key for c in few.X] == [c.key for c, g in zip(data.X, data.groups) if g in first]
    kept = data.frame[np.isin(data.groups, sorted(first))].reset_index(drop=True)
    pd.testing.assert_frame_equal(few.frame, kept)


def test_styles_differ_as_the_databases_do(data):
    first = {db: data.X[int(np.flatnonzero(data.database == db)[0])] for db in MEGC_COUNTS}
    frames = {db: clip.read([0])[0].astype(float) for db, clip in first.items()}
    smic, casme2, samm = frames["smic"], frames["casme2"], frames["samm"]
    assert smic.ndim == casme2.ndim == 3 and samm.ndim == 2  # SAMM-like is grey-scale
    r, g, b = smic.reshape(-1, 3).mean(0)
    assert g > r and g > b  # grey-green, near-infrared-like
    r, g, b = casme2.reshape(-1, 3).mean(0)
    assert r > b  # warm light
    assert smic.mean() < casme2.mean() and smic.mean() < samm.mean()  # darker
    assert samm.size > casme2[..., 0].size  # larger frames
    # Face resolution: inter-ocular distance of the true landmarks.
    iod = {
        db: np.ptp(synthetic_landmarks(clip, [0])[0, [36, 45], 0]) for db, clip in first.items()
    }
    assert iod["smic"] < iod["casme2"] < iod["samm"]
    # The face does not fill the scene.
    for db, clip in first.items():
        points = synthetic_landmarks(clip, [0])[0]
        _, width = frames[db].shape[:2]
        assert np.ptp(points[:, 0]) < 0.5 * width


def test_style_can_be_swapped_keeping_the_clips():
    own = make_synthetic_megc2019(max_frames=8, databases="smic", random_state=0)
    swapped = make_synthetic_megc2019(
        max_frames=8, databases="smic", styles={"smic": "samm"}, random_state=0
    )
    np.testing.assert_array_equal(own.y, swapped.y)
    assert [c.apex for c in own.X] == [c.apex for c in swapped.X]
    assert own.X[0].read([0]).ndim == 4 and swapped.X[0].read([0]).ndim == 3
    assert set(swapped.frame["style"]) == {"samm"}


def test_apex_is_the_frame_of_largest_expression_displacement(data):
    # Eyelid points are left out (blinks move them); the head's rigid motion is removed
    # by a similarity fit to the first frame.
    keep = np.setdiff1d(np.arange(68), [37, 38, 43, 44])
    rng = np.random.default_rng(0)
    for i in rng.choice(len(data.X), 24, replace=False):
        clip = data.X[i]
        points = synthetic_landmarks(clip)[:, keep]
        a = points[0] - points[0].mean(0)
        residual = []
        for frame_points in points:
            b = frame_points - frame_points.mean(0)
            u, s, vt = np.linalg.svd(a.T @ b)
            fitted = s.sum() / (a**2).sum() * a @ (u @ vt)
            residual.append(np.linalg.norm(b - fitted, axis=1).mean())
        assert int(np.argmax(residual)) == clip.apex
        assert residual[clip.onset] < 0.2 * residual[clip.apex]


def test_apex_is_spottable_from_the_images(data):
    # The simplest spotter: the frame that differs most from the first, in the face.
    rng = np.random.default_rng(1)
    found = 0
    for i in rng.choice(len(data.X), 30, replace=False):
        clip = data.X[i]
        frames = clip.read().astype(float)
        if frames.ndim == 4:
            frames = frames.mean(-1)
        (x0, y0), (x1, y1) = (
            synthetic_landmarks(clip, [0])[0].min(0),
            synthetic_landmarks(clip, [0])[0].max(0),
        )
        face = frames[:, int(y0) : int(y1), int(x0) : int(x1)]
        change = np.abs(face - face[0]).mean(axis=(1, 2))
        found += abs(int(np.argmax(change)) - clip.apex) <= 1
    assert found >= 21  # 70%; chance is about 25%


def test_landmarks_follow_crops(data):
    clip = data.X[10]
    box = (20, 10, 140, 130)
    crop = clip.crop(box, 60)
    full = synthetic_landmarks(clip, [1])
    cropped = synthetic_landmarks(crop, [1])
    np.testing.assert_allclose(cropped, (full - (20, 10) + 0.5) * 0.5 - 0.5)
    with pytest.raises(TypeError, match="make_synthetic_megc2019"):
        synthetic_landmarks(Clip.from_frames(np.zeros((2, 8, 8), np.uint8)))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"scale": -1}, "scale"),
        ({"scale": "huge"}, "scale"),
        ({"max_frames": 3}, "max_frames"),
        ({"databases": ["casme"]}, "databases"),
        ({"styles": {"smic": "vivid"}}, "styles"),
        ({"random_state": -2}, "random_state"),
        ({"intensity": 0}, "intensity"),
        ({"intensity": -1.0}, "intensity"),
        ({"intensity": "strong"}, "intensity"),
        ({"intensity": float("nan")}, "intensity"),
        ({"intensity": True}, "intensity"),
        ({"subjects_per_database": 0}, "subjects_per_database"),
        ({"subjects_per_database": True}, "subjects_per_database"),
    ],
)
def test_bad_parameters_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_synthetic_megc2019(**kwargs)


def test_intensity_one_is_the_default_benchmark(data):
    same = make_synthetic_megc2019(max_frames=10, intensity=1.0, random_state=0)
    assert sorted(same) == sorted(data) and same.DESCR == data.DESCR
    pd.testing.assert_frame_equal(same.frame, data.frame)
    assert [c.key for c in same.X] == [c.key for c in data.X]
    assert _digest(same.X[::60]) == _digest(data.X[::60])


def test_intensity_scales_the_expressions_only(data):
    strong = make_synthetic_megc2019(max_frames=10, intensity=5, random_state=0)
    assert "SANITY BENCHMARK" in strong.DESCR and "SANITY" not in data.DESCR
    changed = ["peak"]
    pd.testing.assert_frame_equal(
        strong.frame.drop(columns=changed), data.frame.drop(columns=changed)
    )
    np.testing.assert_allclose(strong.frame["peak"], 5 * data.frame["peak"], atol=1e-5)
    # The apex moves the face five times as far from the onset frame.
    for weak, clip in zip(data.X[::80], strong.X[::80]):
        weak_points, points = (synthetic_landmarks(c, [c.onset, c.apex]) for c in (weak, clip))
        moved = [np.abs(p[1] - p[0]).max() for p in (weak_points, points)]
        assert moved[1] > 3 * moved[0]
