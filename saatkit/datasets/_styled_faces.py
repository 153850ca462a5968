"""Real faces rendered in the three styles of the micro-expression databases.

For trying style aggregation (and for its tests and benchmark): the 100 LFW faces
shipped with scikit-image (no download) re-rendered as CASME II-like colour, SMIC-like
near-infrared and SAMM-like grey-scale images.
"""

import numpy as np
from skimage.data import lfw_subset
from skimage.transform import resize
from sklearn.utils import check_random_state

STYLES = ("colour", "nir", "grey")


def _colour(luma, rng):
    # Warm skin tones with a per-face tint: a colour camera under studio light.
    tint = np.array([1.0, 0.78, 0.62]) * rng.uniform(0.9, 1.05, 3)
    return luma[..., None] ** 0.9 * tint + np.array([0.05, 0.03, 0.02])


def _nir(luma, rng):
    # Half the resolution, dark, low contrast, green-tinted and noisy.
    size = luma.shape[0]
    low = resize(resize(luma, (size // 2, size // 2)), (size, size))
    rgb = np.array([0.07, 0.12, 0.07]) + low[..., None] * np.array([0.25, 0.35, 0.25])
    return rgb + rng.normal(0.0, 0.02, rgb.shape)


def _grey(luma, rng):
    # Grey-scale, high contrast: a monochrome high-speed camera.
    return np.repeat(((luma - 0.5) * 1.3 + 0.5)[..., None], 3, axis=-1)


_RENDER = {"colour": _colour, "nir": _nir, "grey": _grey}


def make_styled_faces(n_faces=50, *, output_size=64, styles=STYLES, random_state=None):
    """The same ``n_faces`` real faces rendered in each of ``styles``.

    Parameters
    ----------
    n_faces : int, default=50
        Number of identities (at most 100, the faces of ``skimage.data.lfw_subset``).
    output_size : int, default=64
        Side of the square output images (the sources are 25x25, up-sampled).
    styles : sequence of {"colour", "nir", "grey"}, default=("colour", "nir", "grey")
        Styles to render: a colour camera under studio light (CASME II), near-infrared
        at half the resolution, dark and noisy (SMIC), high-contrast grey-scale (SAMM).
    random_state : int, RandomState instance or None, default=None
        Seeds the tints and the noise.

    Returns
    -------
    images : ndarray of shape (n_faces * len(styles), output_size, output_size, 3), uint8
    groups : ndarray of shape (n_faces * len(styles),)
        The style of each image.
    identities : ndarray of shape (n_faces * len(styles),)
        The index of the face each image shows.

    Examples
    --------
    >>> from saatkit.datasets import make_styled_faces
    >>> images, groups, identities = make_styled_faces(2, output_size=32, random_state=0)
    >>> images.shape, groups.tolist(), identities.tolist()
    ((6, 32, 32, 3), ['colour', 'colour', 'nir', 'nir', 'grey', 'grey'], [0, 1, 0, 1, 0, 1])
    """
    if not 1 <= n_faces <= 100:
        raise ValueError(f"n_faces must be in [1, 100], got {n_faces}.")
    unknown = set(styles) - set(_RENDER)
    if unknown:
        raise ValueError(f"styles must be among {STYLES}, got {sorted(unknown)}.")
    rng = check_random_state(random_state)
    faces = [resize(face, (output_size, output_size), order=3) for face in lfw_subset()[:n_faces]]
    images = [_RENDER[style](np.clip(face, 0, 1), rng) for style in styles for face in faces]
    images = np.round(np.clip(np.stack(images), 0, 1) * 255).astype(np.uint8)
    groups = np.repeat(np.asarray(styles), n_faces)
    identities = np.tile(np.arange(n_faces), len(styles))
    return images, groups, identities
