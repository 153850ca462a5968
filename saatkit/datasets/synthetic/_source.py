"""Frames of synthetic clips, rendered on demand from a seed and a few parameters.

A :class:`SyntheticSource` holds only a :class:`ClipSpec` (seeds, timing, the
expression's landmark displacement), so clips are tiny to pickle and their key is a
digest of exactly what determines their pixels. The neutral scene of each identity is
rendered once per process (an LRU cache) and every frame is a warp of it plus sensor
noise drawn from a per-frame seed, so ``read([i])`` equals ``read()[i]`` byte for byte.
"""

import functools
from dataclasses import astuple, dataclass

import numpy as np

from ...clips import CropSource, FrameSource
from ._identity import N_LANDMARKS
from ._motion import intensity_profile, similarity_displacement, warp_region
from ._scene import _FIELD_CENTRES, neutral_scene
from ._wrinkles import wrinkle_map

# Part of every clip key: bump it whenever a change alters rendered pixels.
RENDERER_VERSION = 1


@dataclass(frozen=True)
class ClipSpec:
    """Everything that determines a synthetic clip's frames.

    Attributes
    ----------
    identity : tuple of int
        Seed of the person (:func:`random_identity`) and of their scene.
    population : str
        Appearance range the person is drawn from (a key of ``POPULATIONS``).
    style : str
        Recording style, a key of :data:`STYLES`.
    scale : float
        Scene scale (1 is the full size).
    fps : float
        Frame rate of the rendered frames.
    n_frames : int
    onset, apex, offset : int
        0-based frame positions of the expression.
    expression : tuple of float
        Landmark displacement pattern at the apex, 68 x 2 flattened, face coordinates.
    peak : float
        Largest landmark displacement at the apex, in IOD.
    wrinkles : tuple of (str, float, float)
        Action units and how deep their wrinkles get at the apex on the image-left and
        image-right halves of the face (a fraction of the skin's brightness).
    nuisance : tuple of int
        Seed of the head motion, blinks, flicker and sensor noise.
    first_frame : int
        Frame number of the first frame (as in a longer recording).
    """

    identity: tuple
    population: str
    style: str
    scale: float
    fps: float
    n_frames: int
    onset: int
    apex: int
    offset: int
    expression: tuple
    peak: float
    wrinkles: tuple
    nuisance: tuple
    first_frame: int = 0


class _Motion:
    """The label-independent nuisances of one clip, drawn from its seed.

    Head pose: a per-clip offset (the subject sat a little differently) plus a slow
    drift of up to 0.005 IOD, 0.1 degrees and 0.15% in scale; a blink in 15% of clips
    (closing in 40-60 ms, opening in 80-120 ms, 50-100% closed); a slow light flicker of
    up to 0.6%.
    """

    def __init__(self, nuisance, iod, duration):
        rng = np.random.default_rng(list(nuisance))
        self.base = np.array(
            [
                np.clip(rng.normal(0, 0.03), -0.08, 0.08) * iod,
                np.clip(rng.normal(0, 0.03), -0.08, 0.08) * iod,
                np.deg2rad(rng.normal(0, 0.5)),
                1 + rng.normal(0, 0.008),
            ]
        )
        self.amplitude = np.array(
            [
                rng.uniform(0, 0.005) * iod,
                rng.uniform(0, 0.005) * iod,
                np.deg2rad(rng.uniform(0, 0.1)),
                rng.uniform(0, 0.0015),
            ]
        )
        self.period = rng.uniform(1.0, 3.0, 4)
        self.phase = rng.uniform(0, 2 * np.pi, 4)
        self.blink = None
        if rng.random() < 0.15:
            start = rng.uniform(-0.05, duration)
            close, reopen = rng.uniform(0.04, 0.06), rng.uniform(0.08, 0.12)
            self.blink = (start, start + close, start + close + reopen, rng.uniform(0.5, 1.0))
        self.flicker = (rng.uniform(0, 0.006), rng.uniform(0.2, 1.0), rng.uniform(0, 2 * np.pi))

    def head(self, t):
        return self.base + self.amplitude * np.sin(2 * np.pi * t / self.period + self.phase)

    def closure(self, t):
        if self.blink is None:
            return 0.0
        start, shut, end, depth = self.blink
        if start < t <= shut:
            return depth * (t - start) / (shut - start)
        if shut < t < end:
            return depth * (end - t) / (end - shut)
        return 0.0

    def gain(self, t):
        amp, period, phase = self.flicker
        return 1 + amp * np.sin(2 * np.pi * t / period + phase)


