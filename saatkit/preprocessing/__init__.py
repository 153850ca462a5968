"""Preprocessing of micro-expression clips and faces."""

from ._apex_plot import plot_apex_curve
from ._apex_spotter import ApexSpotter
from ._face_cropper import (
    FaceBoxes,
    FaceCropper,
    FaceNotFoundWarning,
    FaceTrackingWarning,
    NoFaceError,
)
from ._face_models import detect_faces, landmarks_68
from ._optical_flow import OpticalFlow, flow_image
from ._resize import ImageResizer
from ._style_features import style_gap, style_statistics
from ._style_plot import plot_style_grid
from ._style_presets import STYLE_PRESETS
from ._temporal_interpolation import TemporalInterpolator

# StyleAggregator needs torch, which takes seconds to import: loading it on first use keeps
# the joblib workers of the clip steps (cropping, spotting, TIM, flow) quick to start.
_TORCH_NAMES = {"StyleAggregator"}


def __getattr__(name):
    if name in _TORCH_NAMES:
        from . import _style_aggregator

        return getattr(_style_aggregator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _TORCH_NAMES)


__all__ = [
    "STYLE_PRESETS",
    "ApexSpotter",
    "FaceBoxes",
    "FaceCropper",
    "FaceNotFoundWarning",
    "FaceTrackingWarning",
    "ImageResizer",
    "NoFaceError",
    "OpticalFlow",
    "StyleAggregator",
    "TemporalInterpolator",
    "detect_faces",
    "flow_image",
    "landmarks_68",
    "plot_apex_curve",
    "plot_style_grid",
    "style_gap",
    "style_statistics",
]
