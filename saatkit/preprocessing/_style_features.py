"""Colour and texture statistics of face images, and the style gap between groups."""

import itertools

import numpy as np

from ..clips import check_face_images, to_grey
from ._lbp import lbp_histogram

_LBP_POINTS = 8


def as_rgb(X):
    """Grey ``(n, H, W)`` or ``(n, H, W, 1)`` images broadcast to 3 channels."""
    if X.ndim == 3:
        X = X[..., None]
    return np.broadcast_to(X, (*X.shape[:3], 3))


def style_statistics(images):
    """Colour and texture statistics of each face, the features that tell styles apart.

    Grey images are treated as RGB images with equal channels, so grey and
    colour faces are described in the same space. With pixel values scaled to
    [0, 1] and luminance ``Y = 0.299 R + 0.587 G + 0.114 B``, the 19 statistics
    of one image, in column order, are:

    - ``mean_r, mean_g, mean_b``: the mean of each channel (colour cast, brightness);
    - ``std_r, std_g, std_b``: the standard deviation of each channel (contrast);
    - ``saturation``: the mean HSV saturation ``(max - min) / max`` over pixels;
    - ``contrast``: the 95th minus the 5th percentile of ``Y``;
    - ``gradient``: the mean absolute horizontal plus vertical difference of
      ``Y`` between neighbouring pixels (sharpness, resolution, noise);
    - ``lbp_0`` .. ``lbp_9``: the normalised histogram of rotation-invariant
      uniform local binary patterns of ``Y`` (8 neighbours, radius 1), the
      micro-texture.

    All are in natural units between 0 and 1, so they can be compared across
    image sets without a data-dependent scaling.

    Parameters
    ----------
    images : ndarray of shape (n, H, W) or (n, H, W, C), uint8
        Faces, grey or RGB.

    Returns
    -------
    statistics : ndarray of shape (n, 19), float64
    """
    rgb = as_rgb(check_face_images(images, "images")).astype(np.float64) / 255.0
    means = rgb.mean(axis=(1, 2))
    stds = rgb.std(axis=(1, 2))
    high, low = rgb.max(axis=-1), rgb.min(axis=-1)
    saturation = np.divide(high - low, high, out=np.zeros_like(high), where=high > 0).mean(
        axis=(1, 2)
    )
    luma = to_grey(rgb)
    p5, p95 = np.percentile(luma, [5, 95], axis=(1, 2))
    gradient = np.abs(np.diff(luma, axis=1)).mean(axis=(1, 2)) + np.abs(
        np.diff(luma, axis=2)
    ).mean(axis=(1, 2))
    luma8 = np.round(luma * 255).astype(np.uint8)
    whole = (0, 0, luma8.shape[2], luma8.shape[1])
    lbp = np.stack([lbp_histogram(y, whole, _LBP_POINTS, 1, "uniform") for y in luma8])
    lbp = lbp / lbp.sum(axis=1, keepdims=True)
    return np.column_stack([means, stds, saturation, p95 - p5, gradient, lbp])


def style_gap(images, groups):
    """Mean distance between the style statistics of groups of faces.

    For each group g (a database, a style), let ``m_g`` be the mean over its
    images of the 19 statistics of :func:`style_statistics`. The style gap is
    the mean, over all unordered pairs of groups, of the Euclidean distance
    ``||m_g - m_h||``. It is 0 when every group has the same average colour,
    contrast, sharpness and texture, and grows as the groups' styles drift
    apart; the statistics are unscaled, so values before and after a style
    transformation are directly comparable.

    Parameters
    ----------
    images : ndarray of shape (n, H, W) or (n, H, W, C), uint8
        Faces, grey or RGB.
    groups : array-like of shape (n,)
        The group of each face, at least two distinct values.

    Returns
    -------
    gap : float

    Examples
    --------
    The same faces in three recording styles are far apart; two halves of them, each
    mixing every style, are close:

    >>> from saatkit.datasets import make_styled_faces
    >>> from saatkit.preprocessing import style_gap
    >>> faces, styles, identities = make_styled_faces(4, output_size=32, random_state=0)
    >>> print(f"{style_gap(faces, styles):.2f} {style_gap(faces, identities % 2):.2f}")
    0.66 0.08
    """
    statistics = style_statistics(images)
    groups = np.asarray(groups)
    if groups.shape != (len(statistics),):
        raise ValueError(
            f"groups must have one label per image ({len(statistics)}), got shape {groups.shape}."
        )
    labels = np.unique(groups)
    if len(labels) < 2:
        raise ValueError("groups must contain at least two distinct groups.")
    centres = [statistics[groups == g].mean(axis=0) for g in labels]
    return float(np.mean([np.linalg.norm(a - b) for a, b in itertools.combinations(centres, 2)]))