@functools.lru_cache(maxsize=8)
def _clip_state(spec):
    """Per-clip arrays (scene, expression field, motion, profile) of the last few clips."""
    scene = neutral_scene(spec.identity, spec.population, spec.style, spec.scale)
    pattern = np.asarray(spec.expression, float).reshape(N_LANDMARKS, 2)
    field, at_landmarks = expression_field(scene, pattern, spec.peak)
    motion = _Motion(spec.nuisance, scene.iod, spec.n_frames / spec.fps)
    profile = intensity_profile(np.arange(spec.n_frames), spec.onset, spec.apex, spec.offset)
    darkening = wrinkle_map(scene.wrinkles, spec.wrinkles, scene.roi)
    if scene.image.ndim == 3:
        darkening = darkening[..., None]
    return scene, field, at_landmarks, motion, profile, darkening


class SyntheticSource(FrameSource):
    """Frames of one synthetic clip, rendered on demand from a :class:`ClipSpec`.

    Parameters
    ----------
    spec : ClipSpec
    """

    def __init__(self, spec):
        if not isinstance(spec, ClipSpec):
            raise TypeError(f"spec must be a ClipSpec, got {type(spec).__name__}.")
        self.spec = spec
        self.frame_numbers = spec.first_frame + np.arange(spec.n_frames, dtype=np.int64)

    @property
    def key(self):
        return self.digest("synthetic", RENDERER_VERSION, astuple(self.spec))

    def __repr__(self):
        s = self.spec
        return f"SyntheticSource(style={s.style!r}, scale={s.scale}, n_frames={s.n_frames})"

    def _read(self, indices):
        spec = self.spec
        scene, field, _, motion, profile, darkening = _clip_state(self.spec)
        x0, y0, x1, y1 = scene.roi
        noise = np.float32(scene.style.noise / 255.0)
        frames = np.empty((len(indices),) + scene.image.shape, np.uint8)
        # Two frame-sized buffers reused for every frame: allocating, filling and
        # freeing full frames cost as much as drawing the sensor noise itself.
        frame, grain = np.empty_like(scene.image), np.empty_like(scene.image)
        for k, i in enumerate(indices):
            t = i / spec.fps
            region = scene.image[y0:y1, x0:x1]
            if profile[i] > 0:
                region = region * (1 - np.float32(profile[i]) * darkening)
            closure = motion.closure(t)
            if closure > 0:
                region = _blink(scene, region.copy(), closure)
            warped = warp_region(
                region,
                scene.grid_x,
                scene.grid_y,
                scene.mask,
                field,
                motion.head(t),
                scene.centre,
                profile[i],
            )
            np.copyto(frame, scene.image)
            frame[y0:y1, x0:x1] = warped
            frame *= np.float32(motion.gain(t))
            rng = np.random.default_rng([*spec.nuisance, int(i)])
            rng.standard_normal(dtype=np.float32, out=grain)
            grain *= noise
            frame += grain
            frame *= 255
            frame += 0.5
            frames[k] = np.clip(frame, 0, 255, out=frame)
        return frames

    def landmarks(self, indices=None):
        """The true 68 landmarks of frames ``indices``, (k, 68, 2) in frame pixels."""
        indices = self.positions(indices)
        spec = self.spec
        scene, _, at_landmarks, motion, profile, _ = _clip_state(self.spec)
        base = scene.landmarks
        out = np.empty((len(indices), N_LANDMARKS, 2))
        for k, i in enumerate(indices):
            t = i / spec.fps
            p = base.copy()
            closure = motion.closure(t)
            if closure > 0:
                for upper, lower in ((37, 41), (38, 40), (43, 47), (44, 46)):
                    p[upper] += closure * (base[lower] - base[upper])
            out[k] = moved_landmarks(scene, p, motion.head(t), profile[i] * at_landmarks)
        return out


