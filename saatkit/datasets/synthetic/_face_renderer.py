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

Expressions and head motion never redraw the face: :mod:`._motion` warps this
neutral rendering with a smooth displacement field.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from ._canvas import _SUPERSAMPLE, _mask, _noise, _paint, _smooth_curve
from ._hair import draw_back_hair, draw_fringe
from ._identity import LEFT_EYE, RIGHT_EYE


def head_outline(p, n=64):
    """Closed outline of the face skin: jaw (0-16) and the forehead above it."""
    lm = p["landmarks"]
    phi = np.linspace(0, np.pi, n)[1:-1]
    a = (lm[16, 0] - lm[0, 0]) / 2
    cx = (lm[16, 0] + lm[0, 0]) / 2
    top = np.column_stack(
        [cx + a * np.cos(phi), (lm[0, 1] + lm[16, 1]) / 2 - p["forehead"] * np.sin(phi) ** 0.8]
    )
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
        ((cx, cy),) = self.pts([centre])
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
    _paint(
        d.img,
        _mask(d.shape, ellipses=[d.ellipse((0, chin + 1.0), (0.72, 0.25))]),
        p["skin"] * 0.72,
    )
    under_jaw = np.vstack([lm[3:14], [[0.7, chin + 0.35], [-0.7, chin + 0.35]]])
    shadow = cv2.GaussianBlur(_mask(d.shape, polys=[d.pts(under_jaw)]), (0, 0), 0.06 * unit)
    _paint(d.img, shadow, p["skin"] * 0.4, 0.9)
    # What moves with the head includes the top of the neck.
    return _mask(d.shape, polys=[d.pts([[-0.62, 0.9], [0.62, 0.9], [0.7, 1.6], [-0.7, 1.6]])])


def _draw_skin(d):
    """Ears, textured and blushed face skin, nasolabial folds. Returns the skin's mask."""
    p, lm, unit, rng = d.p, d.lm, d.unit, d.rng
    for side in (-1, 1):
        ear = d.ellipse((side * (p["jaw_half_width"] + 0.03), lm[0, 1] + 0.28), (0.13, 0.3))
        _paint(d.img, _mask(d.shape, ellipses=[ear]), p["skin"] * 0.9)

    face_mask = _mask(d.shape, polys=[d.pts(head_outline(p))])
    texture = (
        1
        + 0.02 * _noise(rng, d.shape, 0.04 * unit)
        + 0.02 * _noise(rng, d.shape, 0.9)
        + 0.01 * _noise(rng, d.shape, 0.12 * unit)
    )
    skin = np.asarray(p["skin"], np.float32) * texture[..., None]
    for k in (LEFT_EYE, RIGHT_EYE):
        c = lm[k].mean(0) + (0, 0.45)
        blush = np.exp(-((d.fx - c[0]) ** 2 + (d.fy - c[1]) ** 2) / (2 * 0.2**2))
        skin *= 1 - 0.06 * blush[..., None] * np.array([0, 1, 1], np.float32)
    a = face_mask[..., None]
    d.img *= 1 - a
    d.img += a * skin
    for side in (-1, 1):
        fold = [
            [side * 0.32, lm[31, 1] - 0.06],
            [side * 0.5, lm[48, 1] - 0.15],
            [side * 0.62, lm[48, 1] + 0.2],
        ]
        _paint(d.img, d.blurred_line(fold, 0.03, 0.02), p["skin"] * 0.7, 0.6)
    return face_mask


def _draw_hair_and_skin(d):
    """Hair behind the head, ears, textured skin, folds, hairline. Returns the masks of
    the face skin and of everything on the head."""
    hair_mask, hair = draw_back_hair(d)
    face_mask = _draw_skin(d)
    front = draw_fringe(d, face_mask, hair)
    return face_mask, np.clip(face_mask + hair_mask + front, 0, 1)


