"""The built-in synthetic benchmark: a stand-in for SMIC, CASME II, SAMM and BU-3DFE.

The licensed micro-expression databases cannot ship with saatkit, so this module makes
a synthetic composite with the same structure (3 databases, 68 subjects, 442 clips, the
MEGC 2019 clips per subject and class) and an auxiliary macro-expression image set, so
that every stage of the toolkit (face detection, landmarks, apex spotting, style
aggregation, the networks and the leave-one-subject-out protocol) runs for real on any
machine. The faces are procedural drawings; their expressions are FACS-style landmark
displacements at micro-expression intensity, rendered by warping; the databases differ
in recording style. **Scores on this benchmark say nothing about real micro-expression
recognition**: they show that the toolkit runs, and let its tests check that a method
learns something and that a domain gap exists, nothing more.
"""

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state

from ._clip import Clip
from ._synthetic_catalogue import (
    ACTS, CLIP, DATABASES, MACRO_DRAW, MACRO_PEAK, MICRO_IDENTITY, MICRO_PEAK, NUISANCE,
    POPULATION, SUBJECT, SUBJECT_CLIPS, SubjectStyle, check_catalogue,
)
from ._synthetic_images import render_expression_images
from ._synthetic_source import ClipSpec, SyntheticSource
from ._synthetic_styles import STYLES, check_scale

TARGET_NAMES = ["negative", "positive", "surprise"]

_SHORT = {0: "ne", 1: "po", 2: "sur"}

