"""Drawing primitives of the face renderer: coverage masks, blending, curves, noise.

Shapes are drawn with OpenCV's anti-aliased, fixed-point primitives into float32
coverage masks; :class:`FaceLayout` maps face coordinates (IOD units) to scene pixels.
"""

import cv2
import numpy as np

# Drawing resolution relative to the output, for anti-aliased edges.
_SUPERSAMPLE = 2
# cv2 drawing takes fixed-point coordinates with this many fractional bits.
_SHIFT = 4


def _mask(shape, polys=(), ellipses=(), lines=(), thickness=1):
    """A float32 coverage mask from polygons, ellipses and open polylines (canvas px)."""
    mask = np.zeros(shape, np.uint8)
    for poly in polys:
        cv2.fillPoly(
            mask, [np.round(poly * (1 << _SHIFT)).astype(np.int32)], 255, cv2.LINE_AA, _SHIFT
        )
    for (cx, cy), (ax, ay), angle in ellipses:
        cv2.ellipse(
            mask,
            (int(round(cx * 16)), int(round(cy * 16))),
            (max(int(round(ax * 16)), 1), max(int(round(ay * 16)), 1)),
            angle,
            0,
            360,
            255,
            -1,
            cv2.LINE_AA,
            4,
        )
    for line in lines:
        cv2.polylines(
            mask,
            [np.round(line * (1 << _SHIFT)).astype(np.int32)],
            False,
            255,
            max(int(round(thickness)), 1),
            cv2.LINE_AA,
            _SHIFT,
        )
    return mask.astype(np.float32) / 255.0


def _paint(image, mask, colour, opacity=1.0):
    """Blend ``colour`` into ``image`` where ``mask`` covers it (only over its extent)."""
    x, y, w, h = cv2.boundingRect((mask > 0).astype(np.uint8))
    if w == 0:
        return
    a = mask[y : y + h, x : x + w, None] * np.float32(opacity)
    region = image[y : y + h, x : x + w]
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
        out.append(
            0.5
            * (
                (2 * p1)
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
            )
        )
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
        xs = (np.arange(shape[1]) / scale + origin[0] - self.center[0]) / self.iod
        ys = (np.arange(shape[0]) / scale + origin[1] - self.center[1]) / self.iod
        c, s = np.float32(self.rotation[0, 0]), np.float32(self.rotation[1, 0])
        xs, ys = xs.astype(np.float32)[None, :], ys.astype(np.float32)[:, None]
        return xs * c + ys * s, ys * c - xs * s