def _draw_features(d):
    """Brows, nose and mouth."""
    p, lm, unit = d.p, d.lm, d.unit
    # Brows: a band along the landmarks, thick at the inner end.
    for idx in (np.arange(17, 22), np.arange(26, 21, -1)):
        line = _smooth_curve(lm[idx], n=8)
        t = p["brow_thickness"] * (0.45 + 0.55 * np.linspace(0, 1, len(line)))[:, None]
        band = np.vstack(
            [line + np.hstack([0 * t, -0.35 * t]), (line + np.hstack([0 * t, 0.65 * t]))[::-1]]
        )
        hairs = np.clip(0.85 + 0.3 * d.rng.random(d.shape).astype(np.float32), 0, 1)
        m = cv2.GaussianBlur(_mask(d.shape, polys=[d.pts(band)]), (0, 0), 0.012 * unit) * hairs
        _paint(d.img, m, p["brows"], 0.92)

    # Nose: alar creases and nostrils.
    for k, side in ((31, -1), (35, 1)):
        wing = [
            lm[k] + (side * -0.02, -0.1),
            lm[k] + (side * 0.03, -0.03),
            lm[k] + (0, 0.03),
            lm[k] + (side * -0.06, 0.05),
        ]
        _paint(d.img, d.blurred_line(wing, 0.022, 0.01), p["skin"] * 0.55, 0.7)
        (cx, cy), axes, angle = d.ellipse(
            (lm[k] + lm[33]) / 2 + (side * 0.01, -0.015), (0.055, 0.026)
        )
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
    canvas = cv2.resize(
        background[y0:y1, x0:x1], ((x1 - x0) * s, (y1 - y0) * s), interpolation=cv2.INTER_LINEAR
    )
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
    image[y0 : y0 + h, x0 : x0 + w] = out

    eyes = layout.to_scene(d.lm[36:48])
    margin = 0.12 * iod
    ex0 = int(max(np.floor(eyes[:, 0].min() - margin), x0))
    ey0 = int(max(np.floor(eyes[:, 1].min() - margin), y0))
    ex1 = int(min(np.ceil(eyes[:, 0].max() + margin), x0 + w))
    ey1 = int(min(np.ceil(eyes[:, 1].max() + margin), y0 + h))
    closed = reduce(np.clip(closed * factor, 0, 1))[ey0 - y0 : ey1 - y0, ex0 - x0 : ex1 - x0]

    moving = np.clip(head + neck, 0, 1)
    moving = cv2.dilate(moving, np.ones((3, 3), np.uint8), iterations=max(int(0.1 * d.unit), 1))
    moving = cv2.GaussianBlur(reduce(moving), (0, 0), 0.12 * iod)
    head_mask = np.zeros((height, width), np.float32)
    head_mask[y0 : y0 + h, x0 : x0 + w] = np.clip(moving * 1.2, 0, 1)
    return NeutralRendering(
        image=image,
        closed_eyes=closed,
        eye_box=(ex0, ey0, ex1, ey1),
        head_mask=head_mask,
        landmarks=layout.to_scene(d.lm),
    )


def _eye_arcs(eye):
    """Upper and lower lid curves of one eye from its six landmarks (face coordinates).

    Both eyes list a corner, two upper-lid points, the other corner, then two
    lower-lid points back, so the same indices serve either eye.
    """
    return _smooth_curve(eye[[0, 1, 2, 3]], n=8), _smooth_curve(eye[[0, 5, 4, 3]], n=8)


def _crease(upper, dy):
    """The lid crease: the middle of the upper lid curve, raised by ``dy``."""
    n = len(upper)
    return upper[n // 6 : n - n // 8] + (0, dy)


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
    _paint(
        d.img, _mask(d.shape, lines=[d.pts(lower)], thickness=0.016 * unit), p["skin"] * 0.45, 0.7
    )


def _draw_closed_eye(d, image, eye):
    p, unit = d.p, d.unit
    upper, lower = _eye_arcs(eye)
    opening = d.pts(np.vstack([upper, lower[::-1]]))
    lid = _mask(
        d.shape, polys=[opening], lines=[np.vstack([opening, opening[:1]])], thickness=0.02 * unit
    )
    _paint(image, lid, p["skin"] * 0.92)
    lash = _mask(d.shape, lines=[d.pts(lower + (0, -0.01))], thickness=0.03 * unit)
    _paint(image, lash, (0.05, 0.04, 0.04), 0.9)
    _paint(image, d.blurred_line(_crease(upper, -0.05), 0.02, 0.012), p["skin"] * 0.6, 0.5)
