"""Macro-expression face images for the synthetic teacher set.

Each person is rendered once as a plain-RGB portrait; each image warps it with a full-
intensity expression and a small head pose, maps it to a recording style, adds sensor
noise and crops a square around the face as a detector would.
"""

import cv2
import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from ...clips import cut_box
from ._catalogue import IMAGE, MACRO_IDENTITY, MACRO_SUBJECT, SubjectStyle
from ._identity import N_LANDMARKS
from ._motion import warp_region
from ._scene import portrait_scene
from ._source import expression_field, moved_landmarks
from ._styles import STYLES, apply_style, optics_blur
from ._wrinkles import wrinkle_map

# Side of the face crop in inter-ocular distances, centred 0.6 IOD below the eyes:
# raised brows to chin, cheek to cheek, as a face detector's box.
CROP_IODS = 2.8
# Smallest Jacobian determinant the expression may reach: below it the warp would fold
# the skin over itself, so the expression is weakened instead.
_MIN_JACOBIAN = 0.25


def fold_free_fraction(field):
    """Largest f in (0, 1] with det(I + f grad(field)) >= the fold limit everywhere."""
    dxx = np.gradient(field[..., 0], axis=1)
    dxy = np.gradient(field[..., 0], axis=0)
    dyx = np.gradient(field[..., 1], axis=1)
    dyy = np.gradient(field[..., 1], axis=0)
    trace, det = dxx + dyy, dxx * dyy - dxy * dyx
    for f in np.linspace(1, 0.05, 20):
        if (1 + f * trace + f * f * det).min() >= _MIN_JACOBIAN:
            return float(f)
    return 0.05


def _crop_box(points):
    """Square integer box (x0, y0, x1, y1) around a face from its landmarks."""
    left, right = points[36:42].mean(0), points[42:48].mean(0)
    eyes = right - left
    iod = np.hypot(*eyes)
    down = np.array([-eyes[1], eyes[0]]) / iod
    centre = (left + right) / 2 + 0.6 * iod * down
    half = CROP_IODS * iod / 2
    box = (centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half)
    return tuple(int(round(v)) for v in box)


def _recorded(frame, box, style, iod, rng, output_size):
    """Cut ``box`` from a scene ``frame``, record it in ``style`` and resize it (uint8)."""
    patch = optics_blur(apply_style(cut_box(frame, box), style), style, iod)
    noise = rng.standard_normal(patch.shape, dtype=np.float32)
    patch = patch + noise * np.float32(style.noise / 255)
    patch = cv2.resize(patch, (output_size, output_size), interpolation=cv2.INTER_AREA)
    patch = np.clip(patch * 255 + 0.5, 0, 255).astype(np.uint8)
    return patch if patch.ndim == 3 else patch[..., None]


def _posed(scene, field, head, fraction, darkening):
    """The scene with its ROI warped by the head pose and ``fraction`` of ``field``."""
    x0, y0, x1, y1 = scene.roi
    region = scene.image[y0:y1, x0:x1] * (1 - darkening[..., None])
    frame = scene.image.copy()
    frame[y0:y1, x0:x1] = warp_region(
        region,
        scene.grid_x,
        scene.grid_y,
        scene.mask,
        field,
        head,
        scene.centre,
        fraction,
        iterations=6,
    )
    return frame


def render_expression_images(
    labels, people, styles, output_size, seed, acts, peak, neutral=False, n_jobs=None
):
    """Render one face image per entry of ``labels`` / ``people`` (identity indices).

    Returns the images (n, output_size, output_size, 3) uint8 RGB, their landmarks
    (n, 68, 2) in image pixels, one metadata dict per image and, when ``neutral``, the
    neutral face of each image (else None): the same person, head pose, crop box,
    style and blur without the expression and its wrinkles, with its own sensor noise
    (drawn after the image's, so the images are the same either way). Every image
    draws from its own seed, so ``n_jobs`` (people rendered side by side through
    joblib) does not change them.
    """
    n = len(labels)
    images = np.empty((n, output_size, output_size, 3), np.uint8)
    neutrals = np.empty_like(images) if neutral else None
    marks = np.empty((n, N_LANDMARKS, 2))
    rows = [None] * n
    # Grouped by person, so each portrait is rendered once.
    order = np.argsort(people, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(people[order])) + 1)
    chunks = [np.concatenate(part) for part in _chunks(groups, effective_n_jobs(n_jobs))]
    rendered = Parallel(n_jobs=n_jobs)(
        delayed(_render_images)(
            chunk, labels, people, styles, output_size, seed, acts, peak, neutral
        )
        for chunk in chunks
    )
    for chunk, (chunk_images, chunk_marks, chunk_rows, chunk_neutrals) in zip(chunks, rendered):
        images[chunk], marks[chunk] = chunk_images, chunk_marks
        for i, row in zip(chunk, chunk_rows):
            rows[i] = row
        if neutral:
            neutrals[chunk] = chunk_neutrals
    return images, marks, rows, neutrals


def _chunks(groups, n_chunks):
    """``groups`` dealt into at most ``n_chunks`` lists of about equal size."""
    n_chunks = max(1, min(n_chunks, len(groups)))
    return [groups[k::n_chunks] for k in range(n_chunks)]


def _render_images(indices, labels, people, styles, output_size, seed, acts, peak, neutral):
    """The images, landmarks, metadata and neutral faces of rows ``indices``."""
    iod = max(output_size / CROP_IODS, 40.0)
    images = np.empty((len(indices), output_size, output_size, 3), np.uint8)
    neutrals = np.empty_like(images) if neutral else None
    marks = np.empty((len(indices), N_LANDMARKS, 2))
    rows = []
    behaviours = {}
    for j, i in enumerate(indices):
        k = int(people[i])
        scene = portrait_scene((seed, MACRO_IDENTITY, k), iod)
        if k not in behaviours:
            behaviours[k] = SubjectStyle(
                np.random.default_rng([seed, MACRO_SUBJECT, k]), acts, peak
            )
        rng = np.random.default_rng([seed, IMAGE, int(i)])
        style = STYLES[styles[rng.integers(len(styles))]]
        emotion, units, pattern, strength, wrinkles = behaviours[k].act(rng, int(labels[i]))
        field, at_landmarks = expression_field(scene, pattern, strength)
        fraction = fold_free_fraction(field)
        head = (
            rng.normal(0, 0.04) * iod,
            rng.normal(0, 0.04) * iod,
            np.deg2rad(rng.normal(0, 3.0)),
            1 + rng.normal(0, 0.03),
        )
        darkening = fraction * wrinkle_map(scene.wrinkles, wrinkles, scene.roi)
        frame = _posed(scene, field, head, fraction, darkening)
        points = moved_landmarks(scene, scene.landmarks, head, fraction * at_landmarks)
        box = _crop_box(points)
        images[j] = _recorded(frame, box, style, iod, rng, output_size)
        if neutral:
            still = _posed(scene, field, head, 0.0, np.zeros_like(darkening))
            neutrals[j] = _recorded(still, box, style, iod, rng, output_size)
        s = output_size / (box[2] - box[0])
        marks[j] = (points - box[:2] + 0.5) * s - 0.5
        rows.append(
            {
                "label": int(labels[i]),
                "emotion": emotion,
                "action_units": units,
                "peak": round(fraction * strength, 6),
                "style": style.name,
                "identity": f"expr{k:03d}",
            }
        )
    return images, marks, rows, neutrals
