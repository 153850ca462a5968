"""The one conversion of colour frames to grey in saatkit."""

import cv2
import numpy as np

GREY_WEIGHTS = (0.299, 0.587, 0.114)
"""tuple of float: the R, G, B weights of :func:`to_grey` (ITU-R BT.601 luma)."""


def to_grey(images):
    """Grey images from RGB ones, with the ITU-R BT.601 luma weights.

    Parameters
    ----------
    images : ndarray of shape (..., H, W, 3)
        RGB images (channels last), uint8 or float.

    Returns
    -------
    grey : ndarray of shape (..., H, W)
        uint8 for uint8 input, else the input's float type.

    Notes
    -----
    .. math:: Y = 0.299 R + 0.587 G + 0.114 B

    These are the weights of OpenCV's ``COLOR_RGB2GRAY``, of the JPEG/JFIF and
    PIL conversions and of the grey frames the databases ship (CASME II and SAMM
    were made grey by such tools), so a colour clip made grey here matches the
    grey clips it is compared with. uint8 images go through ``cv2.cvtColor``,
    which computes :math:`Y` in 14-bit fixed point and rounds to the nearest
    integer; float images get :math:`Y` exactly, in their own precision.

    LBP-TOP (:class:`saatkit.features.LBPTOP`) keeps MATLAB's ``rgb2gray``
    weights (0.298936, 0.587043, 0.114021) on purpose: it reproduces the
    reference ``LBPTOP.m`` code bit for bit.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.clips import to_grey
    >>> to_grey(np.full((2, 2, 3), (255, 0, 0), np.uint8))
    array([[76, 76],
           [76, 76]], dtype=uint8)
    """
    images = np.asarray(images)
    if images.ndim < 3 or images.shape[-1] != 3:
        raise ValueError(f"images must be RGB, shape (..., H, W, 3); got {images.shape}.")
    if images.dtype != np.uint8:
        return images @ np.asarray(GREY_WEIGHTS, dtype=images.dtype)
    # The conversion is per pixel: a stack of images goes through OpenCV as one tall
    # image, which saves a call per image (0.7 ms instead of 0.95 for 30 256x256 frames).
    tall = np.ascontiguousarray(images).reshape(-1, images.shape[-2], 3)
    if tall.size == 0:
        return np.zeros(images.shape[:-1], np.uint8)
    return cv2.cvtColor(tall, cv2.COLOR_RGB2GRAY).reshape(images.shape[:-1])
