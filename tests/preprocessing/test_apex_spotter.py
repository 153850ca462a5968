import pickle

import cv2
import matplotlib
import numpy as np
import pytest
from skimage import data
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from saatkit.datasets import Clip
from saatkit.preprocessing import (
    ApexSpotter,
    FaceCropper,
    _apex_curves,
    plot_apex_curve,
)
from saatkit.preprocessing._apex_curves import face_regions, lbp_distance
from saatkit.preprocessing._lbp import lbp_histogram, lbp_n_bins

matplotlib.use("Agg")

# The astronaut's face cut at this box and resized to 256: where FaceCropper puts it.
FACE_BOX = (156, 52, 290, 186)
# Landmarks of the astronaut (YuNet's five points) mapped into that 256x256 crop.
EYES = [(84, 94), (174, 95)]
MOUTH_CORNERS = [(80, 172), (159, 174)]


@pytest.fixture(scope="module")
def face():
    x0, y0, x1, y1 = FACE_BOX
    return cv2.resize(data.astronaut()[y0:y1, x0:x1], (256, 256), interpolation=cv2.INTER_AREA)


@pytest.fixture(scope="module")
def regions(face):
    return face_regions(face)[0]


def _inside(box, point):
    return box[0] <= point[0] < box[2] and box[1] <= point[1] < box[3]


def smile(image, box, amplitude):
    """Raise the mouth corners by up to ``amplitude`` pixels inside ``box``."""
    x0, y0, x1, y1 = box
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy, sx, sy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    bump = np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2))
    dy = (amplitude * bump * np.abs(xx - cx) / sx).astype(np.float32)
    return cv2.remap(image, xx, yy + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _clip(frames, name="c", **metadata):
    return Clip.from_frames(np.asarray(frames), name=name, subject="test/s1", **metadata)


def _smiling_clip(face, regions, k, n=9, name="smile", **metadata):
    frames = np.stack([face] * n)
    frames[k] = smile(face, regions["mouth"], 3.0)
    return _clip(frames, name=name, **metadata)


def test_regions_lie_on_the_eyes_and_mouth(regions):
    assert _inside(regions["left_eye_brow"], EYES[0])
    assert _inside(regions["right_eye_brow"], EYES[1])
    for corner in MOUTH_CORNERS:
        assert _inside(regions["mouth"], corner)
    assert not _inside(regions["mouth"], EYES[0])
    assert regions["left_eye_brow"][2] <= regions["right_eye_brow"][0] + 10


@pytest.mark.parametrize("k", [1, 5, 8])
def test_lbp_finds_the_frame_whose_mouth_moves(face, regions, k):
    clip = _smiling_clip(face, regions, k)
    spotter = ApexSpotter().fit([clip])
    apex, d = spotter.spot(clip)
    assert apex == k
    assert d.shape == (9,) and d[k] > 0
    np.testing.assert_array_equal(np.delete(d, k), 0.0)
    np.testing.assert_array_equal(spotter.transform([clip])[0], clip.read([k])[0])


def test_grey_clips(face, regions):
    grey = cv2.cvtColor(face, cv2.COLOR_RGB2GRAY)
    frames = np.stack([grey] * 6)
    frames[4] = smile(grey, regions["mouth"], 3.0)
    clip = _clip(frames)
    spotter = ApexSpotter().fit([clip])
    assert spotter.spot(clip)[0] == 4
    assert spotter.transform([clip]).shape == (1, 256, 256)


@pytest.mark.parametrize("method", ["lbp", "frame_difference"])
def test_identical_frames_give_zero_distance_and_frame_zero(face, method):
    clip = _clip(np.stack([face] * 7))
    spotter = ApexSpotter(method).fit([clip])
    apex, d = spotter.spot(clip)
    assert apex == 0
    np.testing.assert_array_equal(d, 0.0)
    np.testing.assert_array_equal(spotter.transform([clip])[0], face)


def test_lbp_looks_only_at_the_regions_frame_difference_at_the_face(face, regions):
    frames = np.stack([face] * 8)
    frames[3] = smile(face, regions["mouth"], 3.0)
    frames[6, 5:40, 60:200] //= 2  # forehead, outside every region, changes much more
    clip = _clip(frames)
    assert ApexSpotter("lbp").fit([clip]).spot(clip)[0] == 3
    apex, d = ApexSpotter("frame_difference").fit([clip]).spot(clip)
    assert apex == 6
    assert d[0] == 0 and np.all(d[[1, 2, 4, 5, 7]] == 0) and d[6] > d[3] > 0


def test_frame_difference_is_the_mean_absolute_grey_difference():
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, (5, 12, 16), dtype=np.uint8)
    clip = _clip(frames)
    apex, d = ApexSpotter("frame_difference").fit([clip]).spot(clip)
    expected = np.abs(frames.astype(float) - frames[0]).mean(axis=(1, 2)) / 255
    np.testing.assert_allclose(d, expected, rtol=1e-6)
    assert apex == int(np.argmax(expected))


