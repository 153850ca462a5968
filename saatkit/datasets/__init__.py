"""The real micro-expression database loaders and the built-in synthetic benchmark.

The sample type, :class:`Clip`, and its frame sources live in :mod:`saatkit.clips`;
they are re-exported here, where users first meet them.
"""

from ..clips import (
    ArraySource,
    Clip,
    CropSource,
    FolderSource,
    FrameSource,
    VideoSource,
    check_clips,
)
from ._annotations import AnnotationWarning, MissingClipsError, MissingClipWarning
from ._casme2 import load_casme2
from ._expression_images import load_expression_images
from ._megc2019 import load_megc2019
from ._samm import load_samm
from ._smic import load_smic
from ._styled_faces import make_styled_faces
from .synthetic import make_synthetic_expressions, make_synthetic_megc2019, synthetic_landmarks

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
    "make_styled_faces",
    "make_synthetic_expressions",
    "make_synthetic_megc2019",
    "synthetic_landmarks",
]
