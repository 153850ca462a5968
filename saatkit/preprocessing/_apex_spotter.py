"""Find the apex frame of each clip (Liong et al. 2015, as SA-AT's Algorithm 1 uses it)."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..clips import Clip, check_clips, map_clips, to_grey
from ._face_models import DETECTORS, detect_faces, landmarks_68
from ._lbp import LBP_METHODS, lbp_histogram

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
        box = (max(0, int(np.floor(x0))), max(0, int(np.floor(y0))),
               min(w, int(np.ceil(x1))), min(h, int(np.ceil(y1))))
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
    return np.stack([
        np.stack([lbp_histogram(grey, box, points, radius, method) for box in regions.values()])
        for grey in greys
    ])


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


def _spot_clip(clip, *, method, fallback, lbp_points, lbp_radius, lbp_method, detector,
               detection_size):
    """Apex position, d(i) curve and apex frame of one clip (cached per clip)."""
    n = len(clip)
    if method == "annotated":
        if clip.apex is not None:
            return clip.apex, np.full(n, np.nan), clip.read([clip.apex])[0]
        method = fallback
    if method == "middle":
        return n // 2, np.full(n, np.nan), clip.read([n // 2])[0]
    if method == "lbp":
        curve = _curve_lbp(clip, lbp_points=lbp_points, lbp_radius=lbp_radius,
                           lbp_method=lbp_method, detector=detector,
                           detection_size=detection_size)
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


def onset_position(clip, apex):
    """The onset the motion is measured from: the annotated one, else the first frame.

    A spotted apex can come before the annotated onset (the spotter measures from the
    first frame); the first frame is then the onset, so that onset -> apex runs forward.
    """
    if clip.onset is not None and 0 <= clip.onset <= apex:
        return int(clip.onset)
    return 0


def _onset_frame(clip):
    return clip.read([onset_position(clip, clip.apex)])[0]


class ApexSpotter(TransformerMixin, BaseEstimator):
    """Reduce each clip to its apex frame.

    The default method is the automatic apex spotting of Liong et al. (2015) as
    Algorithm 1 of SA-AT gives it: landmarks locate three regions of interest (left eye
    and brow, right eye and brow, mouth); an LBP histogram is taken in each region of
    every frame; each frame's distance to the first frame, Eq. (1), is averaged over the
    regions; the apex is the first frame with the largest distance.

    Parameters
    ----------
    method : {"lbp", "annotated", "middle", "frame_difference"}, default="lbp"
        "lbp": the paper's method (above). "annotated": the clip's annotated apex,
        ``fallback`` where it has none. "middle": the middle frame, ``len(clip) // 2``
        (what peers do for SMIC, which has no apex annotation). "frame_difference": the
        frame whose grey levels differ most from the first frame's (mean absolute
        difference over the whole frame, which after :class:`FaceCropper` is the face).
    fallback : {"lbp", "middle", "frame_difference"}, default="lbp"
        Method for clips without an apex annotation when ``method="annotated"``.
    lbp_points : int, default=8
        Number of circular neighbours P of the LBP operator.
    lbp_radius : float, default=1
        Radius R of the LBP operator, in pixels.
    lbp_method : {"default", "ror", "uniform", "nri_uniform"}, default="nri_uniform"
        LBP code mapping, as :func:`skimage.feature.local_binary_pattern` names it. The
        default is the uniform-pattern mapping of face analysis (LBP u2, P(P - 1) + 3 =
        59 histogram bins for P = 8); on small mouth movements under sensor noise it
        found the apex more reliably than the 10-bin rotation-invariant "uniform".
    detector : {"dlib", "yunet", "haar"}, default="dlib"
        Face detector whose box on the first frame seeds dlib's 68-point shape
        predictor (the predictor was trained on dlib's HOG boxes). When it finds no
        face, the frame is taken to be a face crop (see Notes).
    detection_size : int or None, default=640
        Longer side frames are shrunk to for face detection.
    memory : str, Path, joblib.Memory or None, default=None
        Cache of the per-clip result (apex, curve and apex frame), keyed on the clip
        and the parameters.
    n_jobs : int, default=None
        Clips processed in parallel through joblib.
    output : {"frame", "pair"}, default="frame"
        What :meth:`transform` returns for each clip: its apex frame (the paper's
        input), or its onset and apex frames, stacked on a new axis 1, for motion
        features such as :class:`OpticalFlow`. The onset is the annotated onset, or
        the first frame when the clip has none or the apex comes before it.

    Attributes
    ----------
    regions_ : dict of str to tuple of int
        0-based iBUG 68-point landmark indices whose bounding box (grown by 0.15 times
        the inter-ocular distance) is each region of interest.

    Notes
    -----
    With :math:`h^{(r)}_{ij}` the count of LBP code :math:`j` in region :math:`r` of
    frame :math:`i`,

    .. math::

        d_r(i) = 1 - \\frac{\\sum_j h^{(r)}_{1j} h^{(r)}_{ij}}
                 {\\sqrt{\\sum_j (h^{(r)}_{1j})^2 \\sum_j (h^{(r)}_{ij})^2}}, \\qquad
        d(i) = \\frac{1}{3} \\sum_r d_r(i),

    and the apex is the first :math:`i` maximising :math:`d(i)`; a clip of identical
    frames has :math:`d \\equiv 0` and its apex is frame 0.

    Algorithm 1, as printed, detects landmarks and extracts the regions on every frame.
    saatkit fixes the regions from the first frame and so computes landmarks on the
    first frame only: a micro-expression moves the face by one or two pixels, below
    the landmarks' own jitter, so regions re-placed on every frame would add landmark
    noise to d(i) rather than follow the face.

    dlib's shape predictor needs a face rectangle. ``detector`` supplies it on the
    first frame; when it finds none (a face crop can be too tight for a detector), the
    rectangle is the frame inset by 1/12 of its size per side, which is where
    ``FaceCropper(margin=0.1)`` puts the face box.

    Frames are read 16 at a time, so memory does not grow with the clip's length.

    References
    ----------
    .. [1] S.-T. Liong, J. See, K. Wong, A. C. Le Ngo, Y.-H. Oh, R. C.-W. Phan,
       "Automatic apex frame spotting in micro-expression database", ACPR 2015.
    .. [2] L. Zhou, Q. Mao, L. Xue, "Cross-database micro-expression recognition: a
       style aggregated and attention transfer approach", ICMEW 2019, Algorithm 1.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.datasets import Clip
    >>> from saatkit.preprocessing import ApexSpotter
    >>> frames = np.zeros((5, 32, 32), dtype=np.uint8)
    >>> frames[3, 8:24, 8:24] = 200
    >>> clip = Clip.from_frames(frames, name="c1")
    >>> spotter = ApexSpotter(method="frame_difference").fit([clip])
    >>> spotter.spot(clip)[0], spotter.transform([clip]).shape
    (3, (1, 32, 32))
    """

    def __init__(self, method="lbp", *, fallback="lbp", lbp_points=8, lbp_radius=1,
                 lbp_method="nri_uniform", detector="dlib", detection_size=640, memory=None,
                 n_jobs=None, output="frame"):
        self.method = method
        self.fallback = fallback
        self.lbp_points = lbp_points
        self.lbp_radius = lbp_radius
        self.lbp_method = lbp_method
        self.detector = detector
        self.detection_size = detection_size
        self.memory = memory
        self.n_jobs = n_jobs
        self.output = output

    def _validate_params(self):
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}, got {self.output!r}.")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}.")
        if self.fallback not in _FALLBACKS:
            raise ValueError(f"fallback must be one of {_FALLBACKS}, got {self.fallback!r}.")
        points = self.lbp_points
        if (not isinstance(points, numbers.Integral) or isinstance(points, bool)
                or not 4 <= points <= 16):
            raise ValueError(f"lbp_points must be an int in [4, 16], got {points!r}.")
        radius = self.lbp_radius
        if not isinstance(radius, numbers.Real) or isinstance(radius, bool) or not 0 < radius <= 8:
            raise ValueError(f"lbp_radius must be a number in (0, 8], got {radius!r}.")
        if self.lbp_method not in LBP_METHODS:
            raise ValueError(f"lbp_method must be one of {LBP_METHODS}, got {self.lbp_method!r}.")
        if self.detector not in DETECTORS:
            raise ValueError(f"detector must be one of {DETECTORS}, got {self.detector!r}.")
        size = self.detection_size
        if size is not None and (
            not isinstance(size, numbers.Integral) or isinstance(size, bool) or size < 32
        ):
            raise ValueError(f"detection_size must be None or an int >= 32, got {size!r}.")

    def fit(self, X, y=None):
        """Check the parameters and that ``X`` is a list of clips.

        Parameters
        ----------
        X : list of Clip
        y : ignored

        Returns
        -------
        self : ApexSpotter
        """
        self._validate_params()
        check_clips(X)
        self.regions_ = dict(REGIONS)
        return self

    def _params(self):
        return dict(
            method=self.method, fallback=self.fallback, lbp_points=int(self.lbp_points),
            lbp_radius=float(self.lbp_radius), lbp_method=self.lbp_method,
            detector=self.detector, detection_size=self.detection_size,
        )

    def spot(self, clip):
        """Apex position and distance curve of one clip.

        Parameters
        ----------
        clip : Clip

        Returns
        -------
        apex : int
            0-based position of the apex in the clip's frames.
        d : ndarray of shape (len(clip),)
            The distance of each frame to the first, d(i); NaN where the method
            measures none ("middle", or "annotated" on an annotated clip).
        """
        check_is_fitted(self)
        if not isinstance(clip, Clip):
            raise TypeError(f"clip must be a Clip, got {type(clip).__name__}.")
        [(apex, d, _)] = map_clips(_spot_clip, [clip], memory=self.memory, **self._params())
        return apex, d

    def transform(self, X):
        """The apex frame (or the onset and apex frames) of each clip.

        Parameters
        ----------
        X : list of Clip
            Clips whose frames all have one size (crop them with :class:`FaceCropper`).

        Returns
        -------
        frames : ndarray of uint8
            ``output="frame"``: apex frames ``(n_clips, H, W, 3)`` or ``(n_clips, H, W)``.
            ``output="pair"``: onset and apex frames ``(n_clips, 2, H, W[, 3])``.
        """
        check_is_fitted(self)
        clips = check_clips(X)
        results = map_clips(_spot_clip, clips, memory=self.memory, n_jobs=self.n_jobs,
                            **self._params())
        first = results[0][2].shape
        for clip, (_, _, frame) in zip(clips, results):
            if frame.shape != first:
                raise ValueError(
                    f"Clip {clip.name!r} has frames of shape {frame.shape}, but clip "
                    f"{clips[0].name!r} has {first}: all clips must give frames of one size "
                    "and layout; crop them with FaceCropper first."
                )
        apex_frames = np.stack([frame for _, _, frame in results])
        if self.output == "frame":
            return apex_frames
        spotted = [clip.replace(apex=apex) for clip, (apex, _, _) in zip(clips, results)]
        onsets = map_clips(_onset_frame, spotted, memory=self.memory, n_jobs=self.n_jobs)
        return np.stack([np.stack(onsets), apex_frames], axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.transformer_tags.preserves_dtype = []
        return tags


def plot_apex_curve(d, apex=None, ax=None, title=None):
    """Plot a clip's distance curve d(i) and mark its apex.

    Parameters
    ----------
    d : array-like of shape (n_frames,)
        The curve :meth:`ApexSpotter.spot` returns.
    apex : int, default=None
        Position to mark; None marks nothing.
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure that needs no display (its
        ``savefig`` works under any backend).
    title : str, default=None

    Returns
    -------
    ax : matplotlib Axes
    """
    d = np.asarray(d, dtype=np.float64).ravel()
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 3), layout="constrained").subplots()
    positions = np.arange(len(d))
    ax.plot(positions, d, color="tab:blue", marker=".", label="d(i)")
    if apex is not None:
        ax.axvline(apex, color="tab:red", linestyle="--", label=f"apex = {int(apex)}")
    ax.set_xlabel("frame position")
    ax.set_ylabel("distance to first frame d(i)")
    ax.set_xlim(-0.5, max(len(d) - 0.5, 0.5))
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="best")
    return ax
