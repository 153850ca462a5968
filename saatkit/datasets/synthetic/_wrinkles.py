"""Wrinkles and furrows that action units bring to the skin, for the synthetic faces.

Warping moves the face but cannot create texture, while FACS describes each action
unit by its appearance changes as much as by its motion: AU1 and AU2 wrinkle the
forehead, AU4 furrows the skin between the brows, AU6 gives crow's feet, AU9 wrinkles
the nose, AU12 deepens the nasolabial fold, and so on. Each identity gets one darkening
map per action unit and side, drawn once along lines anchored to its landmarks; a clip
darkens its neutral face by the maps of its action units, in step with its intensity,
before the warp moves them with the skin.
"""

import cv2
import numpy as np

from ._canvas import _smooth_curve

# Line width and softness of a wrinkle, in inter-ocular distances.
_WIDTH = 0.015
_SOFTNESS = 0.01


def wrinkle_lines(landmarks):
    """Polylines of each action unit's wrinkles on the image-left half of a face.

    Parameters
    ----------
    landmarks : ndarray (68, 2)
        Neutral landmarks in face coordinates.

    Returns
    -------
    lines : dict
        AU name -> list of (k, 2) polylines in face coordinates, x <= 0 (the right half
        mirrors them).
    """
    return {**_brow_and_eye_wrinkles(landmarks), **_nose_and_mouth_wrinkles(landmarks)}


def _brow_and_eye_wrinkles(lm):
    """Forehead, glabella and crow's-feet lines: AU1, AU2, AU4, AU6, AU7."""
    brow = lm[17:22, 1].mean()
    outer = lm[36]
    below_eye = lm[[40, 41], 1].mean()
    return {
        "AU1": [
            np.array(
                [
                    [-0.35, brow - 0.2 - 0.12 * k + 0.03],
                    [-0.18, brow - 0.2 - 0.12 * k],
                    [0.0, brow - 0.2 - 0.12 * k - 0.01],
                ]
            )
            for k in range(3)
        ],
        "AU2": [
            np.array(
                [
                    [-0.95, brow - 0.14 - 0.12 * k],
                    [-0.7, brow - 0.2 - 0.12 * k],
                    [-0.42, brow - 0.17 - 0.12 * k],
                ]
            )
            for k in range(2)
        ],
        "AU4": [
            np.array([[-0.07, brow + 0.06], [-0.08, brow - 0.04], [-0.1, brow - 0.16]]),
            np.array([[-0.16, brow + 0.07], [-0.2, brow - 0.05]]),
            np.array([[-0.13, lm[27, 1] - 0.02], [0.0, lm[27, 1] - 0.03]]),
        ],
        "AU6": [
            np.array([outer + (-0.04, 0.06 * j - 0.05), outer + (-0.2, 0.13 * j - 0.12)])
            for j in range(3)
        ]
        + [
            np.array(
                [
                    [outer[0] + 0.05, below_eye + 0.12],
                    [-0.5, below_eye + 0.16],
                    [lm[39, 0] - 0.02, below_eye + 0.1],
                ]
            )
        ],
        "AU7": [
            np.array(
                [
                    [outer[0] + 0.04, below_eye + 0.05],
                    [-0.5, below_eye + 0.07],
                    [lm[39, 0] - 0.03, below_eye + 0.04],
                ]
            )
        ],
    }


