"""The sample type everything else builds on: clips, their frame sources and checks.

A :class:`Clip` is one sample of ``X`` for saatkit's steps: a lazy frame source and
the clip's metadata. This package also holds what every step shares about clips: the
input checks, :func:`map_clips` (per-clip work, cached and parallel), the one grey
conversion, the one atomic file write, result files that load without pickle
(:func:`save_result`, :func:`load_result`) and the MEGC 2019 class names. It imports
nothing else of saatkit but the thread limits of :mod:`saatkit.utils`.
"""

from ._checks import check_clips, check_face_images
from ._classes import MEGC_CLASSES, MEGC_LABELS
from ._clip import Clip
from ._clip_cache import load_result, save_result
from ._clipwise import map_clips
from ._crop import CropSource, cut_box
from ._files import atomic_write
from ._grey import GREY_WEIGHTS, to_grey
from ._sources import (
    IMAGE_EXTENSIONS,
    ArraySource,
    FolderSource,
    FrameSource,
    VideoSource,
)

__all__ = [
    "GREY_WEIGHTS",
    "IMAGE_EXTENSIONS",
    "MEGC_CLASSES",
    "MEGC_LABELS",
    "ArraySource",
    "Clip",
    "CropSource",
    "FolderSource",
    "FrameSource",
    "VideoSource",
    "atomic_write",
    "check_clips",
    "check_face_images",
    "cut_box",
    "load_result",
    "map_clips",
    "save_result",
    "to_grey",
]
