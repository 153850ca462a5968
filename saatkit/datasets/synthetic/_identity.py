"""Synthetic people: the parameters of an identity and its 68 neutral landmarks.

A face is described in *face coordinates*: the origin midway between the eye centres,
x to the image right, y down, and the inter-ocular distance (IOD) as the unit. An
identity (:func:`random_identity`) fixes the 68 neutral landmark positions (iBUG order:
jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67), skin, hair and lighting;
:mod:`._face_renderer` draws it.
"""

import numpy as np

from ..data import data_rows

N_LANDMARKS = 68

# iBUG index pairs that mirror each other across the face's vertical midline.
_MIRROR = np.arange(N_LANDMARKS)
for _a, _b in (
    [(k, 16 - k) for k in range(8)]
    + [(17, 26), (18, 25), (19, 24), (20, 23), (21, 22), (31, 35), (32, 34)]
    + [(36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46)]
    + [(48, 54), (49, 53), (50, 52), (59, 55), (58, 56), (60, 64), (61, 63), (67, 65)]
):
    _MIRROR[_a], _MIRROR[_b] = _b, _a

LEFT_EYE = np.arange(36, 42)  # image left (the subject's right eye)
RIGHT_EYE = np.arange(42, 48)


def _u(rng, low, high):
    return float(rng.uniform(low, high))


# Shape and hair parameters of an identity (face coordinates), listed in
# ``synthetic_identity.csv`` with the part they are drawn in, each uniform between low and
# high, or, where the row names a key of :data:`POPULATIONS`, in that population's range.
_RANGES_FILE = "synthetic_identity.csv"


def _read_ranges():
    """Part -> [(parameter, (low, high) or None, population key or "")], in file order."""
    parts = {}
    for row in data_rows(_RANGES_FILE):
        bounds = (float(row["low"]), float(row["high"])) if row["low"] else None
        parts.setdefault(row["part"], []).append((row["parameter"], bounds, row["population"]))
    return parts


_RANGES = _read_ranges()


def _draw_ranges(rng, part, pop):
    """The parameters of one part of the table, drawn in its order for population ``pop``."""
    return {
        name: _u(rng, *(pop[population] if population else bounds))
        for name, bounds, population in _RANGES[part]
    }


# Appearance ranges of a group of people: skin tone (a Beta distribution between a dark
# and a light tone), hair colour (black, brown, fair, grey), eye opening and face width
# in IOD.
POPULATIONS = {
    "wide": dict(tone=(1.6, 1.4), hair=(0.5, 0.3, 0.12, 0.08), eye=(0.11, 0.15), jaw=(1.05, 1.22)),
    "moderate": dict(
        tone=(3.0, 2.0), hair=(0.6, 0.3, 0.1, 0.0), eye=(0.1, 0.14), jaw=(1.07, 1.22)
    ),
    "narrow": dict(
        tone=(7.0, 4.0), hair=(0.85, 0.15, 0.0, 0.0), eye=(0.09, 0.125), jaw=(1.12, 1.25)
    ),
}


def random_identity(seed, population="wide"):
    """Draw the parameters of one synthetic person.

    Parameters
    ----------
    seed : int or sequence of int
        Entropy of :class:`numpy.random.SeedSequence`; the same seed gives the same
        person.
    population : {"wide", "moderate", "narrow"}, default="wide"
        Range of appearance the person is drawn from (:data:`POPULATIONS`).

    Returns
    -------
    identity : dict
        Shape parameters (face coordinates), colours (RGB in [0, 1]), lighting and the
        68 neutral landmarks under ``"landmarks"``.
    """
    rng = np.random.default_rng(seed)
    pop = POPULATIONS[population]
    tone = rng.beta(*pop["tone"])
    dark, light = np.array([0.33, 0.21, 0.15]), np.array([0.95, 0.78, 0.67])
    skin = (1 - tone) * dark + tone * light
    skin = np.clip(skin * rng.normal(1, 0.03, 3), 0, 1)
    hair_kind = rng.choice(4, p=pop["hair"])
    hair = [
        np.array([0.06, 0.05, 0.05]),  # black
        np.array([0.22, 0.14, 0.09]),  # brown
        np.array([0.55, 0.42, 0.25]),  # fair
        np.array([0.55, 0.55, 0.55]),  # grey
    ][hair_kind] * rng.uniform(0.85, 1.15)
    iris = [
        np.array([0.18, 0.11, 0.06]),
        np.array([0.30, 0.38, 0.45]),
        np.array([0.30, 0.30, 0.18]),
    ][rng.choice(3, p=[0.7, 0.15, 0.15])]
    light_dir = np.array([_u(rng, -0.45, 0.45), _u(rng, -0.55, -0.15), 1.0])
    # The order of the draws is each seed's person: the table's shape part, the head's
    # roll, the table's hair part, then the rest as listed.
    identity = _draw_ranges(rng, "shape", pop)
    identity["roll"] = float(rng.normal(0, 2.0))
    identity |= _draw_ranges(rng, "hair", pop)
    identity |= {
        "long_hair": bool(rng.random() < 0.35),
        "skin": skin,
        "lips": np.clip(skin * np.array([0.82, 0.52, 0.52]) * rng.uniform(0.9, 1.05), 0, 1),
        "hair": np.clip(hair, 0, 1),
        "brows": np.clip(hair * 0.8 + 0.02, 0, 1) if hair_kind < 2 else np.clip(hair * 0.6, 0, 1),
        "iris": iris,
        "clothes": rng.uniform(0.1, 0.8, 3),
        "light": light_dir / np.linalg.norm(light_dir),
        "ambient": 0.38,
        "texture_seed": int(rng.integers(2**31)),
    }
    identity["landmarks"] = neutral_landmarks(identity, rng)
    return identity


