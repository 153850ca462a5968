"""Facial motion for the synthetic benchmark: action units, timing, head motion, warping.

An expression is a displacement of the 68 landmarks, built from FACS-style action units
(:data:`ACTION_UNITS`). The displacement is spread over the image by Gaussian radial
basis function (RBF) interpolation and the neutral rendering is warped by it, together
with a rigid head motion, so the face is drawn once per identity and every frame costs
one interpolated warp.

Notes
-----
The forward model moves a neutral point :math:`p` to

.. math:: x = p + M(p)\\,(T_t(p) - p) + a(t)\\,F(p),

where :math:`T_t` is the head's similarity transform at time :math:`t`, :math:`M` a soft
mask of what moves with the head (1 on the face, 0 on the background),
:math:`F(p) = \\sum_j w_j \\exp(-\\lVert p - c_j\\rVert^2 / 2\\sigma^2)` the expression
field at its apex with centres :math:`c_j` at the neutral landmarks, and :math:`a(t)` the
intensity profile (0 before onset, 1 at apex, 0 after offset). The RBF weights solve
:math:`(\\Phi + \\lambda I) w = D` for landmark displacements :math:`D`, and are rescaled
so that the largest landmark displacement :math:`\\max_i \\lVert F(p_i)\\rVert` is the
requested peak. Frames are drawn by backward mapping: the source of output pixel
:math:`x` is the fixed point of :math:`y = x - D(y)`, found by a few iterations (the
displacement is smooth and small, so they converge fast). The true landmarks of a frame
are the forward model applied to the neutral landmarks.
"""

import cv2
import numpy as np

from ..data import data_rows
from ._identity import _MIRROR, N_LANDMARKS

# Action units as landmark displacements in face coordinates (IOD units), listed in
# ``synthetic_action_units.csv`` for the image-left half and the midline as (outward,
# down): outward is away from the midline. The image-right half mirrors them. Largest
# entry 1 = the AU's own full amplitude.
_AU_FILE = "synthetic_action_units.csv"


def _read_au_table():
    """AU name -> {landmark: (outward, down)}, in the file's order."""
    table = {}
    for row in data_rows(_AU_FILE):
        moves = table.setdefault(row["unit"], {})
        moves[int(row["landmark"])] = (float(row["outward"]), float(row["down"]))
    return table


# How far each AU moves its landmarks relative to the others at equal intensity: lids
# move less than brows or the jaw.
_AU_REACH = {
    "AU1": 1.0,
    "AU2": 1.0,
    "AU4": 1.0,
    "AU6": 0.45,
    "AU7": 0.35,
    "AU9": 0.8,
    "AU12": 1.0,
    "AU14": 0.7,
    "AU15": 0.8,
    "AU17": 0.8,
    "AU24": 0.6,
    "AU26": 1.0,
}


def _build_action_units():
    units = {}
    for name, moves in _read_au_table().items():
        d = np.zeros((N_LANDMARKS, 2))
        for i, (out, down) in moves.items():
            if _MIRROR[i] == i:
                d[i] = (0.0, down)
            else:
                # The table lists image-left points: outward is -x there, +x on the mirror.
                # 0.0 - out, not -out: a zero outward motion stays +0.0 (a -0.0 would
                # change the clips' specs, and so their cache keys).
                d[i] = (0.0 - out, down)
                d[_MIRROR[i]] = (out, down)
        units[name] = d * _AU_REACH[name]
    return units


ACTION_UNITS = _build_action_units()
"""dict: action unit name -> (68, 2) displacement in face coordinates at full intensity."""

SIDE = np.zeros(N_LANDMARKS)
SIDE[[i for i in range(N_LANDMARKS) if _MIRROR[i] > i]] = -1.0  # image-left half
SIDE[[i for i in range(N_LANDMARKS) if _MIRROR[i] < i]] = 1.0


