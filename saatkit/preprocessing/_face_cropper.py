"""Crop every frame of a clip to the face found on one reference frame."""

import warnings
from numbers import Integral, Real
from typing import ClassVar, NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions

from ..clips import check_clips
from ..utils import NonTabularOutputMixin, Substitution, check_int_tuple, cite
from ._clip_step import MAP_CLIPS_CONSTRAINTS, ClipStepMixin, map_clips_docs
from ._face_models import DETECTION_CONSTRAINTS, detect_faces

_REFERENCES = ("onset", "first", "apex")
_ON_MISSING = ("raise", "center")


class NoFaceError(ValueError):
    """No face was found where one was needed."""


class FaceNotFoundWarning(UserWarning):
    """A clip had no detectable face and was centre-cropped instead."""


class FaceTrackingWarning(UserWarning):
    """A clip's face was not found in its crop on the frame checked after the reference."""


def _describe(clip):
    if clip.subject is None:
        return f"clip {clip.name!r}"
    return f"clip {clip.name!r} (subject {clip.subject})"


def _reference_position(clip, reference):
    """0-based position of the reference frame; an annotation the clip lacks means frame 0."""
    if reference == "first":
        return 0
    if reference in ("onset", "apex"):
        position = getattr(clip, reference)
        return 0 if position is None else position
    return reference % len(clip)


def _check_position(clip, position):
    """The frame the face is looked for again: the annotated apex, else the last frame."""
    check = clip.apex if clip.apex is not None else len(clip) - 1
    return None if check == position else check


def _find_face(clip, *, reference, detector, detection_size, track):
    """Detect the best face on the clip's reference frame (cached per clip).

    Returns ``(box, score, position, frame_shape, checked)`` with ``box`` as ``(x0, y0,
    x1, y1)`` floats in frame pixels, or None when no face is found; with ``track``,
    ``checked`` is ``(position, box or None)`` of the face on a second frame
    (:func:`_check_position`), else None.
    """
    position = _reference_position(clip, reference)
    frame = clip.read([position])[0]
    boxes, scores = detect_faces(frame, detector=detector, detection_size=detection_size)
    if len(boxes) == 0:
        return None, None, position, frame.shape[:2], None
    checked, second = None, _check_position(clip, position) if track else None
    if second is not None:
        found, _ = detect_faces(
            clip.read([second])[0], detector=detector, detection_size=detection_size
        )
        checked = (second, tuple(float(v) for v in found[0]) if len(found) else None)
    return (
        tuple(float(v) for v in boxes[0]),
        float(scores[0]),
        position,
        frame.shape[:2],
        checked,
    )


def _tracking_problem(checked, crop):
    """Why the face is not in the crop on the checked frame, or None when it is."""
    if checked is None:
        return None
    position, box = checked
    if box is None:
        return f"no face on frame {position}"
    inside = max(0.0, min(box[2], crop[2]) - max(box[0], crop[0])) * max(
        0.0, min(box[3], crop[3]) - max(box[1], crop[1])
    )
    area = (box[2] - box[0]) * (box[3] - box[1])
    # Half the face outside the crop: the crop no longer holds the face.
    if area > 0 and inside / area < 0.5:
        return f"the face on frame {position} is {1 - inside / area:.0%} outside the crop"
    return None


def square_box(box, margin):
    """Integer square ``(x0, y0, x1, y1)`` around ``box``, grown by ``margin`` per side.

    The side is the box's longer side times ``1 + 2 * margin``, centred on the box.
    """
    x0, y0, x1, y1 = box
    side = max(x1 - x0, y1 - y0) * (1 + 2 * margin)
    side = max(1, int(round(side)))
    left = int(round((x0 + x1 - side) / 2))
    top = int(round((y0 + y1 - side) / 2))
    return left, top, left + side, top + side


def _center_box(frame_shape):
    h, w = frame_shape
    side = min(h, w)
    left, top = (w - side) // 2, (h - side) // 2
    return left, top, left + side, top + side


_POSITIVE = Interval(Integral, 1, None, closed="left")


def _output_size(output_size):
    """``(height, width)`` of an ``output_size`` given as one int or a pair."""
    return check_int_tuple(
        output_size, "output_size", "FaceCropper", interval=_POSITIVE, lengths=(2,), scalar=2
    )


