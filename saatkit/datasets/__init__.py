"""Clips, the real micro-expression database loaders and the built-in synthetic benchmark."""

from ._annotations import AnnotationWarning, MissingClipsError, MissingClipWarning
from ._casme2 import load_casme2
from ._clip import Clip, check_clips
from ._expression_images import load_expression_images
from ._megc2019 import load_megc2019
from ._samm import load_samm
from ._smic import load_smic
from ._sources import ArraySource, CropSource, FolderSource, FrameSource, VideoSource
from ._synthetic import make_synthetic_megc2019
from ._synthetic_expressions import make_synthetic_expressions
from ._synthetic_source import synthetic_landmarks

__all__ = [
    "AnnotationWarning",
    "ArraySource",
    "Clip",
    "CropSource",
    "FolderSource",
    "FrameSource",
    "MissingClipWarning",
    "MissingClipsError",
    "VideoSource",
    "check_clips",
    "load_casme2",
    "load_expression_images",
    "load_megc2019",
    "load_samm",
    "load_smic",
    "make_synthetic_expressions",
    "make_synthetic_megc2019",
    "synthetic_landmarks",
]
