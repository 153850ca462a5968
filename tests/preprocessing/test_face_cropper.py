import pickle
import warnings

import cv2
import numpy as np
import pytest
from skimage import data
from sklearn.base import clone

from saatkit.datasets import Clip
from saatkit.preprocessing import (
    FaceCropper,
    FaceNotFoundWarning,
    FaceTrackingWarning,
    NoFaceError,
    _face_cropper,
    detect_faces,
)

# Eyes, nose and mouth of skimage's astronaut (x0, y0, x1, y1): every crop must hold them.
ASTRONAUT_FACE = (185, 80, 262, 165)


@pytest.fixture(scope="module")
def astronaut():
    return data.astronaut()


def _contains(outer, inner):
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and outer[2] >= inner[2]
        and outer[3] >= inner[3]
    )


def _clip(frames, name="c", **metadata):
    return Clip.from_frames(np.asarray(frames), name=name, subject="test/s1", **metadata)


@pytest.mark.parametrize("detector", ["yunet", "haar", "dlib"])
def test_crop_holds_the_astronaut_face(astronaut, detector):
    clip = _clip([astronaut] * 3, name="astronaut")
    cropper = FaceCropper(detector).fit([clip])
    [faces] = cropper.transform([clip])
    box = cropper.locate([clip]).boxes[0]
    assert _contains(box, ASTRONAUT_FACE)
    side = box[2] - box[0]
    assert side == box[3] - box[1]
    assert side < 2 * (ASTRONAUT_FACE[2] - ASTRONAUT_FACE[0])
    frames = faces.read()
    assert frames.shape == (3, 256, 256, 3) and frames.dtype == np.uint8
    assert faces.name == "astronaut" and faces.subject == "test/s1"


def test_same_box_cut_from_every_frame(astronaut):
    frames = np.stack([np.roll(astronaut, 3 * i, axis=0) for i in range(4)])
    frames[0] = astronaut
    clip = _clip(frames)
    cropper = FaceCropper(output_size=(120, 100), margin=0.2).fit([clip])
    [faces] = cropper.transform([clip])
    x0, y0, x1, y1 = cropper.locate([clip]).boxes[0]
    expected = [
        cv2.resize(f[y0:y1, x0:x1], (100, 120), interpolation=cv2.INTER_AREA) for f in frames
    ]
    np.testing.assert_array_equal(faces.read(), np.stack(expected))
    assert faces.read().shape[1:3] == (120, 100)


def test_margin_grows_the_square(astronaut):
    clip = _clip([astronaut])
    tight = FaceCropper(margin=0.0).fit([clip])
    wide = FaceCropper(margin=0.5).fit([clip])
    tight_box, wide_box = tight.locate([clip]).boxes[0], wide.locate([clip]).boxes[0]
    side = tight_box[2] - tight_box[0]
    assert wide_box[2] - wide_box[0] == pytest.approx(2 * side, abs=1)
    assert _contains(wide_box, tight_box)


def test_grey_frames(astronaut):
    grey = cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY)
    clip = _clip([grey] * 2)
    cropper = FaceCropper(output_size=64, color="keep").fit([clip])
    [faces] = cropper.transform([clip])
    assert faces.read().shape == (2, 64, 64)
    assert _contains(cropper.locate([clip]).boxes[0], ASTRONAUT_FACE)


def test_color_gives_grey_and_colour_clips_one_layout(astronaut):
    grey = _clip([cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY)] * 2)
    colour = _clip([astronaut] * 2)
    for color, shape in (("rgb", (2, 64, 64, 3)), ("grey", (2, 64, 64))):
        cropper = FaceCropper(output_size=64, color=color).fit([grey, colour])
        assert [c.read().shape for c in cropper.transform([grey, colour])] == [shape] * 2
    with pytest.raises(ValueError, match="color"):
        FaceCropper(color="cmyk").fit([grey])


@pytest.mark.parametrize("detector", ["yunet", "dlib"])
def test_upscaled_lfw_faces_pasted_at_known_places(detector):
    faces = data.lfw_subset()[:100:12]
    rng = np.random.default_rng(0)
    clips, pasted = [], []
    for i, face in enumerate(faces):
        face = cv2.resize((face * 255).astype(np.uint8), (100, 100), interpolation=cv2.INTER_CUBIC)
        frame = np.full((240, 320), 90, dtype=np.uint8)
        x, y = int(rng.integers(0, 220)), int(rng.integers(0, 140))
        frame[y : y + 100, x : x + 100] = face
        clips.append(_clip([frame], name=f"lfw{i}"))
        # lfw_subset images are tight crops: their centre is eyes, nose and mouth.
        pasted.append((x + 20, y + 20, x + 80, y + 80))
    cropper = FaceCropper(detector).fit(clips)
    for box, face in zip(cropper.locate(clips).boxes, pasted):
        assert _contains(box, face)
        assert box[2] - box[0] < 200


