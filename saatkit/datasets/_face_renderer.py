"""Procedural frontal faces drawn from 68 landmarks, for the synthetic benchmark.

A face is described in *face coordinates*: the origin midway between the eye centres,
x to the image right, y down, and the inter-ocular distance (IOD) as the unit. An
identity (:func:`random_identity`) fixes the 68 neutral landmark positions (iBUG order:
jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67), skin, hair and lighting.
:func:`render_identity` draws it once into a scene: an albedo image (skin with texture,
brows, eyes with iris and lid lines, nostrils, lips with the dark line between them,
hair, ears, neck) lit through a height field (head ellipsoid, nose, eye sockets, cheeks,
chin), drawn at twice the resolution and reduced, so edges are anti-aliased. Every
feature is drawn at its landmarks, so the landmarks are the ground truth of where a
landmark detector should put its points.

Expressions and head motion never redraw the face: :mod:`._synthetic_motion` warps this
neutral rendering with a smooth displacement field.
"""

from dataclasses import dataclass

import cv2
import numpy as np

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

# Drawing resolution relative to the output, for anti-aliased edges.
_SUPERSAMPLE = 2
# cv2 drawing takes fixed-point coordinates with this many fractional bits.
_SHIFT = 4


def _u(rng, low, high):
    return float(rng.uniform(low, high))


# Appearance ranges of a group of people: skin tone (a Beta distribution between a dark
# and a light tone), hair colour (black, brown, fair, grey), eye opening and face width
# in IOD.
POPULATIONS = {
    "wide": dict(tone=(1.6, 1.4), hair=(0.5, 0.3, 0.12, 0.08), eye=(0.11, 0.15),
                 jaw=(1.05, 1.22)),
    "moderate": dict(tone=(3.0, 2.0), hair=(0.6, 0.3, 0.1, 0.0), eye=(0.1, 0.14),
                     jaw=(1.07, 1.22)),
    "narrow": dict(tone=(7.0, 4.0), hair=(0.85, 0.15, 0.0, 0.0), eye=(0.09, 0.125),
                   jaw=(1.12, 1.25)),
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
    iris = [np.array([0.18, 0.11, 0.06]), np.array([0.30, 0.38, 0.45]),
            np.array([0.30, 0.30, 0.18])][rng.choice(3, p=[0.7, 0.15, 0.15])]
    light_dir = np.array([_u(rng, -0.45, 0.45), _u(rng, -0.55, -0.15), 1.0])
    identity = {
        "jaw_half_width": _u(rng, *pop["jaw"]),
        "jaw_top": _u(rng, -0.08, 0.02),
        "chin": _u(rng, 1.66, 1.86),
        "jaw_squareness": _u(rng, 0.6, 0.8),
        "jaw_fullness": _u(rng, 1.1, 1.45),
        "forehead": _u(rng, 1.45, 1.7),
        "brow_height": _u(rng, -0.36, -0.26),
        "brow_inner": _u(rng, 0.15, 0.24),
        "brow_outer": _u(rng, 0.82, 0.98),
        "brow_arch": _u(rng, 0.05, 0.13),
        "brow_peak": _u(rng, 0.3, 0.5),
        "brow_thickness": _u(rng, 0.06, 0.1),
        "eye_width": _u(rng, 0.36, 0.44),
        "eye_opening": _u(rng, *pop["eye"]),
        "eye_tilt": _u(rng, -0.03, 0.03),
        "iris_radius": _u(rng, 0.08, 0.095),
        "nose_tip": _u(rng, 0.5, 0.6),
        "nose_base": _u(rng, 0.17, 0.23),
        "nose_width": _u(rng, 0.19, 0.27),
        "mouth_gap": _u(rng, 0.2, 0.3),
        "mouth_half_width": _u(rng, 0.38, 0.5),
        "upper_lip": _u(rng, 0.07, 0.11),
        "lower_lip": _u(rng, 0.13, 0.18),
        "roll": float(rng.normal(0, 2.0)),
        "hairline": _u(rng, -1.25, -0.95),
        "hair_volume": _u(rng, 0.08, 0.3),
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


# --------------------------------------------------------------------------- drawing


def _mask(shape, polys=(), ellipses=(), lines=(), thickness=1):
    """A float32 coverage mask from polygons, ellipses and open polylines (canvas px)."""
    mask = np.zeros(shape, np.uint8)
    for poly in polys:
        cv2.fillPoly(mask, [np.round(poly * (1 << _SHIFT)).astype(np.int32)], 255,
                     cv2.LINE_AA, _SHIFT)
    for (cx, cy), (ax, ay), angle in ellipses:
        cv2.ellipse(mask, (int(round(cx * 16)), int(round(cy * 16))),
                    (max(int(round(ax * 16)), 1), max(int(round(ay * 16)), 1)),
                    angle, 0, 360, 255, -1, cv2.LINE_AA, 4)
    for line in lines:
        cv2.polylines(mask, [np.round(line * (1 << _SHIFT)).astype(np.int32)], False, 255,
                      max(int(round(thickness)), 1), cv2.LINE_AA, _SHIFT)
    return mask.astype(np.float32) / 255.0


def _paint(image, mask, colour, opacity=1.0):
    """Blend ``colour`` into ``image`` where ``mask`` covers it (only over its extent)."""
    x, y, w, h = cv2.boundingRect((mask > 0).astype(np.uint8))
    if w == 0:
        return
    a = mask[y:y + h, x:x + w, None] * np.float32(opacity)
    region = image[y:y + h, x:x + w]
    region *= 1 - a
    region += a * np.asarray(colour, np.float32)


def _smooth_curve(points, n=40, closed=False):
    """Catmull-Rom curve through ``points`` (k, 2), ``n`` samples per segment."""
    p = np.asarray(points, float)
    if closed:
        p = np.vstack([p[-1], p, p[0], p[1]])
    else:
        p = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
    t = np.linspace(0, 1, n, endpoint=False)[:, None]
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3))
    if not closed:
        out.append(p[-2][None])
    return np.vstack(out)


