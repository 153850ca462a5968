"""The distance curve d(i) of a clip's frames to its first, and the apex it gives.

The per-clip work of :class:`~saatkit.preprocessing.ApexSpotter`: the regions of
interest from the landmarks of the first frame, the LBP histograms of every frame in
them, Eq. (1) of Liong et al. (2015) against the first frame's, and the apex.
"""

import numpy as np

from ..clips import to_grey
from ._face_models import detect_faces, landmarks_68
from ._lbp import lbp_histogram

METHODS = ("lbp", "annotated", "middle", "frame_difference")
_FALLBACKS = ("lbp", "middle", "frame_difference")
OUTPUTS = ("frame", "pair")

# 0-based indices in the iBUG 68-point scheme (image left / image right as seen).
REGIONS = {
    "left_eye_brow": tuple(range(17, 22)) + tuple(range(36, 42)),
    "right_eye_brow": tuple(range(22, 27)) + tuple(range(42, 48)),
    "mouth": tuple(range(48, 68)),
}
# Each region's landmark bounding box grows by this fraction of the inter-ocular
# distance, so that the brows' and lips' surroundings, where the motion shows, count.
_REGION_PAD = 0.15
# When no face is detected on the first frame, the clip is taken to be a face crop
# such as FaceCropper(margin=0.1) gives: the face box is the frame inset by 1/12.
_CROP_INSET = 0.1 / 1.2
# Frames are read this many at a time, so that long clips of large frames stay in memory.
_BATCH = 16


def _grey(frames):
    return frames if frames.ndim == 3 else to_grey(frames)


def face_regions(frame, detector="dlib", detection_size=640):
    """Boxes of the three regions of interest of the face in ``frame``.

    The 68 landmarks are predicted by dlib's shape predictor inside the best face box
    ``detector`` finds; when it finds none, the frame is taken to be a face crop and the
    face box is the frame inset by 1/12 per side (the face box of
    ``FaceCropper(margin=0.1)``).

    Parameters
    ----------
    frame : ndarray of shape (H, W, 3) RGB or (H, W), uint8
    detector : {"yunet", "haar", "dlib"}, default="dlib"
    detection_size : int or None, default=640

    Returns
    -------
    regions : dict of str to (x0, y0, x1, y1)
        Integer boxes, clipped to the frame, keyed as :data:`REGIONS`.
    landmarks : ndarray of shape (68, 2)
    """
    h, w = frame.shape[:2]
    boxes, _ = detect_faces(frame, detector=detector, detection_size=detection_size)
    if len(boxes):
        face = boxes[0]
    else:
        face = (w * _CROP_INSET, h * _CROP_INSET, w * (1 - _CROP_INSET), h * (1 - _CROP_INSET))
    points = landmarks_68(frame, face)
    eye_distance = np.linalg.norm(points[42:48].mean(0) - points[36:42].mean(0))
    pad = max(2.0, _REGION_PAD * eye_distance)
    regions = {}
    for name, indices in REGIONS.items():
        (x0, y0), (x1, y1) = points[list(indices)].min(0) - pad, points[list(indices)].max(0) + pad
        box = (
            max(0, int(np.floor(x0))),
            max(0, int(np.floor(y0))),
            min(w, int(np.ceil(x1))),
            min(h, int(np.ceil(y1))),
        )
        if box[2] - box[0] < 4 or box[3] - box[1] < 4:
            raise ValueError(
                f"The {name} region {box} found from the landmarks lies outside the "
                f"{w}x{h} frame: the frame shows no usable face."
            )
        regions[name] = box
    return regions, points


def lbp_distance(h1, h):
    """Eq. (1): :math:`1 - h_1 \\cdot h / \\sqrt{|h_1|^2 |h|^2}` per row of ``h``.

    Identical histograms give exactly 0 (rounding cannot make a still face move).
    """
    h1 = np.asarray(h1, dtype=np.float64)
    h = np.atleast_2d(np.asarray(h, dtype=np.float64))
    norm = np.sqrt((h1 * h1).sum()) * np.sqrt((h * h).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        d = 1.0 - (h @ h1) / norm
    d = np.where(norm > 0, d, 0.0)
    d[(h == h1).all(axis=1)] = 0.0
    return np.clip(d, 0.0, 1.0)


def _batches(n):
    for start in range(0, n, _BATCH):
        yield np.arange(start, min(n, start + _BATCH))


def _histograms(greys, regions, points, radius, method):
    """LBP histograms of shape (n_frames, n_regions, n_bins)."""
    return np.stack(
        [
            np.stack(
                [lbp_histogram(grey, box, points, radius, method) for box in regions.values()]
            )
            for grey in greys
        ]
    )


def _curve_lbp(clip, *, lbp_points, lbp_radius, lbp_method, detector, detection_size):
    first = clip.read([0])[0]
    try:
        regions, _ = face_regions(first, detector=detector, detection_size=detection_size)
    except ValueError as exc:
        raise ValueError(f"Clip {clip.name!r}: {exc}") from None
    lbp = (regions, lbp_points, lbp_radius, lbp_method)
    reference = _histograms(_grey(first[None]), *lbp)[0]
    for positions in _batches(len(clip)):
        frames = clip.read(positions)
        hists = _histograms(_grey(frames), *lbp)
        d = np.mean([lbp_distance(reference[r], hists[:, r]) for r in range(len(regions))], axis=0)
        yield positions, frames, d


def _curve_frame_difference(clip):
    reference = None
    for positions in _batches(len(clip)):
        frames = clip.read(positions)
        greys = _grey(frames).astype(np.float32)
        if reference is None:
            reference = greys[0]
        yield positions, frames, np.abs(greys - reference).mean(axis=(1, 2)) / 255.0


def _spot_clip(
    clip, *, method, fallback, lbp_points, lbp_radius, lbp_method, detector, detection_size
):
    """Apex position, d(i) curve and apex frame of one clip (cached per clip)."""
    n = len(clip)
    if method == "annotated":
        if clip.apex is not None:
            return clip.apex, np.full(n, np.nan), clip.read([clip.apex])[0]
        method = fallback
    if method == "middle":
        return n // 2, np.full(n, np.nan), clip.read([n // 2])[0]
    if method == "lbp":
        curve = _curve_lbp(
            clip,
            lbp_points=lbp_points,
            lbp_radius=lbp_radius,
            lbp_method=lbp_method,
            detector=detector,
            detection_size=detection_size,
        )
    else:
        curve = _curve_frame_difference(clip)
    d = np.zeros(n)
    best, best_frame = -1.0, None
    for positions, frames, d_batch in curve:
        d[positions] = d_batch
        j = int(np.argmax(d_batch))
        # Strictly greater: the first frame reaching the largest distance is the apex.
        if d_batch[j] > best:
            best, best_frame = d_batch[j], frames[j].copy()
    return int(np.argmax(d)), d, best_frame
