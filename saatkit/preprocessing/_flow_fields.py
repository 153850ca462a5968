"""Dense optical flow between two grey images, its resizing, optical strain and scaling.

The three methods are wrapped so that they all return the flow as ``(u, v)``: ``u`` the
horizontal component (along columns, positive to the right), ``v`` the vertical one (along
rows, positive downwards), in pixels, with ``onset(y, x) ~ apex(y + v, x + u)``.
scikit-image returns ``(v, u)`` (row, column) and OpenCV ``(dx, dy)`` in the last axis.
"""

from numbers import Integral, Real

import cv2
import numpy as np
from skimage.registration import optical_flow_tvl1
from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
)

from ..clips import to_grey

METHODS = ("tvl1", "farneback", "dis")
COMPONENTS = ("u", "v", "strain")

_POSITIVE = Interval(Real, 0, None, closed="neither")
_NON_NEGATIVE = Interval(Real, 0, None, closed="left")
_COUNT = Interval(Integral, 1, None, closed="left")
_LEVEL = Interval(Integral, 0, None, closed="left")

# Each method's parameters: default and constraint. None as a DIS default keeps the preset's
# value; the presets are OpenCV's (DISOPTICAL_FLOW_PRESET_*).
METHOD_PARAMS = {
    # scikit-image's defaults (Wedel et al. 2009 solver, Sanchez et al. 2013 notation).
    "tvl1": {
        "attachment": (15.0, [_POSITIVE]),
        "tightness": (0.3, [_POSITIVE]),
        "num_warp": (5, [_COUNT]),
        "num_iter": (10, [_COUNT]),
        "tol": (1e-4, [_NON_NEGATIVE]),
        "prefilter": (False, ["boolean"]),
    },
    # The values of OpenCV's Farneback tutorial.
    "farneback": {
        "pyr_scale": (0.5, [Interval(Real, 0, 1, closed="neither")]),
        "levels": (3, [_COUNT]),
        "winsize": (15, [_COUNT]),
        "iterations": (3, [_COUNT]),
        "poly_n": (5, [Options(Integral, {5, 7})]),
        "poly_sigma": (1.2, [_POSITIVE]),
        "flags": (0, [Options(Integral, {0, cv2.OPTFLOW_FARNEBACK_GAUSSIAN})]),
    },
    # OpenCV's "medium" preset, refined down to full resolution: the preset stops at half
    # resolution (finest_scale=1), too coarse for the sub-pixel motion of micro-expressions.
    "dis": {
        "preset": ("medium", [StrOptions({"ultrafast", "fast", "medium"})]),
        "finest_scale": (0, [_LEVEL]),
        "patch_size": (None, [_COUNT, None]),
        "patch_stride": (None, [_COUNT, None]),
        "gradient_descent_iterations": (None, [_COUNT, None]),
        "variational_refinement_iterations": (None, [_LEVEL, None]),
        "variational_refinement_alpha": (None, [_NON_NEGATIVE, None]),
        "variational_refinement_delta": (None, [_NON_NEGATIVE, None]),
        "variational_refinement_gamma": (None, [_NON_NEGATIVE, None]),
        "use_mean_normalization": (None, ["boolean", None]),
        "use_spatial_propagation": (None, ["boolean", None]),
    },
}
_DIS_PRESETS = {
    "ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
    "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
    "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
}


def check_method_params(method, method_params):
    """The method's full parameters: its defaults updated with ``method_params``.

    Unknown keys and values out of range raise a ValueError naming them.
    """
    spec = METHOD_PARAMS[method]
    given = dict(method_params or {})
    unknown = sorted(set(given) - set(spec), key=str)
    if unknown:
        raise ValueError(
            f"method_params has {unknown} that method={method!r} does not take; "
            f"its parameters are {sorted(spec)}."
        )
    validate_parameter_constraints(
        {key: spec[key][1] for key in given}, given, caller_name=f"method={method!r}"
    )
    return {key: given.get(key, default) for key, (default, _) in spec.items()}


def check_components(components):
    """``components`` as a tuple of distinct names among :data:`COMPONENTS`."""
    components = tuple(components)
    if not components or any(c not in COMPONENTS for c in components):
        raise ValueError(f"components must name one or more of {COMPONENTS}, got {components!r}.")
    if len(set(components)) != len(components):
        raise ValueError(f"components must not repeat a name, got {components!r}.")
    return components


def grey_levels(frame):
    """The uint8 grey image of an (H, W) grey or (H, W, 3) RGB uint8 frame."""
    return to_grey(frame) if frame.ndim == 3 else frame


def _tvl1(onset, apex, params):
    # TV-L1's attachment weight is set for grey levels in [0, 1].
    v, u = optical_flow_tvl1(
        onset.astype(np.float32) / 255, apex.astype(np.float32) / 255, **params
    )
    return u, v


def _farneback(onset, apex, params):
    flow = cv2.calcOpticalFlowFarneback(onset, apex, None, **params)
    return flow[..., 0], flow[..., 1]


def _dis(onset, apex, params):
    params = dict(params)
    dis = cv2.DISOpticalFlow_create(_DIS_PRESETS[params.pop("preset")])
    for key, value in params.items():
        if value is not None:
            # finest_scale -> setFinestScale; the getter's type is the one OpenCV takes.
            name = key.title().replace("_", "")
            getattr(dis, "set" + name)(type(getattr(dis, "get" + name)())(value))
    flow = dis.calc(onset, apex, None)
    return flow[..., 0], flow[..., 1]


_FLOW = {"tvl1": _tvl1, "farneback": _farneback, "dis": _dis}


def dense_flow(onset, apex, method, params):
    """Flow ``(u, v)`` from the uint8 grey image ``onset`` to ``apex``, float64 pixels."""
    try:
        u, v = _FLOW[method](onset, apex, params)
    except cv2.error as exc:
        raise ValueError(
            f"OpenCV could not compute {method} flow on {onset.shape[1]}x{onset.shape[0]} "
            f"frames with parameters {params}: {str(exc).strip()}"
        ) from None
    return np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)


def resize_flow(u, v, size):
    """Resize a flow field to ``size x size`` and express it in pixels of that grid.

    Shrinking averages the vectors over each output pixel's area (``INTER_AREA``);
    enlarging interpolates bilinearly. ``u`` is multiplied by ``size / W`` and ``v`` by
    ``size / H``, so that a motion keeps its place relative to the image.
    """
    h, w = u.shape
    if (h, w) == (size, size):
        return u, v
    interpolation = cv2.INTER_AREA if size <= min(h, w) else cv2.INTER_LINEAR
    u = cv2.resize(u, (size, size), interpolation=interpolation) * (size / w)
    v = cv2.resize(v, (size, size), interpolation=interpolation) * (size / h)
    return u, v


def optical_strain(u, v):
    """Magnitude of the optical strain, sqrt(u_x^2 + v_y^2 + (u_y + v_x)^2 / 2).

    Derivatives are central differences (one-sided at the border) in grid pixels.
    """
    u_y, u_x = np.gradient(u)
    v_y, v_x = np.gradient(v)
    return np.sqrt(u_x**2 + v_y**2 + 0.5 * (u_y + v_x) ** 2)


def minmax_scale(channel):
    """``channel`` scaled to [0, 1]; a constant channel becomes zeros."""
    low, high = channel.min(), channel.max()
    if high > low:
        return (channel - low) / (high - low)
    return np.zeros_like(channel)
