"""Temporal Interpolation Model: resample every clip to a fixed number of frames."""

import functools
from numbers import Integral
from typing import ClassVar

import cv2
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval

from ..clips import Clip, check_clips
from ..utils import NonTabularOutputMixin, Substitution, cite, matlab_uint8
from ._clip_step import MAP_CLIPS_CONSTRAINTS, ClipStepMixin, map_clips_docs

# Pixels per matrix product: the float64 working copy stays in cache, not one per clip.
_CHUNK = 16384
# Pixels per float32 product of uint8 clips: input, product and bytes stay in L2 cache.
_CHUNK_UINT8 = 4096
# Unit round-off of float32.
_UNIT32 = 2.0**-24


def interpolation_matrix(n_in, n_out):
    """The ``(n_out, n_in)`` matrix of the Temporal Interpolation Model.

    Row ``m`` holds the weights that give output frame ``m`` as a combination of the
    ``n_in`` input frames: the DCT-II cosine series of the input frames evaluated at
    position ``m * (n_in - 1) / (n_out - 1)`` (0-based, in input frames). Rows whose
    position is an input frame are that frame's unit vector, so those frames (the
    first and the last among them) come back exactly.

    Parameters
    ----------
    n_in : int
        Number of input frames, at least 1.
    n_out : int
        Number of output frames, at least 2.

    Returns
    -------
    matrix : ndarray of shape (n_out, n_in), float64
    """
    positions = np.linspace(0.0, n_in - 1.0, n_out)
    k = np.arange(n_in)
    # Orthogonality of the DCT-II basis: c_k = (2 - [k = 0]) / T * sum_j x_j cos(...).
    analysis = np.cos(np.pi * np.outer(k, np.arange(n_in) + 0.5) / n_in) * (2.0 / n_in)
    analysis[0] /= 2.0
    synthesis = np.cos(np.pi * np.outer(positions + 0.5, k) / n_in)
    matrix = synthesis @ analysis
    nearest = np.rint(positions)
    on_frame = np.abs(positions - nearest) < 1e-9
    matrix[on_frame] = 0.0
    matrix[np.flatnonzero(on_frame), nearest[on_frame].astype(int)] = 1.0
    return matrix


def uint8_product(matrix, values, out=None):
    """``matlab_uint8(matrix @ values)`` for uint8 ``values``, mostly in float32.

    The product runs in float32 (several times the float64 speed); the few results
    whose float32 value lies within its error bound of a rounding step (a half) are
    redone in float64, so the output is the float64 computation's. Rows of ``matrix``
    that are unit vectors copy their input row.

    Parameters
    ----------
    matrix : ndarray of shape (m, k), float64
    values : ndarray of shape (k, n), uint8
    out : ndarray of shape (m, n), uint8, optional
        Where to write the result; C-contiguous.

    Returns
    -------
    out : ndarray of shape (m, n), uint8
    """
    n = values.shape[1]
    if out is None:
        out = np.empty((matrix.shape[0], n), dtype=np.uint8)
    unit = (np.count_nonzero(matrix, axis=1) == 1) & (matrix.max(axis=1) == 1.0)
    rows = np.flatnonzero(~unit)
    if rows.size and n:
        # One contiguous span of rows, so that every chunk is written in place; a unit
        # row inside it comes out of the float32 product exactly and is copied anyway.
        span = slice(rows[0], rows[-1] + 1)
        _float32_rounded(matrix[span], values, out[span])
    out[unit] = values[np.argmax(matrix[unit], axis=1)]
    return out


def _float32_rounded(weights, values, out):
    """Write ``matlab_uint8(weights @ values)`` to ``out``: float32, float64 where unsure."""
    (m, k), n = weights.shape, values.shape[1]
    # Every result is a sum of k products of size at most S = 255 max_i sum_j |w_ij|;
    # in float32 the rounded weights and the k - 1 sums (with or without FMA) are off by
    # at most (k + 1) u S, adding the margin by u (S + margin): (k + 3) u S bounds both
    # with room to spare, and 1e-6 covers the float64 tolerance for ties (1e-9).
    margin = (k + 3) * _UNIT32 * 255 * np.abs(weights).sum(axis=1).max() + 1e-6
    single = weights.astype(np.float32)
    high = np.empty_like(out)
    for start in range(0, n, _CHUNK_UINT8):
        width = min(_CHUNK_UINT8, n - start)
        if start == 0 or width < _CHUNK_UINT8:
            chunk = np.empty((k, width), np.float32)
            product = np.empty((m, width), np.float32)
        np.copyto(chunk, values[:, start : start + width], casting="unsafe")
        np.matmul(single, chunk, out=product)
        # Saturating conversions that round to nearest: when the two ends of the error
        # interval round alike, so does every value in it, the exact one included.
        # convertScaleAbs rounds |product -+ margin|; a product below the margin rounds
        # to 0 either way, the answer for every negative product, so these go to 0 first.
        cv2.threshold(product, 0, 0, cv2.THRESH_TOZERO, dst=product)
        cv2.convertScaleAbs(product, dst=out[:, start : start + width], beta=-margin)
        cv2.convertScaleAbs(product, dst=high[:, start : start + width], beta=margin)
    # The interval is under 1 wide: its ends differ by 0 or 1, a valid bool.
    cv2.absdiff(high, out, dst=high)
    row, col = np.divmod(np.flatnonzero(high.view(bool)), n)
    if row.size:
        exact = np.sum(weights[row] * values[:, col].T, axis=1)
        out[row, col] = matlab_uint8(exact)


def interpolate_volume(frames, n_frames, out=None):
    """Resample one clip ``(T, H, W[, C])`` to ``n_frames`` frames with the TIM.

    uint8 frames give uint8 frames (MATLAB rounding), float frames keep their float
    type, other numeric types give float64. ``out``, when given, is a C-contiguous
    array of that shape and type to write to.
    """
    frames = np.asarray(frames)
    n_in = frames.shape[0]
    flat = frames.reshape(n_in, -1)
    matrix = _matrix(n_in, n_frames)
    if out is None:
        out = np.empty((n_frames,) + frames.shape[1:], dtype=_output_dtype(frames.dtype))
    flat_out = out.reshape(n_frames, -1)
    if frames.dtype == np.uint8:
        uint8_product(matrix, flat, out=flat_out)
        return out
    for start in range(0, flat.shape[1], _CHUNK):
        flat_out[:, start : start + _CHUNK] = matrix @ flat[:, start : start + _CHUNK].astype(
            np.float64
        )
    return out


@functools.lru_cache(maxsize=64)
def _matrix(n_in, n_out):
    """:func:`interpolation_matrix`, made once per clip length (read-only, as cached)."""
    matrix = interpolation_matrix(n_in, n_out)
    matrix.flags.writeable = False
    return matrix


def _output_dtype(dtype):
    return dtype if dtype == np.uint8 or dtype.kind == "f" else np.dtype(np.float64)


def _interpolate_clip(clip, n_frames):
    return interpolate_volume(clip.read(), n_frames)


def _check_numeric(array, name):
    if array.dtype == bool:
        return array.astype(np.uint8)
    if not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}.")
    return array


def _check_volumes(X):
    """A list of Clip, or a list of ``(T, H, W[, C])`` numeric arrays."""
    if isinstance(X, (list, tuple)) and X and isinstance(X[0], Clip):
        return check_clips(X)
    if isinstance(X, (list, tuple)):
        volumes = [np.asarray(v) for v in X]
    else:
        X = np.asarray(X)
        if X.ndim not in (4, 5):
            raise ValueError(
                "X must be a list of Clip, a list of (T, H, W[, C]) arrays, or an array of "
                f"clips of shape (n_clips, T, H, W[, C]); got an array of shape {X.shape}."
            )
        volumes = list(X)
    if not volumes:
        raise ValueError("X holds no clips.")
    for i, volume in enumerate(volumes):
        if volume.ndim not in (3, 4) or volume.shape[0] == 0:
            raise ValueError(
                f"X[{i}] must be a clip of shape (T, H, W) or (T, H, W, C) with T >= 1, "
                f"got shape {volume.shape}."
            )
        volumes[i] = _check_numeric(volume, f"X[{i}]")
    return volumes


def _check_frame_sizes(volumes):
    """Say which clip's frame size differs from the first's, and what to do."""
    first = volumes[0].shape[1:]
    for i, volume in enumerate(volumes):
        if volume.shape[1:] != first:
            raise ValueError(
                f"X[{i}] has frames of shape {volume.shape[1:]}, but X[0] has {first}: "
                "all clips must have one frame size to be stacked. Put a FaceCropper "
                "(saatkit.preprocessing.FaceCropper, which resizes every face to "
                "output_size) before the TemporalInterpolator."
            )


def _interpolate_stacked(volumes, n_frames):
    """Resample every clip into one array, each clip written in place where types agree."""
    _check_frame_sizes(volumes)
    dtypes = [_output_dtype(volume.dtype) for volume in volumes]
    out = np.empty((len(volumes), n_frames) + volumes[0].shape[1:], np.result_type(*dtypes))
    for volume, dtype, target in zip(volumes, dtypes, out):
        if dtype == out.dtype:
            interpolate_volume(volume, n_frames, out=target)
        else:  # a clip of a narrower type: rounded to its own type first, as np.stack
            target[...] = interpolate_volume(volume, n_frames)
    return out


@Substitution(
    references=cite("zhou2011", "pfister2011", "see2019"),
    **map_clips_docs("each clip's resampled frames"),
)
class TemporalInterpolator(NonTabularOutputMixin, ClipStepMixin, TransformerMixin, BaseEstimator):
    """Resample each clip to ``n_frames`` frames with the Temporal Interpolation Model.

    The Temporal Interpolation Model (TIM) of Zhou et al. (2011) treats a clip as a
    curve through its frames and samples ``n_frames`` evenly spaced points of that
    curve from the first frame to the last. It up-samples short clips (SMIC: 11
    frames) and down-samples long ones (SAMM: up to 101) to one length, as the MEGC
    2019 LBP-TOP baseline does (10 frames) before LBP-TOP. It is stateless (its tags
    say ``requires_fit=False``): ``fit`` only checks the parameters, and
    :meth:`transform` works unfitted.

    Parameters
    ----------
    n_frames : int, default=10
        Number of output frames, at least 2.
    %(memory)s
        Used when ``X`` is a list of clips.
    %(n_jobs)s
        Used when ``X`` is a list of clips.

    Notes
    -----
    **The fast form.** For a pixel with values :math:`x_0, \\dots, x_{T-1}` over
    :math:`T` frames, the interpolated value at (fractional, 0-based) position
    :math:`s` is the DCT-II cosine series of the sequence,

    .. math::
        x(s) = \\sum_{k=0}^{T-1} c_k \\cos\\frac{\\pi k (s + 1/2)}{T}, \\qquad
        c_k = \\frac{2 - [k=0]}{T} \\sum_{j=0}^{T-1} x_j \\cos\\frac{\\pi k (j + 1/2)}{T},

    evaluated at :math:`s_m = m (T - 1) / (n - 1)`, :math:`m = 0, \\dots, n-1`. Every
    pixel and channel uses the same weights, so the whole clip is one small
    ``(n_frames, T)`` matrix (:func:`interpolation_matrix`) times the clip reshaped to
    ``(T, H*W*C)``.

    **Why it is TIM.** The Oulu implementation embeds the frames with the Laplacian
    eigenmap of the path graph :math:`P_T` (frame :math:`j` linked to :math:`j \\pm 1`).
    The eigenvectors of that Laplacian are the DCT-II basis vectors
    :math:`\\cos(\\pi k (j + 1/2) / T)`, :math:`k = 1, \\dots, T-1` (eigenvalues
    :math:`2 - 2\\cos(\\pi k / T)`); Zhou et al. write them as
    :math:`\\sin(\\pi k t + \\pi (T - k) / (2T))` with :math:`t = (j + 1) / T`, the
    same functions. TIM maps frame :math:`j` to the point :math:`y_j` of this
    embedding, learns the linear map from the :math:`y_j` back to the (mean-removed)
    frames, extends the embedding to the continuous curve :math:`t \\mapsto y(t)`,
    samples it at :math:`n` new positions from the first frame's :math:`t` to the
    last's, and maps the samples back. The inverse map of the embedding is the
    expansion of the frames on the DCT-II basis (the :math:`c_k` above, the mean being
    :math:`c_0`), and the continuous extension is the cosine series at fractional
    :math:`j`, hence the formula. The series interpolates: at an input frame
    position it returns that frame, so the first and last frames are kept exactly
    (the implementation sets those rows of the matrix to unit vectors, so no round-off
    enters), and ``n_frames == T`` returns the input. A linear ramp does *not* stay
    linear: the curve is a cosine series, not a polyline.

    The closed form needs no eigen-decomposition or inversion, so clips with repeated
    (identical) frames, where the frames are linearly dependent and the learned map of
    the original implementation is ill-posed, interpolate like any other.

    **Types.** uint8 clips give uint8 clips rounded and clipped as MATLAB's
    ``uint8()`` does (half away from zero, then to 0..255; the cosine curve can
    overshoot); float clips keep their float type; other numeric types give float64.
    uint8 clips are multiplied in float32, and the few results that lie within the
    float32 error bound of a rounding step are redone in float64 (:func:`uint8_product`),
    so the output is exactly that of the float64 product, several times faster.
    A one-frame clip is repeated ``n_frames`` times (its cosine series is a constant).

    %(references)s

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.preprocessing import TemporalInterpolator
    >>> clips = np.random.default_rng(0).integers(0, 256, (2, 11, 8, 8), dtype=np.uint8)
    >>> out = TemporalInterpolator(n_frames=10).fit_transform(clips)
    >>> out.shape, out.dtype
    ((2, 10, 8, 8), dtype('uint8'))
    >>> bool((out[:, 0] == clips[:, 0]).all() and (out[:, -1] == clips[:, -1]).all())
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_frames": [Interval(Integral, 2, None, closed="left")],
        **MAP_CLIPS_CONSTRAINTS,
    }
    _check_input = staticmethod(_check_volumes)

    def __init__(self, n_frames=10, *, memory=None, n_jobs=None):
        self.n_frames = n_frames
        self.memory = memory
        self.n_jobs = n_jobs

    def transform(self, X):
        """Resample every clip to ``n_frames`` frames.

        Parameters
        ----------
        X : list of Clip, or array of shape (n_clips, T, H, W[, C]), or list of arrays
            Clips are read in full; a list of arrays may mix clip lengths.

        Returns
        -------
        volumes : ndarray of shape (n_clips, n_frames, H, W[, C])
            uint8 for uint8 input, else float (see Notes).
        """
        self._validate_params()
        n_frames = int(self.n_frames)
        volumes = _check_volumes(X)
        if isinstance(volumes[0], Clip):
            resampled = self._map_clips(_interpolate_clip, volumes, n_frames=n_frames)
            _check_frame_sizes(resampled)
            return np.stack(resampled)
        # One clip at a time bounds the float64 working copy to one clip.
        return _interpolate_stacked(volumes, n_frames)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
