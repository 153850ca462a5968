"""Local binary pattern histograms of image regions."""

import math

import numpy as np
from skimage.feature import local_binary_pattern

LBP_METHODS = ("default", "ror", "uniform", "nri_uniform")


def lbp_n_bins(points, method):
    """Number of distinct codes scikit-image's LBP ``method`` gives with ``points`` neighbours."""
    if method == "uniform":
        return points + 2
    if method == "nri_uniform":
        return points * (points - 1) + 3
    return 2**points


def lbp_histogram(grey, box, points, radius, method):
    """Histogram of LBP codes of the pixels of ``grey`` inside ``box``.

    The codes are computed on the box grown by the radius (clipped to the image), so
    that every pixel of the box sees its true neighbours rather than scikit-image's
    zero padding; only the box's own pixels are counted.

    Parameters
    ----------
    grey : ndarray of shape (H, W), uint8
    box : tuple of 4 int
        ``(x0, y0, x1, y1)`` inside the image.
    points, radius, method
        As :func:`skimage.feature.local_binary_pattern` takes them.

    Returns
    -------
    hist : ndarray of shape (lbp_n_bins(points, method),), int64
    """
    x0, y0, x1, y1 = box
    h, w = grey.shape
    pad = int(math.ceil(radius)) + 1
    gx0, gy0 = max(0, x0 - pad), max(0, y0 - pad)
    gx1, gy1 = min(w, x1 + pad), min(h, y1 + pad)
    codes = local_binary_pattern(grey[gy0:gy1, gx0:gx1], points, radius, method)
    codes = codes[y0 - gy0 : y1 - gy0, x0 - gx0 : x1 - gx0]
    return np.bincount(codes.astype(np.int64).ravel(), minlength=lbp_n_bins(points, method))
