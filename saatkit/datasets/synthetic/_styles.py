"""Recording styles of the synthetic databases: what makes SMIC, CASME II and SAMM differ.

Each style fixes the camera (frame rate, frame size, face size), the light and the
sensor: SMIC-HS-like recordings are darker, grey-green as from a near-infrared-like
sensor, noisier and with smaller faces at 100 fps; CASME II-like ones are colour under
warm light at 200 fps; SAMM-like ones are grey-scale, bright and high-resolution at
200 fps. A neutral style (plain colour, no tint) serves the macro-expression images.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from ...clips import to_grey


@dataclass(frozen=True)
class RecordingStyle:
    """Camera, light and sensor of one synthetic database.

    Sizes are at ``scale=1`` (the paper-like full size) and shrink with the scale.
    """

    name: str
    fps: float
    scene: tuple  # (width, height) pixels
    iod: float  # inter-ocular distance of an average face, pixels
    colour: str  # "nir", "warm", "grey" or "natural"
    gain: float  # overall exposure
    gamma: float
    tint: tuple  # RGB multipliers after the colour mapping
    noise: float  # sensor noise, standard deviation in grey levels
    blur: float  # optics blur, in inter-ocular distances of the face
    background: tuple  # range of the background's brightness
    light_side: tuple  # range of the light's sideways component (either side)
    light_top: tuple  # range of its downward component
    ambient: float  # share of light from all around (the rest comes from the lamp)


STYLES = {
    # One lamp to a side of a dark room: strong side shading.
    "smic": RecordingStyle(
        "smic",
        100.0,
        (640, 480),
        72.0,
        "nir",
        0.62,
        1.25,
        (0.78, 1.0, 0.72),
        4.0,
        0.035,
        (0.25, 0.5),
        (0.35, 0.6),
        (0.15, 0.35),
        0.2,
    ),
    # Lamps in front and above.
    "casme2": RecordingStyle(
        "casme2",
        200.0,
        (640, 480),
        100.0,
        "warm",
        0.98,
        1.0,
        (1.08, 0.97, 0.78),
        2.0,
        0.012,
        (0.6, 0.85),
        (0.0, 0.2),
        (0.35, 0.6),
        0.4,
    ),
    # Two strong lights left and right: flat, frontal light.
    "samm": RecordingStyle(
        "samm",
        200.0,
        (1020, 544),
        120.0,
        "grey",
        1.12,
        0.9,
        (1.0, 1.0, 1.0),
        1.2,
        0.0,
        (0.55, 0.8),
        (0.0, 0.1),
        (0.05, 0.25),
        0.6,
    ),
    "natural": RecordingStyle(
        "natural",
        25.0,
        (480, 480),
        110.0,
        "natural",
        1.0,
        1.0,
        (1.0, 1.0, 1.0),
        1.5,
        0.008,
        (0.2, 0.9),
        (0.0, 0.45),
        (0.15, 0.55),
        0.38,
    ),
}
"""dict: style name -> :class:`RecordingStyle`."""

SCALES = {"full": 1.0, "demo": 0.375}
"""dict: named scales of the scene; "demo" keeps faces of 60-120 pixels."""

# Skin and lips reflect near-infrared light alike, so a near-infrared-like sensor sees
# mostly the red end: lips lose their contrast, brows and lid lines keep it.
_NIR = np.array([0.75, 0.2, 0.05], np.float32)


def check_scale(scale):
    """The scale as a float, from a name in :data:`SCALES` or a positive number."""
    if isinstance(scale, str):
        if scale not in SCALES:
            raise ValueError(
                f"scale must be a positive number or one of {sorted(SCALES)}, got {scale!r}."
            )
        return SCALES[scale]
    try:
        value = float(scale)
    except (TypeError, ValueError):
        raise TypeError(f"scale must be a number or a name, got {type(scale).__name__}.") from None
    if not value > 0:
        raise ValueError(f"scale must be positive, got {scale!r}.")
    return value


def scene_size(style, scale):
    """(width, height) of the style's frames at ``scale``."""
    return tuple(max(int(round(v * scale / 2)) * 2, 16) for v in style.scene)


def apply_style(rgb, style):
    """Map a rendered RGB image (float32 in [0, 1]) to the style's recording.

    Returns float32 in [0, 1]: (H, W) for grey-scale styles, (H, W, 3) otherwise.
    """
    if style.colour == "nir":
        out = rgb @ _NIR
    elif style.colour == "grey":
        out = to_grey(rgb)
    else:
        out = rgb
    out = style.gain * np.clip(out, 0, None) ** style.gamma
    if style.colour != "grey":
        if out.ndim == 2:
            out = out[..., None]
        out = out * np.asarray(style.tint, np.float32)
    return np.clip(out, 0, 1).astype(np.float32)


def optics_blur(image, style, iod):
    """The style's lens and focus blur for a face of ``iod`` pixels between the eyes."""
    sigma = style.blur * iod
    if sigma < 0.25:
        return image
    return cv2.GaussianBlur(image, (0, 0), sigma)


def make_background(rng, style, size):
    """A recording room behind the subject: a wall with soft light falloff and shapes.

    Returns float32 (height, width, 3) in [0, 1], before the style's colour mapping.
    """
    width, height = size
    low, high = style.background
    level = rng.uniform(low, high)
    hue = rng.uniform(0.85, 1.1, 3) if style.colour == "natural" else rng.uniform(0.95, 1.05, 3)
    wall = np.full((height, width, 3), level, np.float32) * hue.astype(np.float32)
    coarse = cv2.resize(
        rng.standard_normal((4, 5)).astype(np.float32),
        (width, height),
        interpolation=cv2.INTER_CUBIC,
    )
    wall *= (1 + 0.08 * coarse)[..., None]
    ys = np.linspace(-1, 1, height, dtype=np.float32)[:, None, None]
    wall *= 1 + rng.uniform(-0.08, 0.08) * ys
    for _ in range(rng.integers(0, 3)):
        x0 = int(rng.uniform(0, 0.9) * width)
        w = int(rng.uniform(0.05, 0.3) * width)
        shape = np.zeros((height, width), np.float32)
        shape[:, x0 : x0 + w] = 1
        shape = cv2.GaussianBlur(shape, (0, 0), max(width * 0.01, 1))
        wall *= (1 + rng.uniform(-0.15, 0.1) * shape)[..., None]
    return np.clip(wall, 0, 1)


def light_direction(rng, style):
    """A unit light direction (x right, y down, z towards the camera) for the style."""
    side = rng.uniform(*style.light_side) * rng.choice([-1, 1])
    light = np.array([side, -rng.uniform(*style.light_top), 1.0])
    return light / np.linalg.norm(light)
