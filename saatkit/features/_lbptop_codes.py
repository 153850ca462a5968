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
    dtypes = [np.uint8 if len(o) <= 8 else np.uint16 for o in offsets]
    shape = _centre_shape(volume.shape, radius)
    if min(shape) <= 0:  # no centres (or, for a negative size, numpy's error)
        return [np.empty(shape, dtype=dtype) for dtype in dtypes]
    codes = [np.empty(_centre_frames(volume.shape, radius), dtype=dtype) for dtype in dtypes]
    _fill_codes(volume, radius, [[o] for o in offsets], codes)
    return [np.ascontiguousarray(_centres(code, radius)) for code in codes]


def _centre_shape(shape, radius):
    border, rt = max(radius[0], radius[1]), radius[2]
    return (shape[0] - 2 * rt, shape[1] - 2 * border, shape[2] - 2 * border)


def _centre_frames(shape, radius):
    """Shape ``(T - 2 Rt, H, W)``: the whole frames that hold the centres."""
    return (shape[0] - 2 * radius[2],) + tuple(shape[1:3])


def _centres(codes, radius):
    """The centres' part ``(T - 2 Rt, H - 2 B, W - 2 B)`` of codes of whole frames."""
    border = max(radius[0], radius[1])
    height, width = codes.shape[1:]
    return codes[:, border : height - border, border : width - border]


def _fill_codes(volume, radius, groups, codes):
    """Write the codes of each group of planes into ``codes``, ``(T - 2 Rt, H, W)`` each.

    Entry ``[t, y, x]`` is the code of the centre ``(t + Rt, y, x)``; entries of pixels
    nearer than ``B`` to the frame border are left undefined. A group's code joins its
    planes' codes, the first plane's in the high bits; a plane's code builds up as
    ``code = 2 code + bit`` from its top bit down.

    The volume is read flat: the neighbour at ``(dt, dy, dx)`` of flat index ``i`` is
    ``i + (dt H + dy) W + dx``, so each comparison is one contiguous ``>=`` over the run
    from the first centre to the last. The border pixels inside that run compare
    neighbours wrapped to the next row or frame, inside the volume as the first and
    last centres' neighbours are, and their codes are never read. A comparison that
    several planes share (for P = 4 all six distinct ones) is made once and kept until
    its last use.
    """
    border, rt = max(radius[0], radius[1]), radius[2]
    t_len, height, width = volume.shape
    flat = np.ascontiguousarray(volume).reshape(-1)
    first = (rt * height + border) * width + border
    size = ((t_len - 2 * rt - 1) * height + height - 2 * border - 1) * width + width - 2 * border
    centre = flat[first : first + size]
    offsets = [tuple(o) for group in groups for plane in group for o in plane.tolist()]
    uses, kept = Counter(offsets), {}
    for group, code in zip(groups, codes):
        code = code.reshape(-1)[first - rt * height * width :][:size]
        started = False
        for offset in (tuple(o) for plane in group for o in reversed(plane.tolist())):
            bit = kept.pop(offset, None)
            if bit is None:
                start = first + (offset[0] * height + offset[1]) * width + offset[2]
                bit = np.greater_equal(flat[start : start + size], centre).view(np.uint8)
            uses[offset] -= 1
            if uses[offset]:
                kept[offset] = bit
            if started:
                np.add(code, code, out=code)
                np.add(code, bit, out=code)
            else:
                np.copyto(code, bit)
                started = True


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


def _byte_groups(counts):
    """Runs of consecutive planes whose codes fit in one byte together, as plane indices."""
    groups = [[0]]
    for plane in range(1, len(counts)):
        if sum(counts[p] for p in groups[-1]) + counts[plane] <= 8:
            groups[-1].append(plane)
        else:
            groups.append([plane])
    return groups


@functools.lru_cache(maxsize=16)
def _layout(frames, radius, counts, grid):
    """What every volume of one size shares, given the shape of its centre frames.

    Returns ``(offsets, blocks, groups, block_image, starts)``: the neighbour offsets,
    the block of each centre ``(H_c, W_c)``, and where each plane's bins start; for
    OpenCV's histograms (when every plane has at most 8 neighbours, there are at most
    255 blocks and under 2**24 pixels) the byte groups of planes (:func:`_byte_groups`)
    and the block of each pixel of the centre frames as a uint8 image ``(T_c H, W)``,
    255 off the centres; else None for both. Read-only, as cached.
    """
    offsets = tuple(neighbor_offsets(radius, counts))
    rows, cols = grid
    border = max(radius[0], radius[1])
    height, width = frames[1] - 2 * border, frames[2] - 2 * border
    blocks = _block_index(height, rows)[:, None] * cols + _block_index(width, cols)[None, :]
    groups = block_image = None
    if max(counts) <= 8 and rows * cols <= 255 and np.prod(frames) < 2**24:
        groups = _byte_groups(counts)
        block_image = np.full(frames, 255, dtype=np.uint8)
        _centres(block_image, radius)[...] = blocks
        block_image = block_image.reshape(-1, frames[2])
    starts = np.cumsum([0] + [2**p for p in counts[:-1]])
    for array in (*offsets, blocks, block_image, starts):
        if array is not None:
            array.flags.writeable = False
    return offsets, blocks, groups, block_image, starts


def _block_counts(volume, radius, counts, grid):
    """Code counts of each block, ``(n_blocks, sum_p 2**P_p)``: XY, XT, YT side by side."""
    frames = _centre_frames(volume.shape, radius)
    offsets, blocks, groups, block_image, starts = _layout(frames, radius, counts, grid)
    n_blocks, n_bins = grid[0] * grid[1], sum(2**p for p in counts)
    if groups is not None:
        # OpenCV's joint histogram of (block, group code) over uint8 images, the pixels
        # off the centres in no bin; its float32 bins count exactly below 2**24. A
        # group's counts per plane are the sums of its joint counts over the others.
        codes = [np.empty(frames, dtype=np.uint8) for _ in groups]
        _fill_codes(volume, radius, [[offsets[p] for p in group] for group in groups], codes)
        hists = []
        for group, code in zip(groups, codes):
            n_codes = 2 ** sum(counts[p] for p in group)
            joint = cv2.calcHist(
                [block_image, code.reshape(-1, frames[2])],
                [0, 1],
                None,
                [n_blocks, n_codes],
                [0, n_blocks, 0, n_codes],
            ).reshape([n_blocks] + [2 ** counts[p] for p in group])
            for i in range(len(group)):
                hists.append(joint.sum(axis=tuple(a + 1 for a in range(len(group)) if a != i)))
        return np.concatenate(hists, axis=1).astype(np.float64)
    codes = [np.empty(frames, dtype=np.uint8 if p <= 8 else np.uint16) for p in counts]
    _fill_codes(volume, radius, [[o] for o in offsets], codes)
    index = np.concatenate(
        [
            (blocks * n_bins + start + _centres(code, radius)).ravel()
            for code, start in zip(codes, starts)
        ]
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