def subject_signature(rng):
    """How one person performs each action unit: a small rotation and per-landmark gain.

    Returns a dict AU name -> (68, 2) displacement that replaces :data:`ACTION_UNITS`
    for that person, so that subjects differ in how their expressions look.
    """
    out = {}
    for name in sorted(ACTION_UNITS):
        angle = np.deg2rad(rng.normal(0, 15))
        c, s = np.cos(angle), np.sin(angle)
        rot = np.array([[c, -s], [s, c]])
        d = ACTION_UNITS[name] @ rot.T
        # Mirror the rotation so both halves turn symmetrically about the midline.
        d[SIDE > 0] = ACTION_UNITS[name][SIDE > 0] @ rot
        gain = np.exp(rng.normal(0, 0.2, N_LANDMARKS))
        out[name] = d * gain[:, None]
    return out


def combine_action_units(weights, signature=None, asymmetry=(1.0, 1.0)):
    """Landmark displacement of a combination of action units (face coordinates).

    Parameters
    ----------
    weights : dict
        AU name -> relative intensity.
    signature : dict, default=None
        Per-subject AU displacements from :func:`subject_signature`.
    asymmetry : (float, float)
        Gains of the image-left and image-right halves (the midline takes their mean).
    """
    units = ACTION_UNITS if signature is None else signature
    d = sum(w * units[name] for name, w in weights.items())
    gain = np.where(
        SIDE < 0, asymmetry[0], np.where(SIDE > 0, asymmetry[1], (asymmetry[0] + asymmetry[1]) / 2)
    )
    return d * gain[:, None]


# --------------------------------------------------------------------------- timing


def intensity_profile(times, onset, apex, offset):
    """Expression intensity of a synthetic clip over time: 0 outside onset-offset, 1 at apex.

    The ground truth that the synthetic clips are rendered from: each frame's landmark
    displacement is this intensity times the displacement at the apex, so it says how
    much expression a spotted apex frame shows.

    Parameters
    ----------
    times : array-like of float
        Frame positions (or any times on the same scale as onset, apex and offset).
    onset, apex, offset : float
        Where the expression starts, peaks and ends (``clip.onset``, ``clip.apex``,
        ``clip.offset`` of a synthetic clip).

    Returns
    -------
    intensity : ndarray of float, the shape of ``times``
        Between 0 and 1.

    Notes
    -----
    A raised-cosine rise from onset to apex and fall from apex to offset,

    .. math:: a(t) = \\sin^2\\left(\\frac{\\pi}{2} \\frac{t - t_o}{t_a - t_o}\\right)
              \\text{ on } (t_o, t_a], \\qquad
              a(t) = \\cos^2\\left(\\frac{\\pi}{2} \\frac{t - t_a}{t_f - t_a}\\right)
              \\text{ on } (t_a, t_f),

    so that the displacement and its speed are continuous.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.datasets.synthetic import intensity_profile
    >>> intensity_profile(np.arange(7), onset=1, apex=3, offset=5).round(2).tolist()
    [0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """
    t = np.asarray(times, float)
    a = np.zeros_like(t)
    rise = (t > onset) & (t <= apex)
    fall = (t > apex) & (t < offset)
    if apex > onset:
        a[rise] = np.sin(0.5 * np.pi * (t[rise] - onset) / (apex - onset)) ** 2
    a[t == apex] = 1.0
    if offset > apex:
        a[fall] = np.cos(0.5 * np.pi * (t[fall] - apex) / (offset - apex)) ** 2
    return a


# --------------------------------------------------------------------------- warping