def expression_field(scene, pattern, peak):
    """The expression field of ``pattern`` (68 x 2, face coordinates) at its apex.

    Returns the field over the scene's ROI, float32 (h, w, 2) in pixels, and its value
    at the 68 landmarks, scaled so that the largest landmark displacement is ``peak``
    inter-ocular distances.
    """
    layout = scene.layout
    displacement = layout.to_scene(pattern) - layout.to_scene(np.zeros((1, 2)))
    weights = scene.basis.weights(displacement[_FIELD_CENTRES])
    at_landmarks = scene.basis.at(scene.landmarks, weights)
    largest = np.linalg.norm(at_landmarks, axis=1).max()
    if largest > 0:
        ratio = peak * scene.iod / largest
        weights, at_landmarks = weights * ratio, at_landmarks * ratio
    x0, y0, x1, y1 = scene.roi
    return scene.basis.grid(weights, (x0, y0), (y1 - y0, x1 - x0)), at_landmarks


def moved_landmarks(scene, points, head, expression):
    """Landmarks ``points`` (68, 2) moved by the head transform and the expression."""
    x0, y0, _, _ = scene.roi
    base = scene.landmarks
    col = np.clip(np.round(base[:, 0]).astype(int) - x0, 0, scene.mask.shape[1] - 1)
    row = np.clip(np.round(base[:, 1]).astype(int) - y0, 0, scene.mask.shape[0] - 1)
    moves = scene.mask[row, col][:, None]
    hx, hy = similarity_displacement(head, scene.centre, points[:, 0], points[:, 1])
    return points + moves * np.column_stack([hx, hy]) + expression


def _blink(scene, region, closure):
    """Lower both upper lids of ``region`` (the scene's ROI, copied) by ``closure``."""
    x0, y0 = scene.roi[:2]
    ex0, ey0, ex1, ey1 = scene.eye_box
    patch = region[ey0 - y0 : ey1 - y0, ex0 - x0 : ex1 - x0]
    closed = scene.closed_eyes
    ys = np.arange(ey0, ey1, dtype=np.float32)[:, None]
    xs = np.arange(ex0, ex1, dtype=np.float32)
    lash = 0.02 * scene.iod
    for upper, lower in scene.eye_curves:
        top = _along(upper, xs)
        bottom = _along(lower, xs)
        inside = ((xs >= upper[:, 0].min()) & (xs <= upper[:, 0].max()))[None, :]
        lid = top + closure * (bottom - top)
        alpha = np.clip(lid - ys + 0.5, 0, 1) * np.clip(ys - top + 1.5, 0, 1) * inside
        line = np.exp(-(((ys - lid) / lash) ** 2)) * inside * np.float32(min(closure * 4, 1))
        a = alpha if patch.ndim == 2 else alpha[..., None]
        patch[...] = patch * (1 - a) + closed * a
        patch *= (1 - 0.8 * line) if patch.ndim == 2 else (1 - 0.8 * line)[..., None]
    return region


def _along(curve, xs):
    order = np.argsort(curve[:, 0])
    return np.interp(xs, curve[order, 0], curve[order, 1]).astype(np.float32)[None, :]


def synthetic_landmarks(clip, indices=None):
    """The true 68 landmark positions of a synthetic clip's frames.

    Parameters
    ----------
    clip : Clip
        A clip of :func:`make_synthetic_megc2019`, or a crop of one
        (:meth:`Clip.crop`), whose landmarks are mapped into the crop.
    indices : sequence of int, default=None
        0-based frame positions; all frames when None.

    Returns
    -------
    landmarks : ndarray of shape (n_frames, 68, 2)
        (x, y) in pixels of the clip's frames, iBUG 68-point order, where the renderer
        drew each feature (pixel centres at integer coordinates).
    """
    source = getattr(clip, "source", clip)
    crops = []
    while isinstance(source, CropSource):
        crops.append(source)
        source = source.parent
    if not isinstance(source, SyntheticSource):
        raise TypeError(
            f"synthetic_landmarks needs a clip of make_synthetic_megc2019, got a clip whose "
            f"frames come from {type(source).__name__}."
        )
    points = source.landmarks(indices)
    for crop in reversed(crops):
        x0, y0, x1, y1 = crop.box
        height, width = crop.output_size
        sx, sy = width / (x1 - x0), height / (y1 - y0)
        points = np.stack(
            [(points[..., 0] - x0 + 0.5) * sx - 0.5, (points[..., 1] - y0 + 0.5) * sy - 0.5],
            axis=-1,
        )
    return points
