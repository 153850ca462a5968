"""Checks of the two kinds of input saatkit's steps take: lists of clips, stacks of faces."""

import numpy as np

from ..utils import Substitution
from ._clip import Clip

_NAME = """name : str, default="X"
        What the input is called in error messages."""


@Substitution(name=_NAME)
def check_clips(X, name="X"):
    """Validate that ``X`` is a sequence of :class:`Clip`, naming the first that is not.

    Parameters
    ----------
    X : sequence of Clip
        The input of a step.
    %(name)s

    Returns
    -------
    clips : list of Clip
        ``X`` as a list.
    """
    if isinstance(X, (str, bytes, Clip)) or not hasattr(X, "__len__"):
        raise TypeError(f"{name} must be a list of Clip objects, got {type(X).__name__}.")
    clips = list(X)
    for i, clip in enumerate(clips):
        if not isinstance(clip, Clip):
            raise TypeError(
                f"{name}[{i}] is a {type(clip).__name__}, not a Clip; build clips with "
                "Clip.from_folder, Clip.from_video or Clip.from_frames."
            )
    if not clips:
        raise ValueError(f"{name} holds no clips.")
    return clips


@Substitution(name=_NAME)
def check_face_images(X, name="X"):
    """Validate a stack of face images and return it as a uint8 ndarray.

    Parameters
    ----------
    X : array-like of shape (n, H, W) or (n, H, W, C)
        uint8 grey or colour faces, C in (1, 3).
    %(name)s

    Returns
    -------
    X : ndarray
        The images.
    """
    X = np.asarray(X)
    if X.dtype != np.uint8:
        raise TypeError(f"{name} must hold uint8 images, got dtype {X.dtype}.")
    if not (X.ndim == 3 or (X.ndim == 4 and X.shape[-1] in (1, 3))):
        raise ValueError(
            f"{name} must have shape (n, H, W) or (n, H, W, C) with C in (1, 3), got {X.shape}."
        )
    if X.shape[0] == 0:
        raise ValueError(f"{name} holds no images.")
    return X
