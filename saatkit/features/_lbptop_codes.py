"""LBP-TOP codes of a grey volume and their block histograms: the arithmetic of LBPTOP."""

import functools
import numbers
from collections import Counter

import cv2
import numpy as np

from ..utils import matlab_uint8

PLANES = ("xy", "xt", "yt")
NORMS = ("block", "global", "l2", "none")
# MATLAB rgb2gray: the luma row of the inverse of its NTSC (YIQ) transform.
RGB2GRAY = np.array([0.298936021293775, 0.587043074451121, 0.114020904255103])


def _round_half_up(values):
    """``floor(v + 0.5)`` as LBPTOP.m rounds, with float noise around exact halves removed."""
    return np.floor(np.round(values, 9) + 0.5).astype(np.intp)


def neighbor_offsets(radius=(1, 1, 4), n_neighbors=4):
    """Integer ``(dt, dy, dx)`` offsets of the LBP neighbours of each plane.

    With :math:`\\theta_i = 2\\pi i / P`, neighbour :math:`i` of centre
    :math:`(t, y, x)` is, as in the Oulu ``LBPTOP.m``, at
    :math:`(x + R_x\\cos\\theta_i,\\ y - R_y\\sin\\theta_i)` in the XY plane,
    :math:`(x + R_x\\cos\\theta_i,\\ t + R_t\\sin\\theta_i)` in XT and
    :math:`(y - R_y\\sin\\theta_i,\\ t + R_t\\cos\\theta_i)` in YT, rounded to the
    nearest pixel with :math:`\\lfloor v + 1/2 \\rfloor`.

    Parameters
    ----------
    radius : (int, int, int), default=(1, 1, 4)
        ``(Rx, Ry, Rt)``.
    n_neighbors : int or (int, int, int), default=4
        ``P`` for every plane, or ``(Pxy, Pxt, Pyt)``.

    Returns
    -------
    offsets : list of 3 ndarrays of shape (P, 3), int
        For the XY, XT and YT planes; row ``i`` is neighbour ``i`` (bit ``2**i``).
    """
    rx, ry, rt = radius
    counts = (n_neighbors,) * 3 if isinstance(n_neighbors, numbers.Integral) else n_neighbors
    offsets = []
    for plane, p in zip(PLANES, counts):
        theta = 2 * np.pi * np.arange(p) / p
        cos, sin, zero = np.cos(theta), np.sin(theta), np.zeros(p)
        dt, dy, dx = {
            "xy": (zero, -ry * sin, rx * cos),
            "xt": (rt * sin, zero, rx * cos),
            "yt": (rt * cos, -ry * sin, zero),
        }[plane]
        offsets.append(np.stack([_round_half_up(d) for d in (dt, dy, dx)], axis=1))
    return offsets


def lbptop_codes(volume, radius=(1, 1, 4), n_neighbors=4):
    """Basic LBP codes of every centre pixel of a grey volume on the three planes.

    Parameters
    ----------
    volume : ndarray of shape (T, H, W)
        Grey-level volume.
    radius : (int, int, int), default=(1, 1, 4)
        ``(Rx, Ry, Rt)``, see :class:`LBPTOP`.
    n_neighbors : int or (int, int, int), default=4
        Neighbours per plane.

    Returns
    -------
    codes : list of 3 ndarrays of shape (T - 2 Rt, H - 2 B, W - 2 B)
        Codes on the XY, XT and YT planes, ``B = max(Rx, Ry)``; entry ``[t, y, x]`` is
        the code of the centre ``(t + Rt, y + B, x + B)``.
    """
    volume = np.asarray(volume)
    if volume.ndim != 3:
        raise ValueError(f"volume must be a grey (T, H, W) array, got shape {volume.shape}.")
    offsets = neighbor_offsets(radius, n_neighbors)
    shape = _centre_shape(volume.shape, radius)
    codes = [np.empty(shape, dtype=np.uint8 if len(o) <= 8 else np.uint16) for o in offsets]
    _fill_codes(volume, radius, offsets, codes)
    return codes


def _centre_shape(shape, radius):
    border, rt = max(radius[0], radius[1]), radius[2]
    return (shape[0] - 2 * rt, shape[1] - 2 * border, shape[2] - 2 * border)