def test_annotated_and_middle(face, regions):
    annotated = _smiling_clip(face, regions, 2, name="ann", apex=6)
    unannotated = _smiling_clip(face, regions, 2, name="none")
    spotter = ApexSpotter("annotated").fit([annotated])
    apex, d = spotter.spot(annotated)
    assert apex == 6 and np.isnan(d).all()
    assert spotter.spot(unannotated)[0] == 2
    assert spotter.set_params(fallback="middle").spot(unannotated)[0] == 4
    out = spotter.transform([annotated, unannotated])
    np.testing.assert_array_equal(out, np.stack([face, face]))
    ten = _clip(np.stack([face[:32, :32]] * 10))
    apex, d = ApexSpotter("middle").fit([ten]).spot(ten)
    assert apex == 5 and len(d) == 10 and np.isnan(d).all()


def test_distance_is_eq_1():
    rng = np.random.default_rng(0)
    h1, h = rng.integers(0, 50, 10), rng.integers(0, 50, (4, 10))
    h[2] = h1
    expected = 1 - h @ h1 / np.sqrt((h1**2).sum() * (h**2).sum(axis=1))
    d = lbp_distance(h1, h)
    np.testing.assert_allclose(d, expected, atol=1e-12)
    assert d[2] == 0.0
    np.testing.assert_array_equal(lbp_distance(h1, 3 * h1), 0.0)


def test_lbp_histogram_counts_the_box_pixels(face):
    grey = cv2.cvtColor(face, cv2.COLOR_RGB2GRAY)
    hist = lbp_histogram(grey, (0, 10, 30, 50), 8, 1, "uniform")
    assert hist.shape == (lbp_n_bins(8, "uniform"),) == (10,) and hist.sum() == 30 * 40
    assert lbp_histogram(grey, (0, 0, 8, 8), 8, 1, "nri_uniform").shape == (59,)


def test_clips_of_different_sizes_are_refused(face):
    small = _clip(np.stack([face[:64, :64]] * 3), name="small")
    large = _clip(np.stack([face[:80, :80]] * 3), name="large")
    spotter = ApexSpotter("middle").fit([small, large])
    with pytest.raises(ValueError, match="'large'.*FaceCropper"):
        spotter.transform([small, large])


def test_face_cropper_then_apex_spotter_on_a_full_frame():
    astronaut = data.astronaut()
    frames = np.stack([astronaut] * 6)
    x0, y0, x1, y1 = FACE_BOX
    mouth = (140, 130, 260, 185)  # box of the astronaut's mouth in the full frame
    frames[4] = smile(astronaut, mouth, 4.0)
    clip = _clip(frames)
    pipeline = make_pipeline(FaceCropper(), ApexSpotter())
    apex_frames = pipeline.fit_transform([clip])
    assert apex_frames.shape == (1, 256, 256, 3) and apex_frames.dtype == np.uint8
    cropped = pipeline[0].transform([clip])[0]
    assert pipeline[1].spot(cropped)[0] == 4


def test_memory_caches_each_clip(face, regions, tmp_path, monkeypatch):
    clips = [_smiling_clip(face, regions, 3, name="a"), _smiling_clip(face, regions, 5, name="b")]
    spotter = ApexSpotter(memory=str(tmp_path)).fit(clips)
    first = spotter.transform(clips)

    def no_landmarks(*args, **kwargs):
        raise AssertionError("landmarks computed although the result was cached")

    monkeypatch.setattr(_apex_curves, "landmarks_68", no_landmarks)
    np.testing.assert_array_equal(spotter.transform(clips), first)
    assert spotter.spot(clips[1])[0] == 5
    with pytest.raises(AssertionError, match="cached"):
        spotter.set_params(lbp_radius=2).transform(clips)


def test_n_jobs_gives_the_same_apexes(face, regions):
    clips = [_smiling_clip(face, regions, k, name=f"c{k}") for k in (2, 4, 7)]
    one = ApexSpotter(n_jobs=1).fit(clips).transform(clips)
    two = ApexSpotter(n_jobs=2).fit(clips).transform(clips)
    np.testing.assert_array_equal(one, two)
    expected = [clip.read([k])[0] for clip, k in zip(clips, (2, 4, 7))]
    np.testing.assert_array_equal(one, np.stack(expected))