MEGC_DESCR = """\
Synthetic MEGC 2019 composite (saatkit's built-in stand-in)
-----------------------------------------------------------

A synthetic stand-in for the MEGC 2019 composite database (SMIC-HS, CASME II, SAMM),
made so that saatkit runs and can be tested everywhere without the licensed databases.
Numbers obtained on it say nothing about real micro-expression recognition.

Structure: the MEGC 2019 composite's subjects (16 smic, 24 casme2, 28 samm) and clips
per subject and class (smic 70/51/43, casme2 88/32/25, samm 92/26/15 negative/positive/
surprise; 442 clips), subject ids and clip names written as in the official list.

Faces: one procedural identity per subject (face shape, features, skin, hair, lighting),
drawn from 68 landmarks (iBUG order) so that the YuNet detector and dlib's 68-point
model find them. Each clip is a whole scene (face, body, room) with a micro-expression:
FACS action units (positive: AU12 with or without AU6; surprise: AU1+AU2 with or
without AU26; negative: AU4, AU7, AU9, AU14, AU15, AU17, AU24 combinations, mixed per
database as disgust/repression, anger/contempt/disgust/fear/sadness, or SMIC's single
negative class) displacing the landmarks by {micro_low}-{micro_high} x the inter-ocular
distance at the apex, rising and falling within 0.2-0.5 s. Subjects differ in which
variants they show, how strongly and how asymmetrically, and in how each action unit
moves their face. Head drift, blinks, light flicker and sensor noise are independent of
the label.

Styles: smic 100 fps, dark grey-green (near-infrared-like), noisy, smaller faces;
casme2 200 fps, colour under warm light; samm 200 fps, grey-scale, bright, larger
frames and faces. Frames are rendered on demand from seeds (nothing is stored).

Ground truth: onset, apex and offset on each clip (0-based positions) and in ``frame``
(frame numbers); the apex is the frame of largest expression displacement.
``saatkit.datasets.synthetic_landmarks(clip)`` gives the true 68 landmarks of any frame.
"""

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
resized to ``image_size``; their recording style is one of {styles}, drawn per image.
"""


def _seed(random_state):
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be non-negative, got {random_state}.")
        return int(random_state)
    return int(check_random_state(random_state).randint(2**31 - 1))


def _timing(rng, fps, max_frames):
    """Clip length, frame rate and onset/apex/offset positions of one expression."""
    duration = rng.uniform(0.2, 0.5)
    rise = duration * rng.uniform(0.3, 0.55)
    pre, post = rng.uniform(0, 0.03), rng.uniform(0, 0.03)
    n = int(round((pre + duration + post) * fps)) + 1
    rate = fps
    if max_frames is not None and n > max_frames:
        rate = fps * (max_frames - 1) / (n - 1)
        n = max_frames
    onset = int(round(pre * rate))
    offset = max(min(int(round((pre + duration) * rate)), n - 1), onset + 2)
    apex = int(np.clip(round((pre + rise) * rate), onset + 1, offset - 1))
    return float(rate), n, onset, apex, offset


def _clip_name(database, subject, label, counters, rng):
    k = counters[label] = counters.get(label, 0) + 1
    total = counters["all"] = counters.get("all", 0) + 1
    if database == "smic":
        return f"{subject}_{_SHORT[label]}_{k:02d}"
    if database == "casme2":
        return f"EP{rng.integers(1, 20):02d}_{total:02d}"
    return f"{subject}_{rng.integers(1, 8)}_{total}"


def _check_databases(databases):
    if databases is None:
        return DATABASES
    if isinstance(databases, str):
        databases = (databases,)
    unknown = [d for d in databases if d not in DATABASES]
    if unknown or not databases:
        raise ValueError(f"databases must be a subset of {DATABASES}, got {databases!r}.")
    return tuple(d for d in DATABASES if d in databases)


def _check_styles(styles):
    if styles is None:
        return {}
    if not isinstance(styles, dict):
        raise TypeError(f"styles must be a dict database -> style, got {type(styles).__name__}.")
    for database, style in styles.items():
        if database not in DATABASES or style not in STYLES:
            raise ValueError(f"styles maps databases {DATABASES} to styles {tuple(STYLES)}; "
                             f"got {database!r}: {style!r}.")
    return dict(styles)


def make_synthetic_megc2019(*, scale="demo", max_frames=None, databases=None, styles=None,
                            random_state=0):
    """Make the synthetic MEGC 2019 composite: 442 clips of 68 synthetic subjects.

    A stand-in for SMIC-HS, CASME II and SAMM with the structure of the MEGC 2019
    composite, so that the toolkit runs end to end without licensed data. Frames are
    rendered lazily when a clip is read; generating the dataset itself takes well under
    a second. **Scores on it say nothing about real micro-expression recognition.**

    Parameters
    ----------
    scale : float or {"demo", "full"}, default="demo"
        Size of the scenes. ``"full"`` (1.0) is paper-like: 640x480 smic and casme2
        frames with faces of about 165 and 240 pixels, 960x512 samm frames with faces of
        about 320 pixels. ``"demo"`` (0.375) gives 240x180 and 360x192 frames with faces
        of about 60-120 pixels, for running the whole protocol on a laptop.
    max_frames : int, default=None
        Longest clip, in frames. Clips last 0.2-0.56 s (20-57 frames at smic's 100 fps,
        41-113 at 200 fps); a longer clip is rendered at a lower frame rate over the
        same duration (``clip.fps`` says which). At least 8. None keeps the
        databases' frame rates.
    databases : sequence of {"smic", "casme2", "samm"}, default=None
        Databases to include; None for all three.
    styles : dict, default=None
        Recording style per database, to render a database's clips as another's
        recordings: ``{"smic": "samm"}`` gives the same smic subjects, expressions and
        nuisances, and the same frame rate, in SAMM-like frames (grey-scale, bright,
        larger). Styles are "smic", "casme2", "samm" and "natural" (plain colour).
        None (or a database left out) keeps each database's own style. For measuring
        how much of a domain gap is recording style alone.
    random_state : int, RandomState instance or None, default=0
        Seed of the identities, expressions and nuisances. The same int gives
        byte-identical frames.

    Returns
    -------
    data : Bunch
        X : list of Clip
            Lazy clips; ``clip.onset``, ``clip.apex``, ``clip.offset`` are the ground
            truth as 0-based positions.
        y : ndarray of int
            0 negative, 1 positive, 2 surprise.
        groups : ndarray of str
            Subject ids, for example ``"casme2/sub01"``, ``"samm/006"``, ``"smic/s01"``.

        database : ndarray of str

        frame : DataFrame
            One row per clip: database, subject, name, label, emotion, onset, apex,
            offset (frame numbers), n_frames, path (empty), note (empty), and
            action_units, peak (apex displacement in IOD), fps, style.

        target_names : list of str

        DESCR : str

    See Also
    --------
    make_synthetic_expressions : The matching macro-expression image set.
    synthetic_landmarks : True landmarks of a synthetic clip's frames.

    Notes
    -----
    What each clip shows is drawn from ``random_state``: the subject's identity, the
    action units of its class (:mod:`saatkit.datasets._synthetic_catalogue`), a peak
    displacement of 0.015-0.045 x the inter-ocular distance, an onset-to-offset time of
    0.2-0.5 s with a raised-cosine rise and fall, and label-independent nuisances (head
    drift of up to 0.02 IOD and 0.3 degrees, a blink in about 15% of clips, light
    flicker, sensor noise). The renderer draws each identity once and warps it for
    every frame (see :mod:`saatkit.datasets._synthetic_motion`).

    Examples
    --------
    >>> from saatkit.datasets import make_synthetic_megc2019
    >>> data = make_synthetic_megc2019(max_frames=12)
    >>> len(data.X), len(set(data.groups))
    (442, 68)
    >>> clip = data.X[0]
    >>> clip.name, clip.read([clip.apex]).shape
    ('s01_ne_01', (1, 180, 240, 3))
    """
    check_catalogue()
    scale = check_scale(scale)
    if max_frames is not None:
        if not isinstance(max_frames, numbers.Integral) or max_frames < 8:
            raise ValueError(
                f"max_frames must be an int of at least 8 or None, got {max_frames!r}.")
        max_frames = int(max_frames)
    styles = _check_styles(styles)
    seed = _seed(random_state)
    clips, rows = [], []
    for database in _check_databases(databases):
        db_index = DATABASES.index(database)
        style = styles.get(database, database)
        fps_native = STYLES[database].fps
        n_in_database = 0
        for subject_index, (subject, counts) in enumerate(SUBJECT_CLIPS[database].items()):
            identity = (seed, MICRO_IDENTITY, db_index, subject_index)
            behaviour = SubjectStyle(
                np.random.default_rng([seed, SUBJECT, db_index, subject_index]),
                ACTS[database], MICRO_PEAK)
            counters = {}
            for label in (0, 1, 2):
                for _ in range(counts[label]):
                    # Numbered within the database, so a subset of databases holds the
                    # same clips as the whole composite.
                    clip_id = (db_index, subject_index, n_in_database)
                    n_in_database += 1
                    rng = np.random.default_rng([seed, CLIP, *clip_id])
                    emotion, units, displacement, peak, wrinkles = behaviour.act(rng, label)
                    fps, n_frames, onset, apex, offset = _timing(rng, fps_native, max_frames)
                    spec = ClipSpec(
                        identity=identity, population=POPULATION[database], style=style,
                        scale=scale, fps=fps,
                        n_frames=n_frames, onset=onset, apex=apex, offset=offset,
                        expression=tuple(np.round(displacement.ravel(), 6).tolist()),
                        peak=round(peak, 6), wrinkles=wrinkles,
                        nuisance=(seed, NUISANCE, *clip_id),
                        first_frame=int(rng.integers(1, 10000)),
                    )
                    name = _clip_name(database, subject, label, counters, rng)
                    group = f"{database}/{subject}"
                    clip = Clip(SyntheticSource(spec), database=database, subject=group,
                                name=name, fps=fps, onset=onset, apex=apex, offset=offset)
                    numbers_ = clip.frame_numbers
                    clips.append(clip)
                    rows.append({
                        "database": database, "subject": group, "name": name,
                        "label": label, "emotion": emotion,
                        "onset": int(numbers_[onset]), "apex": int(numbers_[apex]),
                        "offset": int(numbers_[offset]), "n_frames": n_frames,
                        "path": "", "note": "",
                        "action_units": units,
                        "peak": round(peak, 6), "fps": fps, "style": style,
                    })
    frame = pd.DataFrame(rows)
    for column in ("onset", "apex", "offset"):
        frame[column] = frame[column].astype("Int64")
    frame["label"] = frame["label"].astype(np.int64)
    frame["n_frames"] = frame["n_frames"].astype(np.int64)
    return Bunch(
        X=clips,
        y=frame["label"].to_numpy(),
        groups=frame["subject"].to_numpy(dtype=str),
        database=frame["database"].to_numpy(dtype=str),
        frame=frame,
        target_names=list(TARGET_NAMES),
        DESCR=MEGC_DESCR.format(micro_low=MICRO_PEAK[0], micro_high=MICRO_PEAK[1]),
    )


# BU-3DFE: 100 subjects, six posed emotions; 11012/2730/2736 images per MEGC class in the
# SA-AT paper's Table 1.
BU3DFE_COUNTS = (11012, 2730, 2736)
_MACRO_ACTS = {
    0: [("anger", ("AU4", "AU7"), 1.0, False), ("anger", ("AU4", "AU7", "AU24"), 1.0, False),
        ("disgust", ("AU9",), 1.0, False), ("disgust", ("AU4", "AU9"), 1.0, False),
        ("fear", ("AU1", "AU2", "AU4"), 2.0, False),
        ("sadness", ("AU1", "AU4", "AU15"), 1.0, False),
        ("sadness", ("AU15", "AU17"), 1.0, False)],
    1: [("happiness", ("AU6", "AU12"), 1.0, False), ("happiness", ("AU12",), 0.4, False)],
    2: [("surprise", ("AU1", "AU2", "AU26"), 1.0, False), ("surprise", ("AU1", "AU2"), 0.4, False)],
}
IMAGE_STYLES = ("smic", "casme2", "samm", "natural")


def _class_counts(n_samples, proportions):
    """Exact per-class counts in the given proportions (largest remainder)."""
    p = np.asarray(proportions, float) / np.sum(proportions)
    counts = np.floor(p * n_samples).astype(int)
    order = np.argsort(-(p * n_samples - counts), kind="stable")
    counts[order[: n_samples - counts.sum()]] += 1
    return counts


def make_synthetic_expressions(n_samples=2000, *, image_size=64, styles="mixed",
                               n_identities=100, random_state=0):
    """Make synthetic macro-expression face images: the teacher's auxiliary set.

    A stand-in for BU-3DFE: posed expressions at full intensity of identities that do
    not appear in :func:`make_synthetic_megc2019`, cropped around the face.
    **Scores on it say nothing about real expression recognition.**

    Parameters
    ----------
    n_samples : int, default=2000
        Number of images.
    image_size : int, default=64
        Side of the square images.
    styles : "mixed", "natural" or sequence of str, default="mixed"
        Recording styles, each image drawn uniformly among them: ``"mixed"`` is the
        three databases' styles and plain colour (``("smic", "casme2", "samm",
        "natural")``), so a teacher trained on these images has seen every style of the
        composite; ``"natural"`` is plain colour only.
    n_identities : int, default=100
        Number of people (BU-3DFE has 100).
    random_state : int, RandomState instance or None, default=0

    Returns
    -------
    data : Bunch
        X : ndarray of shape (n_samples, image_size, image_size, 3), uint8 RGB

        y : ndarray of int, 0 negative, 1 positive, 2 surprise, in BU-3DFE's
            proportions 11012/2730/2736.
        landmarks : ndarray of shape (n_samples, 68, 2)
            True landmarks in image pixels.
        frame : DataFrame
            label, emotion, action_units, peak (IOD), style, identity.

        target_names : list of str

        DESCR : str

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.datasets import make_synthetic_expressions
    >>> data = make_synthetic_expressions(30, image_size=48, n_identities=3)
    >>> data.X.shape, data.X.dtype, np.bincount(data.y).tolist()
    ((30, 48, 48, 3), dtype('uint8'), [20, 5, 5])
    """
    if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}.")
    if not isinstance(image_size, numbers.Integral) or image_size < 16:
        raise ValueError(f"image_size must be an int of at least 16, got {image_size!r}.")
    if not isinstance(n_identities, numbers.Integral) or n_identities < 1:
        raise ValueError(f"n_identities must be a positive int, got {n_identities!r}.")
    if isinstance(styles, str):
        if styles not in ("mixed", "natural"):
            raise ValueError(f"styles must be 'mixed', 'natural' or a sequence of style "
                             f"names {IMAGE_STYLES}, got {styles!r}.")
        styles = IMAGE_STYLES if styles == "mixed" else ("natural",)
    styles = tuple(styles)
    if not styles or any(s not in IMAGE_STYLES for s in styles):
        raise ValueError(f"styles must name styles among {IMAGE_STYLES}, got {styles!r}.")
    seed = _seed(random_state)
    rng = np.random.default_rng([seed, MACRO_DRAW])
    labels = np.repeat([0, 1, 2], _class_counts(int(n_samples), BU3DFE_COUNTS))
    labels = rng.permutation(labels)
    people = rng.integers(0, n_identities, size=len(labels))
    images, landmarks, rows = render_expression_images(
        labels, people, styles, int(image_size), seed, _MACRO_ACTS, MACRO_PEAK)
    frame = pd.DataFrame(rows)
    return Bunch(
        X=images, y=labels.astype(np.int64), landmarks=landmarks, frame=frame,
        target_names=list(TARGET_NAMES),
        DESCR=EXPRESSIONS_DESCR.format(macro_low=MACRO_PEAK[0], macro_high=MACRO_PEAK[1],
                                       styles=", ".join(styles)),
    )
