"""Resize stacks of images, so that one large crop serves every smaller input."""

from numbers import Integral
from typing import ClassVar

import cv2
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval

from ..utils import NonTabularOutputMixin


class ImageResizer(NonTabularOutputMixin, TransformerMixin, BaseEstimator):
    """Resize uint8 images to a square size, with area averaging when shrinking.

    A run crops each face once, at the largest size any of its methods needs (apex
    spotting works best on the largest crop); the methods that classify smaller
    faces take them from that crop with this step instead of cropping again.

    Parameters
    ----------
    output_size : int, default=32
        Side of the returned images.

    Notes
    -----
    Shrinking uses OpenCV's ``INTER_AREA`` (each output pixel the mean of the input
    pixels it covers, which does not alias); enlarging uses bilinear interpolation.
    The step learns nothing: ``fit`` only checks the parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.preprocessing import ImageResizer
    >>> faces = np.zeros((4, 128, 128, 3), dtype=np.uint8)
    >>> ImageResizer(output_size=32).fit_transform(faces).shape
    (4, 32, 32, 3)
    >>> pairs = np.zeros((4, 2, 64, 64), dtype=np.uint8)  # onset and apex frames
    >>> ImageResizer(output_size=16).fit_transform(pairs).shape
    (4, 2, 16, 16)
    """

    _parameter_constraints: ClassVar[dict] = {
        "output_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, output_size=32):
        self.output_size = output_size

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters; nothing is learnt.

        Parameters
        ----------
        X : ignored
        y : ignored

        Returns
        -------
        self : ImageResizer
        """
        return self

    def transform(self, X):
        """Resize every image.

        Parameters
        ----------
        X : ndarray of uint8
            Images ``(n, H, W[, C])`` with C in (1, 3), or stacks of frames per sample
            ``(n, k, H, W, 3)`` such as ``ApexSpotter(output="pair")`` returns.

        Returns
        -------
        X_new : ndarray of uint8
            ``X`` with H and W replaced by ``output_size``.
        """
        X = np.asarray(X)
        if X.dtype != np.uint8:
            raise TypeError(f"X must hold uint8 images, got dtype {X.dtype}.")
        if X.ndim == 5 and X.shape[-1] == 3:
            spatial = 2
        elif X.ndim == 4 and X.shape[-1] in (1, 3):
            spatial = 1
        elif X.ndim in (3, 4):
            spatial = 1 if X.ndim == 3 else 2
        else:
            raise ValueError(
                "X must be images (n, H, W[, C]) or stacks of frames (n, k, H, W[, 3]); "
                f"got shape {X.shape}."
            )
        size = int(self.output_size)
        lead, (h, w), tail = (
            X.shape[:spatial],
            X.shape[spatial : spatial + 2],
            X.shape[spatial + 2 :],
        )
        if (h, w) == (size, size):
            return X.copy()
        flat = X.reshape(-1, h, w, *tail)
        interpolation = cv2.INTER_AREA if size < min(h, w) else cv2.INTER_LINEAR
        out = np.stack(
            [
                cv2.resize(image, (size, size), interpolation=interpolation).reshape(
                    size, size, *tail
                )
                for image in flat
            ]
        )
        return out.reshape(*lead, size, size, *tail)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags
