"""LBP-TOP: local binary patterns on three orthogonal planes of a video volume."""

from numbers import Integral
from typing import ClassVar

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, validate_data

from ..utils import Substitution, check_int_tuple, cite
from ._lbptop_codes import NORMS, PLANES, _histograms

_MAX_NEIGHBORS = 16
_NATURAL = Interval(Integral, 0, None, closed="left")
_POSITIVE = Interval(Integral, 1, None, closed="left")
_NEIGHBORS = Interval(Integral, 1, _MAX_NEIGHBORS, closed="both")


@Substitution(references=cite("zhao2007", "yan2014", "see2019"))
class LBPTOP(TransformerMixin, BaseEstimator):
    """LBP-TOP histograms of video volumes, block by block (the MEGC 2019 baseline).

    Local binary patterns on three orthogonal planes (Zhao and Pietikainen, 2007): for
    every centre pixel of a grey volume, a basic LBP code on the XY (appearance), XT
    and YT (horizontal and vertical motion) planes through it. The frame is split
    into a grid of non-overlapping blocks, and each block gives three histograms of
    ``2**P`` codes, concatenated block by block in the order XY, XT, YT. The defaults
    are the MEGC 2019 baseline's: radii 1, 1, 4, four neighbours, 5 x 5 blocks, which
    on a 10-frame volume give 5 * 5 * 3 * 16 = 1200 features.

    Parameters
    ----------
    radius : (int, int, int), default=(1, 1, 4)
        ``(Rx, Ry, Rt)``, the radii along X, Y and T: ``FxRadius``, ``FyRadius`` and
        ``TInterval`` of the Oulu ``LBPTOP.m``. A radius of 0 does not sample that axis
        (the neighbours along it are the centre itself).
    n_neighbors : int or (int, int, int), default=4
        Neighbours ``P`` per plane (``NeighborPoints``), or ``(Pxy, Pxt, Pyt)``; at
        most 16. Each plane has a histogram of the ``2**P`` basic codes.
    grid : int or (int, int), default=(5, 5)
        ``(rows, cols)`` of non-overlapping blocks.
    norm : {"block", "global", "l2", "none"}, default="block"
        ``"block"``: each histogram (one block, one plane) sums to 1, as ``LBPTOP.m``
        normalises the three histograms of the region it is given. ``"global"``: the
        whole row sums to 1 (the Oulu block-wise C++/MATLAB code). ``"l2"``: the whole
        row has unit Euclidean norm. ``"none"``: counts.
    volume_shape : tuple of int or None, default=None
        Shape ``(T, H, W)`` or ``(T, H, W, C)`` that the rows of a 2-D ``X`` are
        reshaped to. None reads each row of a 2-D ``X`` as one pixel over
        ``n_features`` frames, shape ``(n_features, 1, 1)``. Volumes given as 4-D or
        5-D arrays keep their own shape.
    n_jobs : int, default=None
        Volumes processed in parallel through joblib.

    Attributes
    ----------
    n_features_in_ : int
        Values per row when fitted on a 2-D ``X`` (absent when fitted on volumes).
    feature_names_in_ : ndarray of str
        Column names of a 2-D ``X`` that has string column names.

    Notes
    -----
    **Codes** (the Oulu ``LBPTOP.m``, basic codes, no bilinear interpolation). With
    :math:`\\theta_i = 2\\pi i / P`, neighbour :math:`i` of centre :math:`(t, y, x)` is
    at :math:`(x + R_x\\cos\\theta_i, y - R_y\\sin\\theta_i)` in XY,
    :math:`(x + R_x\\cos\\theta_i, t + R_t\\sin\\theta_i)` in XT and
    :math:`(y - R_y\\sin\\theta_i, t + R_t\\cos\\theta_i)` in YT, rounded to the nearest
    pixel (:math:`\\lfloor v + 1/2 \\rfloor`; an offset within float noise of a half,
    which only ``P`` = 6, 12, 24 produce, rounds up). Bit :math:`i` (weight
    :math:`2^i`) is set when the neighbour is :math:`\\ge` the centre. Centres are the
    pixels at least :math:`B = \\max(R_x, R_y)` from the frame border (``BorderLength``)
    in the frames at least :math:`R_t` from either end (``TimeLength``). See
    :func:`neighbor_offsets` and :func:`lbptop_codes`.

    **The MEGC settings.** The MEGC 2019 paper writes the radii as
    :math:`R_{XY}, R_{XT}, R_{YT} = \\{1, 1, 4\\}`; LBP-TOP has one radius per *axis*,
    not per plane (each plane samples two axes), and the baseline is the CASME II one
    whose best radii were :math:`R_X = 1, R_Y = 1, R_T = 4`. So ``radius=(1, 1, 4)``
    is ``FxRadius=1, FyRadius=1, TInterval=4``: on a 10-frame volume only frames 4 and
    5 (0-based) are centres and the temporal neighbours are 4 frames away.

    **Blocks.** As in the Oulu block-wise LBP-TOP code (``rows``, ``cols``, no
    overlap, one time block), the region of valid centres, of
    :math:`H_c = H - 2B` rows, is split into blocks of :math:`\\lfloor H_c / rows
    \\rfloor` rows, the last block taking the remainder (likewise for columns); every
    centre's neighbours are read from the whole volume, also across block borders.
    The Oulu block-wise code (not ``LBPTOP.m``) samples XT at :math:`t - R_t\\sin` and
    YT at :math:`(y - R\\cos, t - R_t\\sin)`: for these radii that is the same
    neighbours in another bit order, i.e. a fixed permutation of each histogram's bins,
    which changes no classifier that treats features alike.

    **Colour.** Colour volumes ``(..., 3)`` are converted to grey with MATLAB's
    ``rgb2gray`` weights (0.298936021293775 R + 0.587043074451121 G +
    0.114020904255103 B), rounded like MATLAB for uint8 input; ``(..., 1)`` is grey.

    **Features.** Row layout: block (row-major), then plane (XY, XT, YT), then code,
    named like ``"b2_3_xt_code07"`` (block row 2, column 3, XT plane, code 7).

    **State.** The step learns nothing (its tags say ``requires_fit=False``): ``fit``
    checks the parameters and the volumes, and records ``n_features_in_`` for a 2-D
    ``X`` so that :meth:`transform` can check later rows; an unfitted LBP-TOP
    transforms too.

    %(references)s

    Examples
    --------
    The MEGC 2019 baseline's features: clips resampled to 10 frames, then LBP-TOP.

    >>> import numpy as np
    >>> from saatkit.features import LBPTOP
    >>> from saatkit.preprocessing import TemporalInterpolator
    >>> clips = np.random.default_rng(0).integers(0, 256, (2, 17, 32, 32), dtype=np.uint8)
    >>> volumes = TemporalInterpolator(n_frames=10).fit_transform(clips)
    >>> lbptop = LBPTOP().fit(volumes)
    >>> features = lbptop.transform(volumes)
    >>> features.shape
    (2, 1200)
    >>> lbptop.get_feature_names_out()[[0, 16, 1199]].tolist()
    ['b0_0_xy_code00', 'b0_0_xt_code00', 'b4_4_yt_code15']
    """

    _parameter_constraints: ClassVar[dict] = {
        "radius": [tuple, list],
        "n_neighbors": [_NEIGHBORS, tuple, list],
        "grid": [_POSITIVE, tuple, list],
        "norm": [StrOptions(set(NORMS))],
        "volume_shape": [tuple, list, None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        radius=(1, 1, 4),
        n_neighbors=4,
        *,
        grid=(5, 5),
        norm="block",
        volume_shape=None,
        n_jobs=None,
    ):
        self.radius = radius
        self.n_neighbors = n_neighbors
        self.grid = grid
        self.norm = norm
        self.volume_shape = volume_shape
        self.n_jobs = n_jobs

    def _check_params(self):
        """``(radius, n_neighbors, grid)`` as tuples of ints, each element checked."""

        def check(name, interval, lengths, scalar=None):
            return check_int_tuple(
                getattr(self, name),
                name,
                "LBPTOP",
                interval=interval,
                lengths=lengths,
                scalar=scalar,
            )

        if self.volume_shape is not None:
            check("volume_shape", _POSITIVE, (3, 4))
        return (
            check("radius", _NATURAL, (3,)),
            check("n_neighbors", _NEIGHBORS, (3,), 3),
            check("grid", _POSITIVE, (2,), 2),
        )

    def _volumes(self, X, reset):
        """Validate ``X``; return its volumes and, for a 2-D ``X``, how rows were read."""
        if (
            isinstance(X, (list, tuple))
            and len(X) > 0
            and all(isinstance(v, np.ndarray) and v.ndim >= 3 for v in X)
        ):
            if reset:
                self._forget_2d()
            return [
                check_array(v, allow_nd=True, dtype="numeric", input_name=f"X[{i}]")
                for i, v in enumerate(X)
            ], None
        if (X.ndim if hasattr(X, "ndim") else np.asarray(X).ndim) <= 2:
            # Also 1-D and scalar X, for sklearn's usual "Reshape your data" error.
            X = validate_data(self, X, reset=reset, dtype="numeric")
            shape = self.volume_shape
            where = None
            if shape is None:
                shape = (X.shape[1], 1, 1)
                where = (
                    f"X has {X.shape[1]} feature(s) and volume_shape=None, so each row "
                    f"is read as one pixel over {X.shape[1]} frames, shape {shape}; "
                    "pass volume_shape=(T, H, W) to read rows as flattened volumes"
                )
            elif int(np.prod(shape)) != X.shape[1]:
                raise ValueError(
                    f"X has {X.shape[1]} feature(s) per row, but volume_shape={tuple(shape)} "
                    f"holds {int(np.prod(shape))} values."
                )
            return X.reshape((X.shape[0],) + tuple(shape)), where
        X = check_array(X, allow_nd=True, ensure_2d=False, dtype="numeric")
        if X.ndim not in (4, 5):
            raise ValueError(
                "X must be volumes of shape (n, T, H, W) or (n, T, H, W, C), a list of "
                "such volumes, or a 2-D array of flattened volumes (see volume_shape); got "
                f"an array of shape {X.shape}."
            )
        if X.shape[0] == 0:
            raise ValueError("X holds no volumes (0 sample(s)).")
        if reset:
            self._forget_2d()
        return X, None

    def _forget_2d(self):
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self, name):
                delattr(self, name)

    @staticmethod
    def _check_shape(volume, radius, grid, where):
        if volume.ndim not in (3, 4):
            raise ValueError(
                f"{where}: a volume must be (T, H, W) or (T, H, W, C), got shape {volume.shape}."
            )
        t_len, height, width = volume.shape[:3]
        if volume.ndim == 4 and volume.shape[3] not in (1, 3):
            raise ValueError(
                f"{where}: colour volumes must have 1 or 3 channels, got {volume.shape[3]}."
            )
        rx, ry, rt = radius
        border = max(rx, ry)
        problems = []
        if t_len < 2 * rt + 1:
            problems.append(f"{t_len} frame(s) but Rt={rt} needs at least {2 * rt + 1}")
        for axis, size, n_blocks in (("height", height, grid[0]), ("width", width, grid[1])):
            need = 2 * border + n_blocks
            if size < need:
                problems.append(
                    f"{axis} {size} but max(Rx, Ry)={border} and {n_blocks} block(s) need at "
                    f"least {need}"
                )
        if problems:
            raise ValueError(
                f"{where}: volume of shape {volume.shape} is too small: "
                + "; ".join(problems)
                + "."
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and that the volumes are large enough.

        Parameters
        ----------
        X : array of shape (n, T, H, W[, C]), list of such volumes, or (n, n_values)
            Volumes; a 2-D ``X`` holds one flattened volume per row (see
            ``volume_shape``).
        y : ignored

        Returns
        -------
        self : LBPTOP
        """
        radius, _, grid = self._check_params()
        volumes, where = self._volumes(X, reset=True)
        for i, volume in enumerate(volumes):
            self._check_shape(volume, radius, grid, where or f"X[{i}]")
        return self

    def transform(self, X):
        """LBP-TOP histograms of each volume.

        Parameters
        ----------
        X : array of shape (n, T, H, W[, C]), list of such volumes, or (n, n_values)
            Grey (or colour, see Notes) volumes, uint8 or float; a list may mix sizes.

        Returns
        -------
        features : ndarray of shape (n, n_blocks * (2**Pxy + 2**Pxt + 2**Pyt)), float64
        """
        self._validate_params()
        radius, counts, grid = self._check_params()
        volumes, where = self._volumes(X, reset=False)
        for i, volume in enumerate(volumes):
            self._check_shape(volume, radius, grid, where or f"X[{i}]")
        rows = Parallel(n_jobs=self.n_jobs)(
            delayed(_histograms)(volume, radius, counts, grid, self.norm) for volume in volumes
        )
        return np.vstack(rows)

    def get_feature_names_out(self, input_features=None):
        """Names ``"b{row}_{col}_{plane}_code{k}"`` of the output columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Not used in the names; checked, as scikit-learn checks them, against
            ``feature_names_in_`` and ``n_features_in_`` when ``fit`` saw a 2-D ``X``.

        Returns
        -------
        names : ndarray of str
        """
        self._validate_params()
        self._check_input_features(input_features)
        _, counts, (rows, cols) = self._check_params()
        names = [
            f"b{r}_{c}_{plane}_code{code:0{len(str(2**p - 1))}d}"
            for r in range(rows)
            for c in range(cols)
            for plane, p in zip(PLANES, counts)
            for code in range(2**p)
        ]
        return np.asarray(names, dtype=object)

    def _check_input_features(self, input_features):
        """Refuse names that are not the columns of a 2-D ``X`` seen by ``fit``."""
        if input_features is None:
            return
        input_features = np.asarray(input_features, dtype=object)
        names = getattr(self, "feature_names_in_", None)
        if names is not None and not np.array_equal(names, input_features):
            raise ValueError("input_features is not equal to feature_names_in_")
        n_features = getattr(self, "n_features_in_", None)
        if n_features is not None and len(input_features) != n_features:
            raise ValueError(
                "input_features should have length equal to number of features "
                f"({n_features}), got {len(input_features)}"
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.three_d_array = True
        return tags