def _noise(rng, shape, sigma):
    field = cv2.GaussianBlur(rng.standard_normal(shape).astype(np.float32), (0, 0), sigma)
    return field / (field.std() + 1e-8)


class FaceLayout:
    """Maps face coordinates of one identity to scene pixels (centre, scale, roll)."""

    def __init__(self, center, iod, roll_degrees):
        self.center = np.asarray(center, float)
        self.iod = float(iod)
        r = np.deg2rad(roll_degrees)
        self.rotation = np.array([[np.cos(r), -np.sin(r)], [np.sin(r), np.cos(r)]])

    def to_scene(self, face_pts):
        return self.center + (np.asarray(face_pts, float) @ self.rotation.T) * self.iod

    def to_face(self, scene_pts):
        return ((np.asarray(scene_pts, float) - self.center) / self.iod) @ self.rotation

    def face_grid(self, origin, scale, shape):
        """Face coordinates (fx, fy), float32, of a grid of ``shape`` pixels that starts
        at scene point ``origin`` with ``scale`` pixels per scene pixel."""
        xs = ((np.arange(shape[1]) / scale + origin[0] - self.center[0]) / self.iod)
        ys = ((np.arange(shape[0]) / scale + origin[1] - self.center[1]) / self.iod)
        c, s = np.float32(self.rotation[0, 0]), np.float32(self.rotation[1, 0])
        xs, ys = xs.astype(np.float32)[None, :], ys.astype(np.float32)[:, None]
        return xs * c + ys * s, ys * c - xs * s


