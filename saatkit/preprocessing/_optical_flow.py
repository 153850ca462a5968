"""Onset-to-apex optical flow images: u, v and optical strain (STSTNet, OFF-ApexNet)."""

from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ..clips import check_clips
from ..utils import NonTabularOutputMixin, Substitution, cite
from ._clip_step import MAP_CLIPS_CONSTRAINTS, ClipStepMixin, map_clips_docs
from ._flow_fields import (
    METHODS,
    check_components,
    check_method_params,
    dense_flow,
    grey_levels,
    minmax_scale,
    optical_strain,
    resize_flow,
)

# DIS refuses frames under 12 pixels; one floor for every method keeps them interchangeable.
_MIN_SIDE = 16

_CONSTRAINTS = {
    "method": [StrOptions(set(METHODS))],
    "output_size": [Interval(Integral, 2, None, closed="left")],
    "components": [list, tuple],
    "normalize": [StrOptions({"minmax"}), None],
    "method_params": [dict, None],
}


def _check_pair(onset, apex):
    onset, apex = np.asarray(onset), np.asarray(apex)
    for name, image in (("onset", onset), ("apex", apex)):
        if image.dtype != np.uint8:
            raise TypeError(f"{name} must be a uint8 image, got dtype {image.dtype}.")
        if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
            raise ValueError(
                f"{name} must be a grey (H, W) or RGB (H, W, 3) image, got shape {image.shape}."
            )
        if min(image.shape[:2]) < _MIN_SIDE:
            raise ValueError(
                f"{name} is {image.shape[1]}x{image.shape[0]} pixels; optical flow needs at "
                f"least {_MIN_SIDE} pixels per side."
            )
    if onset.shape != apex.shape:
        raise ValueError(
            f"onset and apex must have one shape, got {onset.shape} and {apex.shape}."
        )
    return onset, apex


def _flow_image(onset, apex, *, method, output_size, components, normalize, params):
    """:func:`flow_image` on checked parameters (``params``: the method's full set)."""
    onset, apex = _check_pair(onset, apex)
    u, v = dense_flow(grey_levels(onset), grey_levels(apex), method, params)
    u, v = resize_flow(u, v, output_size)
    channels = {"u": u, "v": v}
    if "strain" in components:
        channels["strain"] = optical_strain(u, v)
    image = np.stack([channels[name] for name in components])
    if normalize == "minmax":
        image = np.stack([minmax_scale(channel) for channel in image])
    return image.astype(np.float32)


def _checked_params(method, output_size, components, normalize, method_params):
    """The keyword arguments of :func:`_flow_image`, past the parameter constraints."""
    return {
        "method": method,
        "output_size": int(output_size),
        "components": check_components(components),
        "normalize": normalize,
        "params": check_method_params(method, method_params),
    }


@validate_params(
    {"onset": ["array-like"], "apex": ["array-like"], **_CONSTRAINTS},
    prefer_skip_nested_validation=True,
)
def flow_image(
    onset,
    apex,
    *,
    method="tvl1",
    output_size=28,
    components=("u", "v", "strain"),
    normalize="minmax",
    method_params=None,
):
    """The optical-flow image of one pair of frames, from ``onset`` to ``apex``.

    This is what :class:`OpticalFlow` computes for each clip, for an image pair that is
    not a clip: a neutral face and an expression of the same person, for example.

    Parameters
    ----------
    onset, apex : ndarray of shape (H, W) or (H, W, 3), uint8
        Grey or RGB frames of one size, at least 16 pixels per side.
    method : {"tvl1", "farneback", "dis"}, default="tvl1"
    output_size : int, default=28
    components : sequence of {"u", "v", "strain"}, default=("u", "v", "strain")
    normalize : {"minmax"} or None, default="minmax"
    method_params : dict, default=None
        See :class:`OpticalFlow` for all four.

    Returns
    -------
    image : ndarray of shape (len(components), output_size, output_size), float32

    Examples
    --------
    >>> import cv2
    >>> import numpy as np
    >>> from skimage import data
    >>> from saatkit.preprocessing import flow_image
    >>> neutral = cv2.resize(data.camera(), (64, 64), interpolation=cv2.INTER_AREA)
    >>> smile = np.roll(neutral, 2, axis=1)  # everything moves 2 pixels to the right
    >>> u, v = flow_image(neutral, smile, method="farneback", output_size=32,
    ...                   components=("u", "v"), normalize=None)
    >>> print(f"u {np.median(u):.1f} px, |v| {abs(np.median(v)):.1f} px")  # 2 px at 64 -> 1 at 32
    u 1.0 px, |v| 0.0 px
    """
    params = _checked_params(method, output_size, components, normalize, method_params)
    return _flow_image(onset, apex, **params)


def _describe(clip):
    if clip.database is None:
        return f"Clip {clip.name!r}"
    return f"Clip {clip.name!r} ({clip.database})"