def test_large_frames_are_shrunk_for_detection_and_mapped_back(astronaut):
    frame = np.full((1088, 2040, 3), 60, dtype=np.uint8)
    frame[100:1088, 800:1824] = cv2.resize(astronaut, (1024, 1024))[:988]
    boxes, scores = detect_faces(frame, "yunet", detection_size=640)
    face = np.array(ASTRONAUT_FACE) * 2 + [800, 100, 800, 100]
    assert scores[0] > 0.5
    assert _contains(boxes[0] + [-8, -8, 8, 8], face)
    clip = _clip([frame])
    cropper = FaceCropper(output_size=32).fit([clip])
    assert _contains(cropper.locate([clip]).boxes[0], face)


@pytest.mark.parametrize("image", ["noise", "flat"])
def test_no_face_raises_naming_the_clip(image):
    rng = np.random.default_rng(1)
    frame = (
        rng.integers(0, 256, (240, 320, 3)) if image == "noise" else np.full((240, 320, 3), 128)
    ).astype(np.uint8)
    clip = _clip([frame] * 2, name="EP_empty")
    cropper = FaceCropper().fit([clip])
    with pytest.raises(NoFaceError, match="EP_empty") as info:
        cropper.transform([clip])
    assert isinstance(info.value, ValueError)


def test_no_face_center_fallback_is_recorded(astronaut):
    empty = _clip(np.full((2, 240, 320, 3), 128, dtype=np.uint8), name="empty")
    face = _clip([astronaut], name="face")
    cropper = FaceCropper(on_missing="center", output_size=48).fit([empty, face])
    with pytest.warns(FaceNotFoundWarning, match="empty"):
        out = cropper.transform([empty, face])
    with pytest.warns(FaceNotFoundWarning, match="empty"):
        found = cropper.locate([empty, face])
    assert found.fallbacks == ["empty"]
    assert np.isnan(found.scores[0]) and found.scores[1] > 0.5
    np.testing.assert_array_equal(found.boxes[0], [40, 0, 280, 240])
    assert _contains(found.boxes[1], ASTRONAUT_FACE)
    assert out[0].read().shape == (2, 48, 48, 3)
    assert not hasattr(cropper, "fallbacks_") and not hasattr(cropper, "boxes_")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cropper.transform([face])
        assert cropper.locate([face]).fallbacks == []


def test_reference_frame_choice(astronaut):
    flat = np.full_like(astronaut, 128)
    frames = [flat, flat, astronaut, flat]
    for reference, metadata in [(2, {}), (-2, {}), ("onset", {"onset": 2}), ("apex", {"apex": 2})]:
        clip = _clip(frames, **metadata)
        cropper = FaceCropper(reference=reference).fit([clip])
        assert _contains(cropper.locate([clip]).boxes[0], ASTRONAUT_FACE)
    for reference in ["first", "onset", "apex"]:
        clip = _clip(frames, name="noface0")
        with pytest.raises(NoFaceError, match="frame 0 of clip 'noface0'"):
            FaceCropper(reference=reference).fit([clip]).transform([clip])
    clip = _clip(frames, name="short")
    with pytest.raises(ValueError, match="reference=4 .*'short'"):
        FaceCropper(reference=4).fit([clip]).transform([clip])


def test_transform_reads_only_the_reference_frame(astronaut, monkeypatch):
    clip = _clip([astronaut] * 5, onset=3)
    asked = []
    read = clip.source.read

    def spy(indices=None):
        asked.append(list(indices))
        return read(indices)

    monkeypatch.setattr(clip.source, "read", spy)
    FaceCropper().fit([clip]).transform([clip])
    assert asked == [[3], [4]]  # the reference frame, and the last frame for tracking