def head_outline(p, n=64):
    """Closed outline of the face skin: jaw (0-16) and the forehead above it."""
    lm = p["landmarks"]
    phi = np.linspace(0, np.pi, n)[1:-1]
    a = (lm[16, 0] - lm[0, 0]) / 2
    cx = (lm[16, 0] + lm[0, 0]) / 2
    top = np.column_stack([cx + a * np.cos(phi),
                           (lm[0, 1] + lm[16, 1]) / 2 - p["forehead"] * np.sin(phi) ** 0.8])
    jaw = _smooth_curve(lm[:17], n=6)
    return np.vstack([jaw, top])


def _height_field(p, fx, fy):
    """Relief of the head in face coordinates (arrays fx, fy), in IOD units."""
    lm = p["landmarks"]
    a = p["jaw_half_width"] * 1.04
    yc = (p["chin"] - p["forehead"]) / 2 + 0.1
    b = (p["chin"] + p["forehead"]) / 2 + 0.1
    r2 = (fx / a) ** 2 + ((fy - yc) / b) ** 2
    z = 1.3 * np.sqrt(np.clip(1 - r2, 0.0, None))

    def blob(x, y, sx, sy, h):
        return h * np.exp(-((fx - x) ** 2) / (2 * sx**2) - ((fy - y) ** 2) / (2 * sy**2))

    tip = lm[30]
    ramp = np.clip(fy / max(tip[1], 1e-3), 0, 1.1)
    bridge = np.exp(-((fx - tip[0]) ** 2) / (2 * (0.05 + 0.05 * ramp) ** 2))
    z = z + 0.16 * ramp * bridge * (fy < tip[1] + 0.1)
    z = z + blob(tip[0], tip[1] + 0.03, 0.09, 0.08, 0.12)
    for k in (31, 35):
        z = z + blob(lm[k, 0], lm[k, 1] - 0.02, 0.06, 0.05, 0.07)
    for k in (LEFT_EYE, RIGHT_EYE):
        c = lm[k].mean(0)
        z = z - blob(c[0], c[1] - 0.03, 0.2, 0.13, 0.14)  # eye socket
        z = z + blob(c[0], c[1] + 0.38, 0.22, 0.16, 0.08)  # cheekbone
    z = z + blob(lm[8, 0], lm[8, 1] - 0.22, 0.25, 0.12, 0.06)  # chin
    mouth = lm[48:60].mean(0)
    z = z + blob(mouth[0], mouth[1], 0.4, 0.12, 0.05)
    z = z - blob(mouth[0], lm[57, 1] + 0.09, 0.22, 0.05, 0.035)  # fold under the lower lip
    return z