def onset_apex(clip):
    """The 0-based onset and apex positions of ``clip``, or a ValueError naming it.

    The onset is ``clip.onset``, or the first frame where the clip has none.
    """
    n = len(clip)
    onset = 0 if clip.onset is None else clip.onset
    if clip.apex is None:
        raise ValueError(
            f"{_describe(clip)} has no apex: OpticalFlow needs clip.apex, from the annotation "
            "or from apex spotting (ApexSpotter.spot gives it; clip.replace(apex=...) sets it)."
        )
    for name, position in (("onset", onset), ("apex", clip.apex)):
        if not 0 <= position < n:
            raise ValueError(
                f"{_describe(clip)}: {name}={position} is not a frame position of its {n} "
                "frames (positions are 0-based)."
            )
    if clip.apex < onset:
        raise ValueError(f"{_describe(clip)}: apex={clip.apex} comes before onset={onset}.")
    return onset, clip.apex


def _check_flow_input(X):
    """Clips, or a uint8 array of onset and apex frames ``(n, 2, H, W[, 3])``."""
    if isinstance(X, np.ndarray):
        if X.dtype != np.uint8 or X.ndim not in (4, 5) or X.shape[1] != 2 or not len(X):
            raise ValueError(
                "X must be a list of clips or a non-empty uint8 array of onset and apex "
                f"frames (n, 2, H, W[, 3]); got {X.dtype} array of shape {X.shape}."
            )
        return X
    return check_clips(X)


def _clip_flow(clip, **params):
    """The flow image of one clip (cached per clip by :func:`map_clips`)."""
    onset, apex = clip.read(list(onset_apex(clip)))
    try:
        return _flow_image(onset, apex, **params)
    except TypeError as exc:
        raise TypeError(f"{_describe(clip)}: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{_describe(clip)}: {exc}") from None


