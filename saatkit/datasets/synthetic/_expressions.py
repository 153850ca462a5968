"""The synthetic auxiliary set: macro-expression images of the teacher (a BU-3DFE stand-in)."""

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ...clips import MEGC_CLASSES
from ._catalogue import MACRO_DRAW, MACRO_PEAK
from ._images import render_expression_images
from ._megc2019 import _seed

EXPRESSIONS_DESCR = """\
Synthetic macro-expression images (saatkit's stand-in for BU-3DFE)
------------------------------------------------------------------

Face images for training a teacher network, made so that saatkit runs everywhere
without licensed data. Numbers obtained on them say nothing about real facial
expression recognition.

Identities are procedural and disjoint from those of the synthetic micro-expression
composite (separate seed streams). Expressions are the same action units as the
composite's at full intensity ({macro_low}-{macro_high} x the inter-ocular distance,
less where the face would fold over), posed like BU-3DFE's six emotions (anger,
disgust, fear and sadness are negative), with BU-3DFE's class balance 11012/2730/2736
negative/positive/surprise. Images are cropped around the face like a detector box and
resized to ``output_size``; their recording style is one of {styles}, drawn per image.
"""


# BU-3DFE: 100 subjects, six posed emotions; 11012/2730/2736 images per MEGC class in the
# SA-AT paper's Table 1.
BU3DFE_COUNTS = (11012, 2730, 2736)
_MACRO_ACTS = {
    0: [
        ("anger", ("AU4", "AU7"), 1.0, False),
        ("anger", ("AU4", "AU7", "AU24"), 1.0, False),
        ("disgust", ("AU9",), 1.0, False),
        ("disgust", ("AU4", "AU9"), 1.0, False),
        ("fear", ("AU1", "AU2", "AU4"), 2.0, False),
        ("sadness", ("AU1", "AU4", "AU15"), 1.0, False),
        ("sadness", ("AU15", "AU17"), 1.0, False),
    ],
    1: [("happiness", ("AU6", "AU12"), 1.0, False), ("happiness", ("AU12",), 0.4, False)],
    2: [
        ("surprise", ("AU1", "AU2", "AU26"), 1.0, False),
        ("surprise", ("AU1", "AU2"), 0.4, False),
    ],
}
IMAGE_STYLES = ("smic", "casme2", "samm", "natural")


def _class_counts(n_samples, proportions):
    """Exact per-class counts in the given proportions (largest remainder)."""
    p = np.asarray(proportions, float) / np.sum(proportions)
    counts = np.floor(p * n_samples).astype(int)
    order = np.argsort(-(p * n_samples - counts), kind="stable")
    counts[order[: n_samples - counts.sum()]] += 1
    return counts


def make_synthetic_expressions(
    n_samples=2000,
    *,
    output_size=64,
    styles="mixed",
    n_identities=100,
    return_neutral=False,
    n_jobs=None,
    random_state=0,
):
    """Make synthetic macro-expression face images: the teacher's auxiliary set.

    A stand-in for BU-3DFE: posed expressions at full intensity of identities that do
    not appear in :func:`make_synthetic_megc2019`, cropped around the face.
    **Scores on it say nothing about real expression recognition.**

    Parameters
    ----------
    n_samples : int, default=2000
        Number of images.
    output_size : int, default=64
        Side of the square images.
    styles : "mixed", "natural" or sequence of str, default="mixed"
        Recording styles, each image drawn uniformly among them: ``"mixed"`` is the
        three databases' styles and plain colour (``("smic", "casme2", "samm",
        "natural")``), so a teacher trained on these images has seen every style of the
        composite; ``"natural"`` is plain colour only.
    n_identities : int, default=100
        Number of people (BU-3DFE has 100).
    return_neutral : bool, default=False
        Also render each image's neutral face (``neutral`` in the result), for
        teachers that learn from the neutral-to-expression motion (optical flow). The
        images and everything else are the same whether it is True or False.
    n_jobs : int, default=None
        People rendered side by side (joblib); the images do not depend on it.
    random_state : int, RandomState instance or None, default=0

    Returns
    -------
    data : Bunch
        X : ndarray of shape (n_samples, output_size, output_size, 3), uint8 RGB

        y : ndarray of int, 0 negative, 1 positive, 2 surprise, in BU-3DFE's
            proportions 11012/2730/2736.
        landmarks : ndarray of shape (n_samples, 68, 2)
            True landmarks in image pixels.
        frame : DataFrame
            label, emotion, action_units, peak (IOD), style, identity.
        neutral : ndarray of the shape of X, uint8
            Only with ``return_neutral=True``: row i is the neutral face of the person
            of ``X[i]`` in the same head pose, crop, style and lighting, so that the
            two differ by the expression alone (the expression warp and its wrinkles)
            and by independently drawn sensor noise, as two shots of a camera would.

        target_names : list of str

        DESCR : str

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.datasets import make_synthetic_expressions
    >>> data = make_synthetic_expressions(30, output_size=48, n_identities=3)
    >>> data.X.shape, data.X.dtype, np.bincount(data.y).tolist()
    ((30, 48, 48, 3), dtype('uint8'), [20, 5, 5])
    >>> pairs = make_synthetic_expressions(3, output_size=48, return_neutral=True)
    >>> pairs.neutral.shape == pairs.X.shape
    True
    """
    if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}.")
    if not isinstance(output_size, numbers.Integral) or output_size < 16:
        raise ValueError(f"output_size must be an int of at least 16, got {output_size!r}.")
    if not isinstance(n_identities, numbers.Integral) or n_identities < 1:
        raise ValueError(f"n_identities must be a positive int, got {n_identities!r}.")
    if isinstance(styles, str):
        if styles not in ("mixed", "natural"):
            raise ValueError(
                f"styles must be 'mixed', 'natural' or a sequence of style "
                f"names {IMAGE_STYLES}, got {styles!r}."
            )
        styles = IMAGE_STYLES if styles == "mixed" else ("natural",)
    styles = tuple(styles)
    if not styles or any(s not in IMAGE_STYLES for s in styles):
        raise ValueError(f"styles must name styles among {IMAGE_STYLES}, got {styles!r}.")
    if not isinstance(return_neutral, (bool, np.bool_)):
        raise TypeError(f"return_neutral must be True or False, got {return_neutral!r}.")
    seed = _seed(random_state)
    rng = np.random.default_rng([seed, MACRO_DRAW])
    labels = np.repeat([0, 1, 2], _class_counts(int(n_samples), BU3DFE_COUNTS))
    labels = rng.permutation(labels)
    people = rng.integers(0, n_identities, size=len(labels))
    images, landmarks, rows, neutral = render_expression_images(
        labels,
        people,
        styles,
        int(output_size),
        seed,
        _MACRO_ACTS,
        MACRO_PEAK,
        neutral=bool(return_neutral),
        n_jobs=n_jobs,
    )
    frame = pd.DataFrame(rows)
    extra = {"neutral": neutral} if return_neutral else {}
    return Bunch(
        X=images,
        y=labels.astype(np.int64),
        landmarks=landmarks,
        frame=frame,
        target_names=list(MEGC_CLASSES),
        DESCR=EXPRESSIONS_DESCR.format(
            macro_low=MACRO_PEAK[0], macro_high=MACRO_PEAK[1], styles=", ".join(styles)
        ),
        **extra,
    )
