"""Hair of the synthetic faces: the mass behind the head and the fringe over the forehead.

Both take the face renderer's drawing state (canvas, identity parameters, random
generator) and paint into its image; the hair colour is textured with vertical strands.
"""

import cv2
import numpy as np

from ._canvas import _mask, _paint, _smooth_curve


def draw_back_hair(d):
    """Hair behind the head. Returns its mask and the strand-textured hair colour."""
    p, rng = d.p, d.rng
    vol = p["hair_volume"]
    back = _smooth_curve(
        np.array(
            [
                [-1.0, 0.2],
                [-1.1 - vol, -0.5],
                [-0.9 - vol, -1.4],
                [0, -1.85 - vol],
                [0.9 + vol, -1.4],
                [1.1 + vol, -0.5],
                [1.0, 0.2],
            ]
        ),
        n=12,
    )
    if p["long_hair"]:
        back = np.vstack([back, [[1.15 + vol, 1.9], [-1.15 - vol, 1.9]]])
    hair_mask = _mask(d.shape, polys=[d.pts(back)])
    # Strands: noise stretched along y.
    strands = 1 + 0.12 * cv2.GaussianBlur(
        rng.standard_normal(d.shape).astype(np.float32), (0, 0), sigmaX=0.6, sigmaY=3.0
    )
    hair = p["hair"] * strands[..., None]
    _paint(d.img, hair_mask, 0)
    d.img += hair_mask[..., None] * hair
    return hair_mask, hair


def draw_fringe(d, face_mask, hair):
    """Hair over the forehead down to the hairline. Returns its mask."""
    lh, vol = d.p["hairline"], d.p["hair_volume"]
    fringe = _smooth_curve(
        np.array(
            [
                [-1.3, 0.0],
                [-1.15, -0.5],
                [-0.75, lh + 0.05],
                [0, lh],
                [0.75, lh + 0.05],
                [1.15, -0.5],
                [1.3, 0.0],
                [1.4, -1.0],
                [0, -2.0 - vol],
                [-1.4, -1.0],
            ]
        ),
        n=10,
        closed=True,
    )
    front = _mask(d.shape, polys=[d.pts(fringe)]) * face_mask
    front = cv2.GaussianBlur(front, (0, 0), 0.015 * d.unit)
    _paint(d.img, front, 0)
    d.img += front[..., None] * hair
    return front
