"""The built-in synthetic benchmark: a stand-in for SMIC, CASME II, SAMM and BU-3DFE.

The licensed micro-expression databases cannot ship with saatkit, so this module makes
a synthetic composite with the same structure (3 databases, 68 subjects, 442 clips, the
MEGC 2019 clips per subject and class), and :mod:`._expressions` an
auxiliary macro-expression image set, so that every stage of the toolkit (face
detection, landmarks, apex spotting, style aggregation, the networks and the
leave-one-subject-out protocol) runs for real on any machine. The faces are procedural
drawings; their expressions are FACS-style landmark displacements at micro-expression
intensity, rendered by warping; the databases differ in recording style. **Scores on
this benchmark say nothing about real micro-expression recognition**: they show that
the toolkit runs, and let its tests check that a method learns something and that a
domain gap exists, nothing more.
"""

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state

from ...clips import MEGC_CLASSES, Clip
from ._catalogue import (
    ACTS,
    CLIP,
    DATABASES,
    MICRO_IDENTITY,
    MICRO_PEAK,
    NUISANCE,
    POPULATION,
    SUBJECT,
    SUBJECT_CLIPS,
    SubjectStyle,
    check_catalogue,
)
from ._source import ClipSpec, SyntheticSource
from ._styles import STYLES, check_scale

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

SANITY_DESCR = """
SANITY BENCHMARK (intensity={intensity:g}): every peak displacement is {intensity:g} x the
micro-expression range above, {low:.3g}-{high:.3g} x the inter-ocular distance, so
the apex frame carries a visible expression. This checks that apex-frame methods work;
it is not a micro-expression benchmark.
"""


def _megc_descr(intensity, peak_range):
    descr = MEGC_DESCR.format(micro_low=MICRO_PEAK[0], micro_high=MICRO_PEAK[1])
    if intensity == 1:
        return descr
    return descr + SANITY_DESCR.format(intensity=intensity, low=peak_range[0], high=peak_range[1])


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
            raise ValueError(
                f"styles maps databases {DATABASES} to styles {tuple(STYLES)}; "
                f"got {database!r}: {style!r}."
            )
    return dict(styles)


def _check_max_frames(max_frames):
    if max_frames is None:
        return None
    if not isinstance(max_frames, numbers.Integral) or max_frames < 8:
        raise ValueError(f"max_frames must be an int of at least 8 or None, got {max_frames!r}.")
    return int(max_frames)


def _check_subjects_per_database(n_subjects):
    if n_subjects is None:
        return None
    if (
        not isinstance(n_subjects, numbers.Integral)
        or isinstance(n_subjects, bool)
        or n_subjects < 1
    ):
        raise ValueError(
            f"subjects_per_database must be a positive integer or None, got {n_subjects!r}."
        )
    return int(n_subjects)


def _check_intensity(intensity):
    if (
        not isinstance(intensity, numbers.Real)
        or isinstance(intensity, bool)
        or not np.isfinite(intensity)
        or intensity <= 0
    ):
        raise ValueError(f"intensity must be a positive number, got {intensity!r}.")


def _as_bunch(clips, rows, descr):
    """The clips and their table (one row per clip) as the loaders return them."""
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
        target_names=list(MEGC_CLASSES),
        DESCR=descr,
    )