class FaceBoxes(NamedTuple):
    """Where :meth:`FaceCropper.locate` found the face of each clip.

    Parameters
    ----------
    boxes : ndarray of shape (n_clips, 4)
        Crop boxes ``(x0, y0, x1, y1)`` in frame pixels, int64.
    scores : ndarray of shape (n_clips,)
        Detector score of each chosen face: YuNet's confidence in [0, 1], the Haar
        cascade's level weight, or dlib's HOG margin; NaN for centre-cropped clips.
    fallbacks : list of str
        Names of the clips centre-cropped because no face was found (only with
        ``on_missing="center"``).
    untracked : list of str
        Names of the clips whose face was not in the crop on the second frame
        checked (only with ``track=True``).
    """

    boxes: np.ndarray
    scores: np.ndarray
    fallbacks: list
    untracked: list


@Substitution(
    references=cite("wu2023", "zhou2019"), **map_clips_docs("the face detection of each clip")
)
class FaceCropper(NonTabularOutputMixin, ClipStepMixin, TransformerMixin, BaseEstimator):
    """Crop each clip to the face found on one of its frames.

    The face is detected once per clip, on a reference frame; the box is made square,
    grown by ``margin``, and the **same** box is cut from every frame, so that pixels
    stay aligned over time (what temporal interpolation, LBP-TOP and optical flow
    assume). ``transform`` reads only the reference frame of each clip: it returns
    lazy clips whose ``read()`` gives the cropped frames resized to ``output_size``.

    Parameters
    ----------
    detector : {"yunet", "haar", "dlib"}, default="yunet"
        Face detector: libfacedetection's YuNet CNN (the detector of the SA-AT paper,
        weights built into the ``yuface`` package), OpenCV's frontal-face Haar cascade,
        or dlib's HOG detector.
    detection_size : int or None, default=640
        Frames whose longer side exceeds this are shrunk to it for detection (YuNet
        finds faces of about 10 to 300 pixels; a 2040x1088 SAMM frame holds a face of
        about 500); the box is mapped back to full resolution. None detects at full size.
    reference : {"onset", "first", "apex"} or int, default="onset"
        Frame the face is detected on: the clip's annotated onset or apex (frame 0 when
        the clip has no such annotation), the first frame, or a 0-based position
        (negative counts from the end).
    margin : float, default=0.1
        Fraction of the face box's longer side added on each side of the square crop.
    output_size : int or (int, int), default=256
        Size of the cropped frames (the paper resizes faces to 256x256).
    color : {"rgb", "grey", "keep"}, default="rgb"
        Layout of the cropped frames. The MEGC 2019 composite mixes grey (SAMM) and
        colour clips, and one batch needs one layout: "rgb" repeats grey frames over
        three channels, "grey" converts colour ones, "keep" leaves each clip as read.
    on_missing : {"raise", "center"}, default="raise"
        What to do when no face is found on a clip's reference frame: raise
        :class:`NoFaceError`, or take the largest centred square of the frame, warn
        with :class:`FaceNotFoundWarning` (:meth:`locate` lists the clip in
        ``fallbacks``).
    track : bool, default=True
        Also detect the face on a second frame (the annotated apex, else the last
        frame): when none is found there, or less than half of it lies in the crop,
        warn with :class:`FaceTrackingWarning` naming the clip (:meth:`locate` lists it
        in ``untracked``). The crop box stays the reference frame's.
    %(memory)s
    %(n_jobs)s

    Notes
    -----
    With face box :math:`(x_0, y_0, x_1, y_1)` and :math:`s = \\max(x_1 - x_0,
    y_1 - y_0)`, the crop is the square of side :math:`s(1 + 2m)` centred on the box.
    Parts of it outside the frame repeat the border pixels. When several faces are
    found, the highest-scoring one is taken. Grey frames are fine: each detector gets
    the layout it needs (YuNet a contiguous 3-channel BGR copy).

    The step learns nothing (its tags say ``requires_fit=False``): ``fit`` only checks
    the parameters and the input, and :meth:`transform` works unfitted. The boxes,
    scores and fallbacks are not stored on the estimator; :meth:`locate` returns them.

    %(references)s

    Examples
    --------
    >>> import numpy as np
    >>> from skimage.data import astronaut
    >>> from saatkit.datasets import Clip
    >>> from saatkit.preprocessing import FaceCropper
    >>> clip = Clip.from_frames(np.stack([astronaut()] * 3), name="astronaut")
    >>> faces = FaceCropper(output_size=64).fit_transform([clip])
    >>> faces[0].read().shape
    (3, 64, 64, 3)
    >>> found = FaceCropper(output_size=64).locate([clip])
    >>> found.boxes.shape, found.fallbacks
    ((1, 4), [])
    """

    _parameter_constraints: ClassVar[dict] = {
        **DETECTION_CONSTRAINTS,
        "reference": [StrOptions(set(_REFERENCES)), Integral],
        "margin": [Interval(Real, 0, 2, closed="both")],
        "output_size": [_POSITIVE, tuple, list],
        "color": [StrOptions({"rgb", "grey", "keep"})],
        "on_missing": [StrOptions(set(_ON_MISSING))],
        "track": ["boolean"],
        **MAP_CLIPS_CONSTRAINTS,
    }

    def __init__(
        self,
        detector="yunet",
        *,
        detection_size=640,
        reference="onset",
        margin=0.1,
        output_size=256,
        color="rgb",
        on_missing="raise",
        track=True,
        memory=None,
        n_jobs=None,
    ):
        self.detector = detector
        self.detection_size = detection_size
        self.reference = reference
        self.margin = margin
        self.output_size = output_size
        self.color = color
        self.on_missing = on_missing
        self.track = track
        self.memory = memory
        self.n_jobs = n_jobs

    def _check_input(self, X):
        _output_size(self.output_size)
        check_clips(X)

    def locate(self, X):
        """Find the crop box of each clip, warning about clips without a usable face.

        Parameters
        ----------
        X : list of Clip
            Only the reference frame of each clip is read, and with ``track=True`` one
            more frame.

        Returns
        -------
        found : FaceBoxes
            The boxes :meth:`transform` cuts, the detector scores, and the names of
            the centre-cropped and untracked clips.
        """
        self._validate_params()
        clips = check_clips(X)
        reference = self.reference
        if not isinstance(reference, str):
            reference = int(reference)
            for clip in clips:
                if not -len(clip) <= reference < len(clip):
                    raise ValueError(
                        f"reference={reference} is not a frame position of "
                        f"{_describe(clip)}, which has {len(clip)} frames."
                    )
        found = self._map_clips(
            _find_face,
            clips,
            reference=reference,
            detector=self.detector,
            detection_size=self.detection_size,
            track=self.track,
        )
        boxes, scores, fallbacks = [], [], []
        for clip, (box, score, position, frame_shape, _) in zip(clips, found):
            if box is None:
                if self.on_missing == "raise":
                    raise NoFaceError(
                        f"No face found by detector {self.detector!r} on frame {position} of "
                        f"{_describe(clip)}. Try another detector or reference frame, or "
                        "on_missing='center' to fall back to a centre crop."
                    )
                fallbacks.append(clip.name)
                boxes.append(_center_box(frame_shape))
                scores.append(np.nan)
            else:
                boxes.append(square_box(box, self.margin))
                scores.append(score)
        if fallbacks:
            warnings.warn(
                f"No face found in {len(fallbacks)} clip(s), centre-cropped instead: "
                f"{fallbacks[:10]}{' ...' if len(fallbacks) > 10 else ''}.",
                FaceNotFoundWarning,
                stacklevel=2,
            )
        untracked = self._check_tracking(clips, found, boxes)
        return FaceBoxes(
            np.array(boxes, dtype=np.int64).reshape(-1, 4),
            np.array(scores, dtype=np.float64),
            fallbacks,
            untracked,
        )

    def transform(self, X):
        """Crop each clip to the face on its reference frame.

        Parameters
        ----------
        X : list of Clip

        Returns
        -------
        clips : list of Clip
            Lazily cropped clips with the same metadata; their frames are
            ``output_size`` and uint8, RGB or grey as the input.
        """
        boxes = self.locate(X).boxes
        size = _output_size(self.output_size)
        return [
            clip.crop(tuple(int(v) for v in box), size, self.color) for clip, box in zip(X, boxes)
        ]

    @staticmethod
    def _check_tracking(clips, found, boxes):
        problems = [
            (clip.name, _tracking_problem(result[4], box))
            for clip, result, box in zip(clips, found, boxes)
        ]
        problems = [(name, problem) for name, problem in problems if problem]
        if problems:
            listed = "; ".join(f"{name}: {problem}" for name, problem in problems[:10])
            warnings.warn(
                f"The face left its crop in {len(problems)} clip(s) (listed by "
                f"FaceCropper.locate): {listed}{' ...' if len(problems) > 10 else ''}.",
                FaceTrackingWarning,
                stacklevel=3,
            )
        return [name for name, _ in problems]
