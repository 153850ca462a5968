"""The neutral scene of a synthetic identity: rendered once, warped for every frame.

A scene holds one identity drawn into its background under a recording style, with
what warping it needs (the expression basis, the wrinkle maps, the face region). It is
rendered once per process (an LRU cache) for each identity, style and scale.
"""

import functools
from dataclasses import dataclass

import numpy as np

from ._canvas import FaceLayout
from ._face_renderer import _eye_arcs, render_identity
from ._identity import LEFT_EYE, RIGHT_EYE, random_identity
from ._motion import ExpressionBasis
from ._styles import STYLES, apply_style, light_direction, make_background, optics_blur, scene_size
from ._wrinkles import render_wrinkles

# RBF width of the expression field, in IOD: wide enough to move the skin between
# landmarks, narrow enough that a brow movement leaves the eye in place.
_FIELD_SIGMA = 0.14
# Landmarks that anchor the field: all but the inner lips, which nearly coincide in a
# closed mouth and would make the interpolation ill-posed.
_FIELD_CENTRES = np.arange(60)
_STYLE_ENTROPY = {name: i for i, name in enumerate(sorted(STYLES))}


@dataclass
class Scene:
    """One identity's neutral scene, with what warping it needs.

    Attributes
    ----------
    style : RecordingStyle or None
        The style the scene is recorded in; None for a plain-RGB portrait.
    layout : FaceLayout
    landmarks : ndarray (68, 2)
        Neutral landmarks, scene pixels.
    image : ndarray (H, W, 3) or (H, W), float32
        The neutral scene in [0, 1].
    closed_eyes : ndarray
        The region ``eye_box`` of ``image`` with the eyes closed.
    eye_box : tuple (x0, y0, x1, y1)
    eye_curves : list of two [upper lid, lower lid] curves, scene pixels
    roi : tuple (x0, y0, x1, y1)
        The region that moves (the head); outside it frames equal ``image``.
    grid_x, grid_y : ndarray (h, w), float32
        Scene coordinates of the ROI's pixels.
    mask : ndarray (h, w), float32
        How much each ROI pixel moves with the head.
    basis : ExpressionBasis
    centre : ndarray (2,)
        Centre of head rotations.
    wrinkles : dict
        Action unit -> darkening patches (:func:`render_wrinkles`).
    """

    style: object
    layout: FaceLayout
    landmarks: np.ndarray
    image: np.ndarray
    closed_eyes: np.ndarray
    eye_box: tuple
    eye_curves: list
    roi: tuple
    grid_x: np.ndarray
    grid_y: np.ndarray
    mask: np.ndarray
    basis: ExpressionBasis
    centre: np.ndarray
    wrinkles: dict

    @property
    def iod(self):
        return self.layout.iod


def _build_scene(person, layout, background, style):
    """Render ``person`` over ``background`` and prepare what warping the result needs.

    ``style`` None keeps the rendering in plain RGB (styled later, per image).
    """
    r = render_identity(person, background, layout)
    image, closed = r.image, r.closed_eyes
    if style is not None:
        image = optics_blur(apply_style(image, style), style, layout.iod)
        closed = optics_blur(apply_style(closed, style), style, layout.iod)
    height, width = background.shape[:2]
    ys, xs = np.nonzero(r.head_mask > 1e-3)
    x0, y0 = int(max(xs.min() - 2, 0)), int(max(ys.min() - 2, 0))
    x1, y1 = int(min(xs.max() + 3, width)), int(min(ys.max() + 3, height))
    grid_x, grid_y = np.meshgrid(
        np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32)
    )
    return Scene(
        style=style,
        layout=layout,
        landmarks=r.landmarks,
        image=image,
        closed_eyes=closed,
        eye_box=r.eye_box,
        eye_curves=[
            [layout.to_scene(c) for c in _eye_arcs(person["landmarks"][idx])]
            for idx in (LEFT_EYE, RIGHT_EYE)
        ],
        roi=(x0, y0, x1, y1),
        grid_x=grid_x,
        grid_y=grid_y,
        mask=np.ascontiguousarray(r.head_mask[y0:y1, x0:x1]),
        basis=ExpressionBasis(r.landmarks[_FIELD_CENTRES], _FIELD_SIGMA * layout.iod),
        # The head turns about the middle of the face, near the nose.
        centre=layout.to_scene([[0.0, 0.6]])[0],
        wrinkles=render_wrinkles(person["landmarks"], layout, (x0, y0, x1, y1)),
    )


# A scene takes about 1 MB; the composite's 68 people all fit, so that the passes of a
# run over its clips (detection, apex frames, all frames, flow pairs) render each once.
@functools.lru_cache(maxsize=128)
def neutral_scene(identity, population, style_name, scale):
    """Render (once per process) the neutral scene of ``identity`` in a style.

    Parameters
    ----------
    identity : tuple of int
    population : str
    style_name : str
    scale : float

    Returns
    -------
    scene : Scene
    """
    style = STYLES[style_name]
    person = random_identity(list(identity), population)
    rng = np.random.default_rng([*identity, _STYLE_ENTROPY[style_name]])
    person["light"] = light_direction(rng, style)
    person["ambient"] = style.ambient
    width, height = scene_size(style, scale)
    iod = style.iod * scale * rng.uniform(0.92, 1.08)
    # Eyes placed so that the chin (1.9 IOD below them) and most of the hair (up to 2.2
    # IOD above) stay in the frame.
    cx = width * rng.uniform(0.42, 0.58)
    cy = float(np.clip(height * rng.uniform(0.36, 0.46), 1.9 * iod, height - 2.2 * iod))
    layout = FaceLayout((cx, cy), iod, person["roll"])
    background = make_background(rng, style, (width, height))
    return _build_scene(person, layout, background, style)


@functools.lru_cache(maxsize=8)
def portrait_scene(identity, iod):
    """Render (once per process) ``identity`` as a plain-RGB portrait with this IOD."""
    person = random_identity(list(identity))
    rng = np.random.default_rng([*identity, len(_STYLE_ENTROPY)])
    width, height = int(np.ceil(4.6 * iod)), int(np.ceil(5.6 * iod))
    layout = FaceLayout((width / 2, 2.5 * iod), iod, person["roll"])
    background = make_background(rng, STYLES["natural"], (width, height))
    return _build_scene(person, layout, background, None)