def make_synthetic_megc2019(
    *,
    scale="demo",
    max_frames=None,
    databases=None,
    styles=None,
    intensity=1.0,
    subjects_per_database=None,
    random_state=0,
):
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
    intensity : float, default=1.0
        Factor on every expression's peak displacement. 1.0 is the micro-expression
        benchmark. **A larger value is a sanity benchmark, not a micro-expression
        one**: at 5 the apex moves the landmarks by 0.075-0.225 IOD, as much as a posed
        macro-expression, so a single apex frame shows the class and the apex-frame
        methods of the SA-AT paper have something to learn (see
        ``benchmarks/bench_sanity.py``). Everything else (identities, timing,
        nuisances, the clips' seeds) is the same as at 1.0.
    subjects_per_database : int, default=None
        Keep only the first ``subjects_per_database`` subjects (in sorted order) of each
        database, as :func:`~saatkit.datasets.load_megc2019` does, for a quick run of
        the protocol on fewer folds. Their clips are the same as in the whole
        composite. None keeps every subject.
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
    action units of its class (:mod:`saatkit.datasets.synthetic._catalogue`), a peak
    displacement of 0.015-0.045 x the inter-ocular distance (times ``intensity``), an
    onset-to-offset time of 0.2-0.5 s with a raised-cosine rise and fall, and
    label-independent nuisances (head drift of up to 0.02 IOD and 0.3 degrees, a blink
    in about 15% of clips, light flicker, sensor noise). The renderer draws each
    identity once and warps it for every frame (see
    :mod:`saatkit.datasets.synthetic._motion`).

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
    max_frames = _check_max_frames(max_frames)
    styles = _check_styles(styles)
    _check_intensity(intensity)
    n_subjects = _check_subjects_per_database(subjects_per_database)
    peak_range = (MICRO_PEAK[0] * intensity, MICRO_PEAK[1] * intensity)
    seed = _seed(random_state)
    clips, rows = [], []
    for database in _check_databases(databases):
        style = styles.get(database, database)
        settings = dict(style=style, scale=scale, max_frames=max_frames, peak_range=peak_range)
        for clip, row in _database_clips(database, seed, n_subjects, **settings):
            clips.append(clip)
            rows.append(row)
    return _as_bunch(clips, rows, _megc_descr(intensity, peak_range))


def _database_clips(database, seed, n_subjects, *, style, scale, max_frames, peak_range):
    """Yield the clips of one database with their table rows, in the composite's order."""
    db_index = DATABASES.index(database)
    n_in_database = 0
    # SUBJECT_CLIPS lists subjects in sorted order, and a subject's clips are numbered
    # after those of the subjects before it: the first ones are the same in a subset.
    subjects = list(SUBJECT_CLIPS[database].items())[:n_subjects]
    for subject_index, (subject, counts) in enumerate(subjects):
        identity = (seed, MICRO_IDENTITY, db_index, subject_index)
        behaviour = SubjectStyle(
            np.random.default_rng([seed, SUBJECT, db_index, subject_index]),
            ACTS[database],
            peak_range,
        )
        counters = {}
        for label in (0, 1, 2):
            for _ in range(counts[label]):
                # Numbered within the database, so a subset of databases holds the
                # same clips as the whole composite.
                clip_id = (db_index, subject_index, n_in_database)
                n_in_database += 1
                rng = np.random.default_rng([seed, CLIP, *clip_id])
                emotion, units, displacement, peak, wrinkles = behaviour.act(rng, label)
                fps, n_frames, onset, apex, offset = _timing(rng, STYLES[database].fps, max_frames)
                spec = ClipSpec(
                    identity=identity,
                    population=POPULATION[database],
                    style=style,
                    scale=scale,
                    fps=fps,
                    n_frames=n_frames,
                    onset=onset,
                    apex=apex,
                    offset=offset,
                    expression=tuple(np.round(displacement.ravel(), 6).tolist()),
                    peak=round(peak, 6),
                    wrinkles=wrinkles,
                    nuisance=(seed, NUISANCE, *clip_id),
                    first_frame=int(rng.integers(1, 10000)),
                )
                clip = Clip(
                    SyntheticSource(spec),
                    database=database,
                    subject=f"{database}/{subject}",
                    name=_clip_name(database, subject, label, counters, rng),
                    fps=fps,
                    onset=onset,
                    apex=apex,
                    offset=offset,
                )
                yield clip, _table_row(clip, spec, label, emotion, units)


def _table_row(clip, spec, label, emotion, units):
    """The ``frame`` row of a synthetic clip: ground truth as frame numbers."""
    numbers_ = clip.frame_numbers
    return {
        "database": clip.database,
        "subject": clip.subject,
        "name": clip.name,
        "label": label,
        "emotion": emotion,
        "onset": int(numbers_[clip.onset]),
        "apex": int(numbers_[clip.apex]),
        "offset": int(numbers_[clip.offset]),
        "n_frames": spec.n_frames,
        "path": "",
        "note": "",
        "action_units": units,
        "peak": spec.peak,
        "fps": spec.fps,
        "style": spec.style,
    }