@Substitution(
    references=cite(
        "zach2007",
        "sanchez2013",
        "farneback2003",
        "kroeger2016",
        "shreve2011",
        "liong2018",
        "gan2019",
        "liong2019",
    ),
    **map_clips_docs("each clip's flow image"),
)
class OpticalFlow(NonTabularOutputMixin, ClipStepMixin, TransformerMixin, BaseEstimator):
    """Reduce each clip to the optical flow from its onset to its apex frame.

    Each clip becomes one image whose channels are the horizontal flow ``u``, the
    vertical flow ``v`` and the magnitude of the optical strain, the input of STSTNet
    (u, v, strain) and OFF-ApexNet (u, v) and of most micro-expression recognisers since.
    It is stateless: ``fit`` only checks the parameters.

    For each clip, the onset frame (``clip.onset``, or the first frame when the clip has
    none) and the apex frame (``clip.apex``) are read, nothing else; both are made grey
    (:func:`saatkit.clips.to_grey`), the flow is computed from onset to apex at the
    clip's own resolution, resized to ``output_size x output_size`` and the strain is
    computed on the resized field.

    Parameters
    ----------
    method : {"tvl1", "farneback", "dis"}, default="tvl1"
        "tvl1": TV-L1 (Zach et al. 2007), the flow of OFF-ApexNet, STSTNet and their
        successors, through :func:`skimage.registration.optical_flow_tvl1`.
        "farneback": polynomial expansion (Farneback 2003),
        :func:`cv2.calcOpticalFlowFarneback`, fast. "dis": dense inverse search
        (Kroeger et al. 2016), ``cv2.DISOpticalFlow``, fast and, refined to full
        resolution, the most accurate of the three on the tests' sub-pixel motions.
    output_size : int, default=28
        Side of the square output image (STSTNet and OFF-ApexNet use 28).
    components : sequence of {"u", "v", "strain"}, default=("u", "v", "strain")
        The channels, in order; OFF-ApexNet uses ``("u", "v")``.
    normalize : {"minmax"} or None, default="minmax"
        "minmax": each channel of each image scaled to [0, 1] by its own minimum and
        maximum (a constant channel becomes 0). The STSTNet recipe scales to [0, 255]
        for 8-bit images; saatkit keeps floats for the networks and uses [0, 1].
        None: the flow in pixels of the output image, and the strain unscaled.
    method_params : dict, default=None
        Parameters of the method, updating its defaults (see Notes); an unknown key or a
        value out of range raises a ValueError naming it.
    %(memory)s
    %(n_jobs)s

    Notes
    -----
    **Convention.** :math:`u` is the horizontal component (along columns, positive to
    the right) and :math:`v` the vertical one (along rows, positive downwards), such
    that :math:`I_\\text{onset}(y, x) \\approx I_\\text{apex}(y + v, x + u)`. The flow
    is measured in **pixels of the output image**: resizing from the clip's
    :math:`W \\times H` frames to :math:`S \\times S` averages the vectors over each
    output pixel (bilinear interpolation when enlarging) and multiplies :math:`u` by
    :math:`S / W` and :math:`v` by :math:`S / H`, so that a 2-pixel motion in a 128-pixel
    face is 0.5 pixel in a 32-pixel image.

    **Optical strain** (Shreve et al. 2011; Liong et al. 2018) is the size of the
    symmetric part of the flow's gradient, :math:`\\varepsilon = \\frac{1}{2}(\\nabla
    \\mathbf{u} + \\nabla \\mathbf{u}^\\top)`:

    .. math::

        |\\varepsilon| = \\sqrt{u_x^2 + v_y^2 + \\tfrac{1}{2}(u_y + v_x)^2},

    with derivatives by central differences on the output grid (:func:`numpy.gradient`).
    A translation has zero strain; a face that stretches or shears has not.

    **Default parameters of each method** (``method_params`` overrides any of them):

    - "tvl1": scikit-image's defaults, ``attachment=15, tightness=0.3, num_warp=5,
      num_iter=10, tol=1e-4, prefilter=False``, on grey levels in [0, 1]. The
      micro-expression projects call OpenCV's ``DualTVL1OpticalFlow`` with its
      defaults, whose data weight :math:`\\lambda = 0.15` on grey levels in [0, 255]
      is ``attachment=38.25`` here (less smoothing).
    - "farneback": ``pyr_scale=0.5, levels=3, winsize=15, iterations=3, poly_n=5,
      poly_sigma=1.2, flags=0``, the values of OpenCV's tutorial.
    - "dis": OpenCV's ``preset="medium"`` with ``finest_scale=0``: the preset stops at
      half resolution (``finest_scale=1``), too coarse for sub-pixel motion. The other
      keys (``patch_size``, ``patch_stride``, ``gradient_descent_iterations``,
      ``variational_refinement_iterations``, ``variational_refinement_alpha``,
      ``variational_refinement_delta``, ``variational_refinement_gamma``,
      ``use_mean_normalization``, ``use_spatial_propagation``) keep the preset's value
      unless given.

    **The apex.** The apex is ``clip.apex``: the annotation (CASME II, SAMM) or a
    position found by apex spotting (:meth:`ApexSpotter.spot`) and written into the clip
    with ``clip.replace(apex=...)``, as the flow methods do for SMIC. A clip without an
    apex, or whose onset or apex is not a frame position, or whose apex comes before its
    onset, raises a ValueError naming the clip. The frames of one clip must have one
    size; clips may differ in size, since every output is ``output_size`` square.

    %(references)s

    Examples
    --------
    >>> import cv2
    >>> import numpy as np
    >>> from skimage import data
    >>> from saatkit.datasets import Clip
    >>> from saatkit.preprocessing import OpticalFlow
    >>> face = cv2.resize(data.camera(), (64, 64), interpolation=cv2.INTER_AREA)
    >>> frames = np.stack([face, face, np.roll(face, 2, axis=1)])  # 2 px to the right
    >>> clip = Clip.from_frames(frames, name="c1", apex=2)
    >>> flow = OpticalFlow("farneback", output_size=32, normalize=None).fit_transform([clip])
    >>> flow.shape, flow.dtype
    ((1, 3, 32, 32), dtype('float32'))
    >>> print(f"u {np.median(flow[0, 0]):.1f} px, strain {np.median(flow[0, 2]):.1f}")
    u 1.0 px, strain 0.0
    """

    _parameter_constraints: ClassVar[dict] = {
        **_CONSTRAINTS,
        **MAP_CLIPS_CONSTRAINTS,
    }

    def __init__(
        self,
        method="tvl1",
        *,
        output_size=28,
        components=("u", "v", "strain"),
        normalize="minmax",
        method_params=None,
        memory=None,
        n_jobs=None,
    ):
        self.method = method
        self.output_size = output_size
        self.components = components
        self.normalize = normalize
        self.method_params = method_params
        self.memory = memory
        self.n_jobs = n_jobs

    def _flow_params(self):
        """The checked parameters of :func:`_flow_image`."""
        self._validate_params()
        return _checked_params(
            self.method, self.output_size, self.components, self.normalize, self.method_params
        )

    def _check_input(self, X):
        _check_flow_input(X)
        self._flow_params()

    def transform(self, X):
        """The flow image of each clip, from its onset to its apex frame.

        Parameters
        ----------
        X : list of Clip or ndarray of shape (n, 2, H, W[, 3])
            Clips with an apex (see Notes), usually faces cropped by
            :class:`FaceCropper`; or uint8 onset and apex frames stacked on axis 1, as
            ``ApexSpotter(output="pair")`` returns them (then ``memory`` is not used:
            the frames may have been changed by a step fitted in each fold, such as
            style aggregation).

        Returns
        -------
        images : ndarray of shape (n_clips, len(components), output_size, output_size)
            float32.
        """
        X = _check_flow_input(X)
        params = self._flow_params()
        if isinstance(X, np.ndarray):
            return np.stack([_flow_image(onset, apex, **params) for onset, apex in X])
        return np.stack(self._map_clips(_clip_flow, X, **params))
