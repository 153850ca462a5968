"""Preprocessing of micro-expression clips and faces."""

from ._apex_spotter import ApexSpotter, plot_apex_curve
from ._face_cropper import FaceCropper, FaceNotFoundWarning, NoFaceError
from ._style_aggregator import STYLE_PRESETS, StyleAggregator
from ._style_features import style_gap, style_statistics
from ._style_plot import plot_style_grid
from ._temporal_interpolation import TemporalInterpolator

__all__ = [
    "ApexSpotter",
    "FaceCropper",
    "FaceNotFoundWarning",
    "NoFaceError",
    "STYLE_PRESETS",
    "StyleAggregator",
    "TemporalInterpolator",
    "plot_apex_curve",
    "plot_style_grid",
    "style_gap",
    "style_statistics",
]