def _nose_and_mouth_wrinkles(lm):
    """Nose, nasolabial, mouth-corner and chin lines: AU9, AU12, AU14, AU15, AU17, AU24."""
    mouth_y = (lm[48, 1] + lm[54, 1]) / 2
    corner = lm[48]
    return {
        "AU9": [
            np.array([[-0.13, lm[28, 1] + 0.04 + 0.08 * k], [0.0, lm[28, 1] + 0.02 + 0.08 * k]])
            for k in range(3)
        ],
        "AU12": [
            np.array(
                [
                    [lm[31, 0] - 0.06, lm[31, 1] - 0.06],
                    [corner[0] - 0.06, corner[1] - 0.15],
                    [corner[0] - 0.14, corner[1] + 0.2],
                ]
            ),
            np.array([corner + (-0.03, 0.0), corner + (-0.1, -0.05)]),
        ],
        "AU14": [
            np.array([corner + (-0.07, -0.05), corner + (-0.1, 0.0), corner + (-0.08, 0.06)])
        ],
        "AU15": [
            np.array([corner + (-0.01, 0.04), corner + (-0.04, 0.13), corner + (-0.06, 0.23)])
        ],
        "AU17": [
            np.array(
                [[-0.3, lm[57, 1] + 0.14], [-0.15, lm[57, 1] + 0.17], [0.0, lm[57, 1] + 0.18]]
            ),
            np.array([[-0.12, lm[8, 1] - 0.2], [-0.06, lm[8, 1] - 0.16]]),
        ],
        "AU24": [
            np.array(
                [
                    [lm[50, 0] - 0.02 - 0.09 * k, lm[50, 1] - 0.07],
                    [lm[50, 0] - 0.02 - 0.09 * k, lm[50, 1] - 0.005],
                ]
            )
            for k in range(3)
        ]
        + [np.array([corner + (0.02, 0.0), [-0.2, mouth_y + 0.005], [0.0, mouth_y + 0.005]])],
    }


def _draw(polylines, layout, shape, origin):
    """Soft darkening map of ``polylines`` (face coordinates) on a scene patch."""
    s = 2  # drawn at twice the resolution, then reduced: anti-aliased sub-pixel lines
    canvas = np.zeros((shape[0] * s, shape[1] * s), np.uint8)
    width = max(int(round(_WIDTH * layout.iod * s)), 1)
    for line in polylines:
        curve = _smooth_curve(layout.to_scene(line), n=8)
        px = (curve - origin + 0.5) * s - 0.5
        cv2.polylines(
            canvas, [np.round(px * 16).astype(np.int32)], False, 255, width, cv2.LINE_AA, 4
        )
    soft = cv2.GaussianBlur(
        canvas.astype(np.float32) / 255, (0, 0), max(_SOFTNESS * layout.iod * s, 0.5)
    )
    patch = cv2.resize(soft, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
    peak = patch.max()
    return patch / peak if peak > 0 else patch


def render_wrinkles(landmarks, layout, bounds):
    """Each action unit's darkening maps, for the image-left and image-right halves.

    Parameters
    ----------
    landmarks : ndarray (68, 2)
        Neutral landmarks in face coordinates.
    layout : FaceLayout
    bounds : (x0, y0, x1, y1)
        Scene region the maps may cover.

    Returns
    -------
    maps : dict
        AU name -> (left, right), each ``(x0, y0, patch)``: a float32 patch in [0, 1]
        whose top-left pixel is scene pixel (x0, y0).
    """
    margin = (_WIDTH + 3 * _SOFTNESS) * layout.iod + 2
    maps = {}
    for unit, left in wrinkle_lines(landmarks).items():
        halves = []
        for lines in (left, [line * (-1, 1) for line in left]):
            pts = np.vstack([layout.to_scene(line) for line in lines])
            x0 = int(max(np.floor(pts[:, 0].min() - margin), bounds[0]))
            y0 = int(max(np.floor(pts[:, 1].min() - margin), bounds[1]))
            x1 = int(min(np.ceil(pts[:, 0].max() + margin), bounds[2]))
            y1 = int(min(np.ceil(pts[:, 1].max() + margin), bounds[3]))
            if x1 > x0 and y1 > y0:
                halves.append((x0, y0, _draw(lines, layout, (y1 - y0, x1 - x0), (x0, y0))))
            else:  # outside the region: nothing to darken
                halves.append((x0, y0, np.zeros((0, 0), np.float32)))
        maps[unit] = tuple(halves)
    return maps


def wrinkle_map(maps, activations, bounds):
    """Darkening of a region by action units ``activations`` ((AU, left, right), ...)."""
    x0, y0, x1, y1 = bounds
    out = np.zeros((y1 - y0, x1 - x0), np.float32)
    for unit, *gains in activations:
        for (px, py, patch), gain in zip(maps.get(unit, ()), gains):
            h, w = patch.shape
            out[py - y0 : py - y0 + h, px - x0 : px - x0 + w] += np.float32(gain) * patch
    return np.clip(out, 0, 0.6)