def test_plot_apex_curve(tmp_path):
    d = np.array([0, 0.1, 0.4, 0.2])
    ax = plot_apex_curve(d, apex=2, title="EP02_01f")
    assert ax.get_title() == "EP02_01f"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), d)
    assert ax.lines[1].get_xdata()[0] == 2
    ax.figure.savefig(tmp_path / "curve.png")
    assert (tmp_path / "curve.png").stat().st_size > 0
    from matplotlib.figure import Figure

    given = Figure().subplots()
    assert plot_apex_curve(np.full(3, np.nan), ax=given) is given
    assert len(given.lines) == 1


# --- scikit-learn API checks that apply to a transformer of clips ---


def test_sklearn_api(face, regions):
    clip = _smiling_clip(face, regions, 3)
    spotter = ApexSpotter(lbp_points=8, lbp_radius=1.5)
    assert spotter.get_params()["lbp_radius"] == 1.5
    twin = clone(spotter)
    assert twin.get_params() == spotter.get_params() and twin is not spotter
    unfitted = spotter.transform([clip])  # a stateless step works unfitted
    assert spotter.spot(clip)[0] == clone(spotter).fit([clip]).spot(clip)[0]
    assert spotter.fit([clip]) is spotter
    assert not hasattr(spotter, "regions_")  # constant, in REGIONS, not a fitted state
    out = spotter.transform([clip])
    np.testing.assert_array_equal(unfitted, out)
    again = pickle.loads(pickle.dumps(spotter))
    np.testing.assert_array_equal(again.transform([clip]), out)
    np.testing.assert_array_equal(spotter.fit([clip]).fit([clip]).transform([clip]), out)
    np.testing.assert_array_equal(clone(spotter).fit_transform([clip]), out)
    tags = spotter.__sklearn_tags__()
    assert tags.input_tags.two_d_array is False and not tags.requires_fit


@pytest.mark.parametrize(
    "params, name",
    [
        ({"method": "optical_flow"}, "method"),
        ({"fallback": "annotated"}, "fallback"),
        ({"lbp_points": 2}, "lbp_points"),
        ({"lbp_radius": 0}, "lbp_radius"),
        ({"lbp_method": "var"}, "lbp_method"),
        ({"detector": "mtcnn"}, "detector"),
        ({"detection_size": 0}, "detection_size"),
    ],
)
def test_bad_parameters_are_named_at_fit(face, params, name):
    clip = _clip(np.stack([face] * 2))
    with pytest.raises(ValueError, match=name):
        ApexSpotter(**params).fit([clip])


def test_bad_input_is_rejected(face):
    with pytest.raises(TypeError, match="Clip"):
        ApexSpotter().fit(np.zeros((2, 8, 8), dtype=np.uint8))
    spotter = ApexSpotter().fit([_clip(np.stack([face] * 2))])
    with pytest.raises(TypeError, match="Clip"):
        spotter.spot(np.stack([face] * 2))


def test_pair_output_gives_onset_and_apex_frames():
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 255, (6, 32, 32), dtype=np.uint8)
    annotated = Clip.from_frames(frames, name="a", onset=1, apex=4)
    # A spotted apex (frame 0 differs most from... itself: 0) before the onset of 1:
    # the motion is then measured from the first frame.
    early = Clip.from_frames(frames, name="b", onset=3, apex=2)
    pairs = ApexSpotter(method="annotated", output="pair").fit_transform([annotated, early])
    assert pairs.shape == (2, 2, 32, 32)
    np.testing.assert_array_equal(pairs[0], frames[[1, 4]])
    np.testing.assert_array_equal(pairs[1], frames[[0, 2]])
    apex = ApexSpotter(method="annotated").fit_transform([annotated, early])
    np.testing.assert_array_equal(pairs[:, 1], apex)


def test_pair_output_caches_the_onset_frame(tmp_path):
    frames = np.random.default_rng(1).integers(0, 255, (5, 16, 16, 3), dtype=np.uint8)
    clip = Clip.from_frames(frames, name="c", onset=0, apex=3)
    spotter = ApexSpotter(method="annotated", output="pair", memory=str(tmp_path))
    first = spotter.fit_transform([clip])
    assert first.shape == (1, 2, 16, 16, 3)
    np.testing.assert_array_equal(spotter.transform([clip]), first)


def test_unknown_output_is_named():
    clip = Clip.from_frames(np.zeros((3, 16, 16), np.uint8), name="c", apex=1)
    with pytest.raises(ValueError, match="output"):
        ApexSpotter(output="clip").fit([clip])