def neutral_landmarks(p, rng=None):
    """The 68 neutral landmarks of identity ``p`` in face coordinates.

    The image-left half is built from the shape parameters and mirrored; ``rng``, when
    given, adds a small asymmetry (real faces are never symmetric).
    """
    pts = np.zeros((N_LANDMARKS, 2))
    theta = np.linspace(0, np.pi, 17)
    cos, sin = np.cos(theta), np.sin(theta)
    pts[:17, 0] = -p["jaw_half_width"] * np.sign(cos) * np.abs(cos) ** p["jaw_squareness"]
    pts[:17, 1] = p["jaw_top"] + p["chin"] * sin ** p["jaw_fullness"]

    u = np.linspace(0, 1, 5)  # outer (17) to inner (21)
    alpha = np.log(0.5) / np.log(p["brow_peak"])
    pts[17:22, 0] = -(p["brow_outer"] + (p["brow_inner"] - p["brow_outer"]) * u)
    pts[17:22, 1] = p["brow_height"] - p["brow_arch"] * np.sin(np.pi * u**alpha) + 0.04 * u

    tip, base = p["nose_tip"], p["nose_tip"] + p["nose_base"]
    pts[27:31, 1] = np.linspace(0.0, tip, 4)
    nw = p["nose_width"]
    pts[31] = (-nw, base - 0.05)
    pts[32] = (-nw * 0.5, base - 0.005)
    pts[33] = (0.0, base + 0.01)

    w, h, tilt = p["eye_width"], p["eye_opening"], p["eye_tilt"]
    outer, inner = -0.5 - w / 2, -0.5 + w / 2
    pts[36] = (outer, -tilt)
    pts[37] = (outer + w * 0.3, -h * 0.5 - tilt * 0.6)
    pts[38] = (outer + w * 0.66, -h * 0.52 - tilt * 0.25)
    pts[39] = (inner, 0.01)
    pts[40] = (outer + w * 0.66, h * 0.45 - tilt * 0.25)
    pts[41] = (outer + w * 0.3, h * 0.43 - tilt * 0.6)

    ym = base + p["mouth_gap"]
    mw, ul, ll = p["mouth_half_width"], p["upper_lip"], p["lower_lip"]
    pts[48] = (-mw, ym)
    pts[49] = (-mw * 0.58, ym - ul * 0.85)
    pts[50] = (-mw * 0.22, ym - ul)
    pts[51] = (0.0, ym - ul * 0.85)
    pts[57] = (0.0, ym + ll)
    pts[58] = (-mw * 0.28, ym + ll * 0.95)
    pts[59] = (-mw * 0.62, ym + ll * 0.72)
    pts[60] = (-mw * 0.84, ym)
    pts[61] = (-mw * 0.35, ym - 0.006)
    pts[62] = (0.0, ym - 0.006)
    pts[66] = (0.0, ym + 0.006)
    pts[67] = (-mw * 0.35, ym + 0.006)

    left = np.array([i for i in range(N_LANDMARKS) if _MIRROR[i] != i and pts[i, 0] < 0])
    pts[_MIRROR[left]] = pts[left] * (-1, 1)
    if rng is not None:
        pts += rng.normal(0, 0.008, pts.shape)
    return pts