def test_memory_caches_each_clip(astronaut, tmp_path, monkeypatch):
    clips = [_clip([astronaut], name="a"), _clip([astronaut[::-1].copy()], name="b")]
    cropper = FaceCropper(memory=str(tmp_path), on_missing="center").fit(clips)
    cropper.transform(clips)
    first = cropper.locate(clips)

    def no_detection(*args, **kwargs):
        raise AssertionError("detection ran although the result was cached")

    monkeypatch.setattr(_face_cropper, "detect_faces", no_detection)
    # Crop parameters are not detection: a cropper for 32 px grey faces reuses the boxes.
    other = FaceCropper(
        memory=str(tmp_path), on_missing="center", margin=0.3, output_size=32, color="grey"
    )
    assert other.fit(clips).transform(clips)[0].read().shape == (1, 32, 32)
    np.testing.assert_array_equal(other.locate(clips).scores, first.scores)
    cropper.set_params(margin=0.3, output_size=64)
    box = cropper.fit(clips).locate(clips).boxes[0]
    assert box[2] - box[0] > first.boxes[0, 2] - first.boxes[0, 0]
    with pytest.raises(AssertionError, match="cached"):
        cropper.set_params(detection_size=320).fit(clips).transform(clips)


def test_n_jobs_gives_the_same_boxes(astronaut):
    clips = [_clip([np.roll(astronaut, 20 * i, axis=1)], name=f"c{i}") for i in range(3)]
    one = FaceCropper(n_jobs=1).fit(clips)
    two = FaceCropper(n_jobs=2).fit(clips)
    np.testing.assert_array_equal(one.locate(clips).boxes, two.locate(clips).boxes)


# --- scikit-learn API checks that apply to a transformer of clips ---


def test_sklearn_api(astronaut):
    clip = _clip([astronaut])
    cropper = FaceCropper("dlib", margin=0.2, output_size=96)
    assert cropper.get_params()["margin"] == 0.2
    twin = clone(cropper)
    assert twin.get_params() == cropper.get_params() and twin is not cropper
    cropper.set_params(margin=0.25)
    assert cropper.margin == 0.25
    [unfitted] = cropper.transform([clip])  # a stateless step works unfitted
    assert cropper.fit([clip]) is cropper
    [out] = cropper.transform([clip])
    np.testing.assert_array_equal(unfitted.read(), out.read())
    again = pickle.loads(pickle.dumps(cropper))
    np.testing.assert_array_equal(again.transform([clip])[0].read(), out.read())
    refit = cropper.fit([clip]).fit([clip])
    np.testing.assert_array_equal(refit.transform([clip])[0].read(), out.read())
    [out2] = clone(cropper).fit_transform([clip])
    np.testing.assert_array_equal(out2.read(), out.read())
    tags = cropper.__sklearn_tags__()
    assert tags.input_tags.two_d_array is False and not tags.requires_fit


@pytest.mark.parametrize(
    "params, name",
    [
        ({"detector": "mtcnn"}, "detector"),
        ({"detection_size": 8}, "detection_size"),
        ({"reference": "peak"}, "reference"),
        ({"reference": 1.5}, "reference"),
        ({"margin": -0.1}, "margin"),
        ({"output_size": (0, 10)}, "output_size"),
        ({"output_size": "big"}, "output_size"),
        ({"on_missing": "skip"}, "on_missing"),
        ({"track": "yes"}, "track"),
    ],
)
def test_bad_parameters_are_named_at_fit(astronaut, params, name):
    clip = _clip([astronaut])
    cropper = FaceCropper(**params)
    with pytest.raises(ValueError, match=name):
        cropper.fit([clip])


def test_bad_input_is_rejected():
    with pytest.raises(TypeError, match="Clip"):
        FaceCropper().fit(np.zeros((2, 8, 8), dtype=np.uint8))
    with pytest.raises(ValueError, match="no clips"):
        FaceCropper().fit([])


def test_a_face_that_leaves_the_crop_is_reported(astronaut):
    moved = np.roll(astronaut, 200, axis=1)
    flat = np.full_like(astronaut, 128)
    clips = [
        _clip([astronaut, astronaut], name="still"),
        _clip([astronaut, moved], name="moved"),
        _clip([astronaut, flat, flat], name="gone"),
        _clip([astronaut, moved, astronaut], name="apex", apex=1),
    ]
    cropper = FaceCropper(output_size=48).fit(clips)
    with pytest.warns(
        FaceTrackingWarning,
        match=r"3 clip\(s\).*moved: the face on frame 1 is "
        r"\d+% outside the crop; gone: no face on "
        "frame 2; apex: the face on frame 1",
    ):
        cropper.transform(clips)
    with pytest.warns(FaceTrackingWarning):
        assert cropper.locate(clips).untracked == ["moved", "gone", "apex"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cropper.set_params(track=False).transform(clips)
        assert cropper.locate(clips).untracked == []
