"""Find the apex frame of each clip (Liong et al. 2015, as SA-AT's Algorithm 1 uses it)."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions

from ..clips import Clip, check_clips, map_clips
from ..utils import NonTabularOutputMixin, Substitution, cite
from ._apex_curves import _FALLBACKS, METHODS, OUTPUTS, _spot_clip
from ._clip_step import MAP_CLIPS_CONSTRAINTS, ClipStepMixin, map_clips_docs
from ._face_models import DETECTION_CONSTRAINTS
from ._lbp import LBP_METHODS


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


@Substitution(
    references=cite("liong2015", "zhou2019"),
    **map_clips_docs("the apex, distance curve and apex frame of each clip"),
)
class ApexSpotter(NonTabularOutputMixin, ClipStepMixin, TransformerMixin, BaseEstimator):
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
    %(memory)s
    %(n_jobs)s
    output : {"frame", "pair"}, default="frame"
        What :meth:`transform` returns for each clip: its apex frame (the paper's
        input), or its onset and apex frames, stacked on a new axis 1, for motion
        features such as :class:`OpticalFlow`. The onset is the annotated onset, or
        the first frame when the clip has none or the apex comes before it.

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

    The regions of interest are the landmark groups of :data:`REGIONS` (0-based iBUG
    68-point indices), each box grown by 0.15 times the inter-ocular distance. The
    step learns nothing (its tags say ``requires_fit=False``): ``fit`` only checks the
    parameters and the input, and :meth:`transform` and :meth:`spot` work unfitted.

    %(references)s

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

    _parameter_constraints: ClassVar[dict] = {
        "method": [StrOptions(set(METHODS))],
        "fallback": [StrOptions(set(_FALLBACKS))],
        "lbp_points": [Interval(Integral, 4, 16, closed="both")],
        "lbp_radius": [Interval(Real, 0, 8, closed="right")],
        "lbp_method": [StrOptions(set(LBP_METHODS))],
        **DETECTION_CONSTRAINTS,
        **MAP_CLIPS_CONSTRAINTS,
        "output": [StrOptions(set(OUTPUTS))],
    }

    def __init__(
        self,
        method="lbp",
        *,
        fallback="lbp",
        lbp_points=8,
        lbp_radius=1,
        lbp_method="nri_uniform",
        detector="dlib",
        detection_size=640,
        memory=None,
        n_jobs=None,
        output="frame",
    ):
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

    def _params(self):
        return dict(
            method=self.method,
            fallback=self.fallback,
            lbp_points=int(self.lbp_points),
            lbp_radius=float(self.lbp_radius),
            lbp_method=self.lbp_method,
            detector=self.detector,
            detection_size=self.detection_size,
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
        self._validate_params()
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
        self._validate_params()
        clips = check_clips(X)
        results = self._map_clips(_spot_clip, clips, **self._params())
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
        onsets = self._map_clips(_onset_frame, spotted)
        return np.stack([np.stack(onsets), apex_frames], axis=1)