class ExpressionBasis:
    """Gaussian RBF interpolation of landmark displacements over an image region.

    Parameters
    ----------
    centres : ndarray (n, 2)
        Neutral landmark positions in pixels (the RBF centres).
    sigma : float
        Gaussian width in pixels.
    ridge : float, default=1e-3
        Tikhonov regularisation; close centres (the eyelids) make the system
        ill-conditioned without it.
    """

    def __init__(self, centres, sigma, ridge=1e-3):
        self.centres = np.asarray(centres, float)
        self.sigma = float(sigma)
        phi = self._kernel(self.centres)
        self._solve = np.linalg.inv(phi + ridge * np.eye(len(phi)))

    def _kernel(self, points):
        d2 = ((np.asarray(points, float)[:, None, :] - self.centres[None]) ** 2).sum(-1)
        return np.exp(-d2 / (2 * self.sigma**2))

    def weights(self, displacement):
        """RBF weights (n, 2) that reproduce ``displacement`` at the centres."""
        return self._solve @ np.asarray(displacement, float)

    def at(self, points, weights):
        """The field at arbitrary points (k, 2)."""
        return self._kernel(points) @ weights

    def grid(self, weights, origin, shape):
        """The field on a pixel grid of ``shape`` (h, w) starting at ``origin`` (x, y).

        The Gaussian is separable, so the field is two small matrix products.
        """
        s2 = 2 * self.sigma**2
        xs = np.arange(shape[1]) + origin[0]
        ys = np.arange(shape[0]) + origin[1]
        gx = np.exp(-np.minimum((xs[:, None] - self.centres[None, :, 0]) ** 2 / s2, 30))
        gy = np.exp(-np.minimum((ys[:, None] - self.centres[None, :, 1]) ** 2 / s2, 30))
        # Far tails are zeroed: denormal numbers would make the products 100 times slower.
        gx[gx < 1e-9] = 0
        gy[gy < 1e-9] = 0
        field = np.empty((shape[0], shape[1], 2), np.float32)
        for k in range(2):
            field[..., k] = (gy * weights[:, k]) @ gx.T
        return field


def similarity_displacement(params, centre, x, y):
    """Displacement T(p) - p of the head transform ``params`` = (tx, ty, roll_rad, scale)
    about ``centre``, at points with coordinate arrays ``x``, ``y``."""
    tx, ty, roll, scale = params
    c, s = scale * np.cos(roll), scale * np.sin(roll)
    dx, dy = x - centre[0], y - centre[1]
    return (c - 1) * dx - s * dy + tx, s * dx + (c - 1) * dy + ty


def warp_region(image, grid_x, grid_y, mask, field, head, centre, amplitude, iterations=2):
    """Warp ``image`` (a region, float32) by the forward model of this module.

    Parameters
    ----------
    image : ndarray (h, w) or (h, w, c), float32
        The neutral region.
    grid_x, grid_y : ndarray (h, w), float32
        Pixel coordinates of the region in the scene.
    mask : ndarray (h, w), float32
        What moves with the head.
    field : ndarray (h, w, 2), float32
        Expression field at its apex.
    head : tuple (tx, ty, roll, scale)
        Head transform of this frame (pixels, radians).
    centre : (x, y)
        Centre of the head transform (scene pixels).
    amplitude : float
        Expression intensity of this frame.
    iterations : int, default=2
        Fixed-point iterations of the backward map.
    """
    head = tuple(np.float32(v) for v in head)
    centre = tuple(np.float32(v) for v in centre)
    amplitude = np.float32(amplitude)
    hx, hy = similarity_displacement(head, centre, grid_x, grid_y)
    dx = mask * hx + amplitude * field[..., 0]
    dy = mask * hy + amplitude * field[..., 1]
    origin_x, origin_y = grid_x[0, 0], grid_y[0, 0]
    if iterations > 1:
        aux = np.dstack([mask, field])
    for _ in range(iterations - 1):
        sx = grid_x - dx - origin_x
        sy = grid_y - dy - origin_y
        m, fx, fy = cv2.split(
            cv2.remap(aux, sx, sy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        )
        hx, hy = similarity_displacement(head, centre, sx + origin_x, sy + origin_y)
        dx = m * hx + amplitude * fx
        dy = m * hy + amplitude * fy
    return cv2.remap(
        image,
        grid_x - dx - origin_x,
        grid_y - dy - origin_y,
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