def _shading(p, z, step):
    """Lambertian shading of height field ``z`` sampled every ``step`` IOD."""
    gy, gx = np.gradient(z, step)
    n = np.stack([-gx, -gy, np.ones_like(z)], axis=-1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    lx, ly, lz = p["light"]
    # y is down in image coordinates, the light comes from above: ly < 0.
    diffuse = np.clip(n[..., 0] * lx + n[..., 1] * ly + n[..., 2] * lz, 0, 1)
    ambient = p["ambient"]
    return (ambient + (1.06 - ambient) * diffuse).astype(np.float32)


@dataclass
class NeutralRendering:
    """One identity drawn into one scene.

    Attributes
    ----------
    image : ndarray of shape (H, W, 3), float32
        The whole scene in [0, 1], RGB, before any recording style.
    closed_eyes : ndarray of shape (h, w, 3), float32
        The scene region ``eye_box`` with both eyes closed (for blinks).
    eye_box : tuple (x0, y0, x1, y1)
    head_mask : ndarray of shape (H, W), float32
        Soft mask of what moves with the head (face, hair, ears, upper neck).
    landmarks : ndarray of shape (68, 2)
        Neutral landmarks in scene pixels.
    """

    image: np.ndarray
    closed_eyes: np.ndarray
    eye_box: tuple
    head_mask: np.ndarray
    landmarks: np.ndarray


class _Drawing:
    """What the drawing steps share: the supersampled canvas and the face's geometry."""

    def __init__(self, p, canvas, origin, layout):
        self.p = p
        self.lm = p["landmarks"]
        self.img = canvas
        self.shape = canvas.shape[:2]
        self.origin = np.asarray(origin, float)  # scene point of canvas pixel (0, 0)
        self.layout = layout
        self.unit = layout.iod * _SUPERSAMPLE  # canvas pixels per IOD
        self.rng = np.random.default_rng(p["texture_seed"])
        self.fx, self.fy = layout.face_grid(self.origin, _SUPERSAMPLE, self.shape)

    def pts(self, face_pts):
        """Canvas pixel coordinates of face points."""
        return (self.layout.to_scene(face_pts) - self.origin) * _SUPERSAMPLE

    def ellipse(self, centre, axes):
        (cx, cy), = self.pts([centre])
        return (cx, cy), (axes[0] * self.unit, axes[1] * self.unit), -self.p["roll"]

    def blurred_line(self, face_pts, thickness, blur):
        line = _smooth_curve(self.pts(face_pts), n=8)
        m = _mask(self.shape, lines=[line], thickness=thickness * self.unit)
        return cv2.GaussianBlur(m, (0, 0), blur * self.unit)


def _draw_body(d):
    """Shoulders, neck, and the jaw's shadow on the neck (which shows the chin line)."""
    p, lm, unit = d.p, d.lm, d.unit
    chin = lm[8, 1]
    _paint(d.img, _mask(d.shape, ellipses=[d.ellipse((0, chin + 2.1), (2.6, 1.3))]), p["clothes"])
    neck = np.array([[-0.62, 0.9], [0.62, 0.9], [0.72, chin + 1.0], [-0.72, chin + 1.0]])
    _paint(d.img, _mask(d.shape, polys=[d.pts(neck)]), p["skin"] * 0.72)
    _paint(d.img, _mask(d.shape, ellipses=[d.ellipse((0, chin + 1.0), (0.72, 0.25))]),
           p["skin"] * 0.72)
    under_jaw = np.vstack([lm[3:14], [[0.7, chin + 0.35], [-0.7, chin + 0.35]]])
    shadow = cv2.GaussianBlur(_mask(d.shape, polys=[d.pts(under_jaw)]), (0, 0), 0.06 * unit)
    _paint(d.img, shadow, p["skin"] * 0.4, 0.9)
    # What moves with the head includes the top of the neck.
    return _mask(d.shape, polys=[d.pts([[-0.62, 0.9], [0.62, 0.9], [0.7, 1.6], [-0.7, 1.6]])])


def _draw_hair_and_skin(d):
    """Hair behind the head, ears, textured skin, folds, hairline. Returns the masks of
    the face skin and of everything on the head."""
    p, lm, unit, rng = d.p, d.lm, d.unit, d.rng
    vol = p["hair_volume"]
    back = _smooth_curve(np.array([
        [-1.0, 0.2], [-1.1 - vol, -0.5], [-0.9 - vol, -1.4], [0, -1.85 - vol],
        [0.9 + vol, -1.4], [1.1 + vol, -0.5], [1.0, 0.2]]), n=12)
    if p["long_hair"]:
        back = np.vstack([back, [[1.15 + vol, 1.9], [-1.15 - vol, 1.9]]])
    hair_mask = _mask(d.shape, polys=[d.pts(back)])
    # Strands: noise stretched along y.
    strands = 1 + 0.12 * cv2.GaussianBlur(rng.standard_normal(d.shape).astype(np.float32),
                                          (0, 0), sigmaX=0.6, sigmaY=3.0)
    hair = p["hair"] * strands[..., None]
    _paint(d.img, hair_mask, 0)
    d.img += hair_mask[..., None] * hair

    for side in (-1, 1):
        ear = d.ellipse((side * (p["jaw_half_width"] + 0.03), lm[0, 1] + 0.28), (0.13, 0.3))
        _paint(d.img, _mask(d.shape, ellipses=[ear]), p["skin"] * 0.9)

    face_mask = _mask(d.shape, polys=[d.pts(head_outline(p))])
    texture = (1 + 0.02 * _noise(rng, d.shape, 0.04 * unit) + 0.02 * _noise(rng, d.shape, 0.9)
               + 0.01 * _noise(rng, d.shape, 0.12 * unit))
    skin = np.asarray(p["skin"], np.float32) * texture[..., None]
    for k in (LEFT_EYE, RIGHT_EYE):
        c = lm[k].mean(0) + (0, 0.45)
        blush = np.exp(-((d.fx - c[0]) ** 2 + (d.fy - c[1]) ** 2) / (2 * 0.2**2))
        skin *= 1 - 0.06 * blush[..., None] * np.array([0, 1, 1], np.float32)
    a = face_mask[..., None]
    d.img *= 1 - a
    d.img += a * skin
    for side in (-1, 1):
        fold = [[side * 0.32, lm[31, 1] - 0.06], [side * 0.5, lm[48, 1] - 0.15],
                [side * 0.62, lm[48, 1] + 0.2]]
        _paint(d.img, d.blurred_line(fold, 0.03, 0.02), p["skin"] * 0.7, 0.6)

    lh = p["hairline"]
    fringe = _smooth_curve(np.array([
        [-1.3, 0.0], [-1.15, -0.5], [-0.75, lh + 0.05], [0, lh], [0.75, lh + 0.05],
        [1.15, -0.5], [1.3, 0.0], [1.4, -1.0], [0, -2.0 - vol], [-1.4, -1.0]]), n=10, closed=True)
    front = _mask(d.shape, polys=[d.pts(fringe)]) * face_mask
    front = cv2.GaussianBlur(front, (0, 0), 0.015 * unit)
    _paint(d.img, front, 0)
    d.img += front[..., None] * hair
    return face_mask, np.clip(face_mask + hair_mask + front, 0, 1)


def _draw_features(d):
    """Brows, nose and mouth."""
    p, lm, unit = d.p, d.lm, d.unit
    # Brows: a band along the landmarks, thick at the inner end.
    for idx in (np.arange(17, 22), np.arange(26, 21, -1)):
        line = _smooth_curve(lm[idx], n=8)
        t = p["brow_thickness"] * (0.45 + 0.55 * np.linspace(0, 1, len(line)))[:, None]
        band = np.vstack([line + np.hstack([0 * t, -0.35 * t]),
                          (line + np.hstack([0 * t, 0.65 * t]))[::-1]])
        hairs = np.clip(0.85 + 0.3 * d.rng.random(d.shape).astype(np.float32), 0, 1)
        m = cv2.GaussianBlur(_mask(d.shape, polys=[d.pts(band)]), (0, 0), 0.012 * unit) * hairs
        _paint(d.img, m, p["brows"], 0.92)

    # Nose: alar creases and nostrils.
    for k, side in ((31, -1), (35, 1)):
        wing = [lm[k] + (side * -0.02, -0.1), lm[k] + (side * 0.03, -0.03),
                lm[k] + (0, 0.03), lm[k] + (side * -0.06, 0.05)]
        _paint(d.img, d.blurred_line(wing, 0.022, 0.01), p["skin"] * 0.55, 0.7)
        (cx, cy), axes, angle = d.ellipse((lm[k] + lm[33]) / 2 + (side * 0.01, -0.015),
                                          (0.055, 0.026))
        nostril = _mask(d.shape, ellipses=[((cx, cy), axes, angle + side * 15)])
        _paint(d.img, cv2.GaussianBlur(nostril, (0, 0), 0.008 * unit), p["skin"] * 0.18)

    # Lips and the dark line between them.
    upper = np.vstack([lm[48:55], lm[[64, 63, 62, 61, 60]]])
    lower = np.vstack([lm[[54, 55, 56, 57, 58, 59, 48]], lm[[60, 67, 66, 65, 64]]])
    for lip, shade in ((upper, 0.85), (lower, 1.0)):
        lip_mask = _mask(d.shape, polys=[d.pts(_smooth_curve(lip, n=6, closed=True))])
        _paint(d.img, lip_mask, p["lips"] * shade)
    gap = np.vstack([lm[48], lm[60:65], lm[54]])
    _paint(d.img, d.blurred_line(gap, 0.028, 0.008), p["lips"] * 0.22)
    for k in (48, 54):
        corner = _mask(d.shape, ellipses=[d.ellipse(lm[k], (0.025, 0.02))])
        _paint(d.img, cv2.GaussianBlur(corner, (0, 0), 0.01 * unit), p["lips"] * 0.35, 0.8)


def render_identity(p, background, layout):
    """Draw identity ``p`` over ``background`` (float32 (H, W, 3) in [0, 1]).

    Returns a :class:`NeutralRendering`. Only the region around the head is drawn, at
    :data:`_SUPERSAMPLE` times the scene resolution, then reduced.
    """
    height, width = background.shape[:2]
    iod = layout.iod
    # Region drawn: the head with hair and ears, the neck, the top of the shoulders.
    corners = layout.to_scene(np.array([[-1.9, -2.3], [1.9, -2.3], [-2.4, 3.4], [2.4, 3.4]]))
    x0 = int(max(np.floor(corners[:, 0].min()), 0))
    y0 = int(max(np.floor(corners[:, 1].min()), 0))
    x1 = int(min(np.ceil(corners[:, 0].max()), width))
    y1 = int(min(np.ceil(corners[:, 1].max()), height))
    s = _SUPERSAMPLE
    canvas = cv2.resize(background[y0:y1, x0:x1], ((x1 - x0) * s, (y1 - y0) * s),
                        interpolation=cv2.INTER_LINEAR)
    # Canvas pixel centres sit 1/s apart, the first half a pixel inside the scene pixel.
    d = _Drawing(p, canvas, (x0 - 0.5 + 0.5 / s, y0 - 0.5 + 0.5 / s), layout)

    neck = _draw_body(d)
    face_mask, head = _draw_hair_and_skin(d)
    _draw_features(d)
    closed = d.img.copy()
    for idx in (LEFT_EYE, RIGHT_EYE):
        _draw_open_eye(d, d.lm[idx])
        _draw_closed_eye(d, closed, d.lm[idx])

    # Light the head; the background and clothes keep their own brightness, the hair and
    # neck take the head's overall light but not its relief.
    lit = cv2.GaussianBlur(head, (0, 0), 0.02 * d.unit)
    shade = _shading(p, _height_field(p, d.fx, d.fy), 1.0 / d.unit)
    shade = np.where(face_mask > 0.5, shade, np.float32(0.8 + 0.2 * p["light"][2]))
    factor = (1 - lit + lit * shade)[..., None]

    def reduce(a):
        return cv2.resize(a, (a.shape[1] // s, a.shape[0] // s), interpolation=cv2.INTER_AREA)

    out = reduce(np.clip(d.img * factor, 0, 1))
    h, w = out.shape[:2]
    image = background.copy()
    image[y0:y0 + h, x0:x0 + w] = out

    eyes = layout.to_scene(d.lm[36:48])
    margin = 0.12 * iod
    ex0 = int(max(np.floor(eyes[:, 0].min() - margin), x0))
    ey0 = int(max(np.floor(eyes[:, 1].min() - margin), y0))
    ex1 = int(min(np.ceil(eyes[:, 0].max() + margin), x0 + w))
    ey1 = int(min(np.ceil(eyes[:, 1].max() + margin), y0 + h))
    closed = reduce(np.clip(closed * factor, 0, 1))[ey0 - y0:ey1 - y0, ex0 - x0:ex1 - x0]

    moving = np.clip(head + neck, 0, 1)
    moving = cv2.dilate(moving, np.ones((3, 3), np.uint8), iterations=max(int(0.1 * d.unit), 1))
    moving = cv2.GaussianBlur(reduce(moving), (0, 0), 0.12 * iod)
    head_mask = np.zeros((height, width), np.float32)
    head_mask[y0:y0 + h, x0:x0 + w] = np.clip(moving * 1.2, 0, 1)
    return NeutralRendering(image=image, closed_eyes=closed, eye_box=(ex0, ey0, ex1, ey1),
                            head_mask=head_mask, landmarks=layout.to_scene(d.lm))


def _eye_arcs(eye):
    """Upper and lower lid curves of one eye from its six landmarks (face coordinates).

    Both eyes list a corner, two upper-lid points, the other corner, then two
    lower-lid points back, so the same indices serve either eye.
    """
    return _smooth_curve(eye[[0, 1, 2, 3]], n=8), _smooth_curve(eye[[0, 5, 4, 3]], n=8)


def _crease(upper, dy):
    """The lid crease: the middle of the upper lid curve, raised by ``dy``."""
    n = len(upper)
    return upper[n // 6: n - n // 8] + (0, dy)


def _draw_open_eye(d, eye):
    p, unit, fx, fy = d.p, d.unit, d.fx, d.fy
    upper, lower = _eye_arcs(eye)
    inside = _mask(d.shape, polys=[d.pts(np.vstack([upper, lower[::-1]]))])
    _paint(d.img, inside, np.array([0.86, 0.83, 0.8]) * p["skin"].mean() ** 0.15)
    centre = eye.mean(0) + (0, -0.012)
    r = p["iris_radius"]
    dist = np.sqrt((fx - centre[0]) ** 2 + (fy - centre[1]) ** 2)
    _paint(d.img, np.clip((r - dist) * unit + 0.5, 0, 1) * inside, p["iris"])
    ring = np.clip(1 - np.abs(dist - r * 0.95) * unit / 1.5, 0, 1) * inside
    _paint(d.img, ring, p["iris"] * 0.4, 0.6)
    _paint(d.img, np.clip((0.42 * r - dist) * unit + 0.5, 0, 1) * inside, (0.02, 0.02, 0.02))
    glint = np.sqrt((fx - centre[0] - 0.3 * r) ** 2 + (fy - centre[1] + 0.3 * r) ** 2)
    glint = np.clip((0.18 * r - glint) * unit + 0.5, 0, 1)
    _paint(d.img, glint * inside, (0.95, 0.95, 0.95), 0.8)
    # Shadow of the upper lid on the eyeball, the crease above the lid, the lash line,
    # the lower lid.
    lid_shadow = _mask(d.shape, lines=[d.pts(upper)], thickness=0.05 * unit) * inside
    _paint(d.img, lid_shadow, (0.1, 0.08, 0.07), 0.3)
    _paint(d.img, d.blurred_line(_crease(upper, -0.07), 0.02, 0.012), p["skin"] * 0.6, 0.6)
    lash = _mask(d.shape, lines=[d.pts(upper)], thickness=0.035 * unit)
    _paint(d.img, lash, (0.05, 0.04, 0.04), 0.95)
    _paint(d.img, _mask(d.shape, lines=[d.pts(lower)], thickness=0.016 * unit),
           p["skin"] * 0.45, 0.7)


def _draw_closed_eye(d, image, eye):
    p, unit = d.p, d.unit
    upper, lower = _eye_arcs(eye)
    opening = d.pts(np.vstack([upper, lower[::-1]]))
    lid = _mask(d.shape, polys=[opening], lines=[np.vstack([opening, opening[:1]])],
                thickness=0.02 * unit)
    _paint(image, lid, p["skin"] * 0.92)
    lash = _mask(d.shape, lines=[d.pts(lower + (0, -0.01))], thickness=0.03 * unit)
    _paint(image, lash, (0.05, 0.04, 0.04), 0.9)
    _paint(image, d.blurred_line(_crease(upper, -0.05), 0.02, 0.012), p["skin"] * 0.6, 0.5)