def _fill_codes(volume, radius, offsets, codes):
    """Write the codes of the three planes into ``codes``.

    Each neighbour comparison is a whole-volume ``>=`` of shifted views; one that
    several planes share (for P = 4 all six distinct ones) is made once and kept until
    its last use. A code builds up as ``code = 2 code + bit`` from the top bit down.
    """
    border, rt = max(radius[0], radius[1]), radius[2]
    t_len, height, width = volume.shape
    centre_slices = (
        slice(rt, t_len - rt),
        slice(border, height - border),
        slice(border, width - border),
    )
    centre = volume[centre_slices]
    uses = Counter(tuple(o) for plane in offsets for o in plane.tolist())
    kept = {}
    for plane, code in zip(offsets, codes):
        code[...] = 0
        for offset in reversed(plane.tolist()):
            offset = tuple(offset)
            bit = kept.pop(offset, None)
            if bit is None:
                neighbour = volume[
                    tuple(slice(s.start + d, s.stop + d) for s, d in zip(centre_slices, offset))
                ]
                bit = np.greater_equal(neighbour, centre).view(np.uint8)
            uses[offset] -= 1
            if uses[offset]:
                kept[offset] = bit
            np.add(code, code, out=code)
            np.add(code, bit, out=code)


def _block_index(length, n_blocks):
    """Block of each centre along one axis: equal floor-sized blocks, the rest to the last."""
    return np.minimum(np.arange(length) // (length // n_blocks), n_blocks - 1)


def _to_grey(volume):
    if volume.ndim == 3:
        return volume
    if volume.shape[-1] == 1:
        return volume[..., 0]
    grey = volume.astype(np.float64, copy=False) @ RGB2GRAY
    if volume.dtype == np.uint8:
        return matlab_uint8(grey)
    return grey


@functools.lru_cache(maxsize=16)
def _layout(shape, radius, counts, grid):
    """What every volume of one shape shares: offsets, block of each centre, bin starts.

    Returns ``(offsets, blocks, block_image, starts)``: the neighbour offsets, the block
    of each centre row and column ``(H_c, W_c)``, that block index repeated over the
    three planes' centre frames as a uint8 image ``(3 T_c H_c, W_c)`` (None when there
    are over 256 blocks), and where each plane's bins start. Read-only, as cached.
    """
    offsets = tuple(neighbor_offsets(radius, counts))
    rows, cols = grid
    blocks = _block_index(shape[1], rows)[:, None] * cols + _block_index(shape[2], cols)[None, :]
    block_image = None
    if rows * cols <= 256:
        block_image = np.ascontiguousarray(
            np.broadcast_to(blocks.astype(np.uint8), (3 * shape[0],) + shape[1:])
        ).reshape(-1, shape[2])
    starts = np.cumsum([0] + [2**p for p in counts[:-1]])
    for array in (*offsets, blocks, block_image, starts):
        if array is not None:
            array.flags.writeable = False
    return offsets, blocks, block_image, starts


def _block_counts(volume, radius, counts, grid):
    """Code counts of each block, ``(n_blocks, sum_p 2**P_p)``: XY, XT, YT side by side."""
    shape = _centre_shape(volume.shape, radius)
    offsets, blocks, block_image, starts = _layout(shape, radius, counts, grid)
    n_blocks, n_bins = grid[0] * grid[1], sum(2**p for p in counts)
    if n_bins <= 256 and block_image is not None and 3 * np.prod(shape) < 2**24:
        # OpenCV's joint histogram of (block, plane start + code) over uint8 images: its
        # float32 bins count exactly below 2**24.
        codes = np.empty((3,) + shape, dtype=np.uint8)
        _fill_codes(volume, radius, offsets, codes)
        codes += starts.astype(np.uint8)[:, None, None, None]
        return cv2.calcHist(
            [block_image, codes.reshape(-1, shape[2])],
            [0, 1],
            None,
            [n_blocks, n_bins],
            [0, n_blocks, 0, n_bins],
        ).astype(np.float64)
    codes = [np.empty(shape, dtype=np.uint8 if p <= 8 else np.uint16) for p in counts]
    _fill_codes(volume, radius, offsets, codes)
    index = np.concatenate(
        [(blocks * n_bins + start + code).ravel() for code, start in zip(codes, starts)]
    )
    hist = np.bincount(index, minlength=n_blocks * n_bins)
    return hist.reshape(n_blocks, n_bins).astype(np.float64)


def _histograms(volume, radius, counts, grid, norm):
    """The LBP-TOP feature row of one ``(T, H, W[, C])`` volume."""
    hist = _block_counts(_to_grey(volume), radius, counts, grid)
    if norm == "block":
        start = 0
        for p in counts:
            plane = hist[:, start : start + 2**p]
            plane /= plane.sum(axis=1, keepdims=True)
            start += 2**p
    features = hist.ravel()
    if norm == "global":
        features /= features.sum()
    elif norm == "l2":
        features /= np.linalg.norm(features)
    return features
