"""What the synthetic databases contain: subjects, clip counts, and how classes are acted.

The composite copies the structure of the MEGC 2019 list (subjects and clips per class
per subject, which are facts of the official protocol, not licensed data). Each class is
acted as in the real databases, through FACS action units: positive is AU12 with or
without AU6; surprise is AU1+AU2 with or without AU26; negative is a database-dependent
mix (CASME II disgust and repression, SAMM anger, contempt, disgust, fear and sadness,
SMIC's single negative class), so the databases differ in what their classes look like
as well as in their recording style.
"""

from collections import Counter

import numpy as np

from .._megc2019 import megc2019_clip_list
from ._motion import combine_action_units, subject_signature

DATABASES = ("smic", "casme2", "samm")


def _subject_clips():
    """Clips per subject per class (negative, positive, surprise), counted from the
    official MEGC 2019 list shipped with saatkit; subjects in sorted order, so that the
    first ones are those ``subjects_per_database`` keeps."""
    table = megc2019_clip_list()
    counts = Counter(zip(table["subject"], table["label"]))
    clips = {database: {} for database in DATABASES}
    for subject in sorted(set(table["subject"])):
        database, name = subject.split("/", 1)
        clips[database][name] = tuple(counts[subject, label] for label in (0, 1, 2))
    return clips


SUBJECT_CLIPS = _subject_clips()
"""dict: database -> {subject: clips per class} of the MEGC 2019 composite."""

# Appearance range of each database's subjects (``POPULATIONS`` of the renderer): CASME
# II's participants come from one population, SMIC's from three, SAMM's from thirteen.
POPULATION = {"smic": "moderate", "casme2": "narrow", "samm": "wide"}

# (emotion, action units, weight, one-sided) per database and class. For CASME II and
# SAMM the variants and weights follow the action units coded in the databases for each
# emotion (CASME II: disgust mostly AU4 or AU4+AU7, repression mostly AU17 or AU15,
# happiness and surprise often one-sided; SAMM: anger mostly AU7 alone, contempt a
# one-sided AU14), restricted to the action units of the MEGC classes; SMIC has no
# action-unit coding and gets a mix. So the databases differ in what a class looks like.
ACTS = {
    "smic": {
        0: [
            ("negative", ("AU4", "AU7"), 20, False),
            ("negative", ("AU4",), 10, False),
            ("negative", ("AU9",), 10, False),
            ("negative", ("AU15", "AU17"), 10, False),
            ("negative", ("AU17", "AU24"), 8, False),
            ("negative", ("AU14",), 6, False),
            ("negative", ("AU24",), 6, False),
        ],
        1: [("positive", ("AU6", "AU12"), 30, False), ("positive", ("AU12",), 21, False)],
        2: [
            ("surprise", ("AU1", "AU2", "AU26"), 25, False),
            ("surprise", ("AU1", "AU2"), 18, False),
        ],
    },
    "casme2": {
        0: [
            ("disgust", ("AU4",), 18, False),
            ("disgust", ("AU4", "AU7"), 24, False),
            ("disgust", ("AU4", "AU9"), 14, False),
            ("disgust", ("AU9",), 5, False),
            ("repression", ("AU17",), 13, False),
            ("repression", ("AU15",), 4, False),
            ("repression", ("AU15", "AU17"), 5, False),
            ("repression", ("AU14",), 3, False),
            ("repression", ("AU24",), 2, False),
        ],
        1: [
            ("happiness", ("AU12",), 11, False),
            ("happiness", ("AU12",), 12, True),
            ("happiness", ("AU6", "AU12"), 7, False),
        ],
        2: [
            ("surprise", ("AU1", "AU2"), 11, False),
            ("surprise", ("AU1", "AU2"), 11, True),
            ("surprise", ("AU1", "AU2", "AU26"), 3, False),
        ],
    },
    "samm": {
        0: [
            ("anger", ("AU7",), 30, False),
            ("anger", ("AU4",), 14, False),
            ("anger", ("AU4", "AU7"), 13, False),
            ("contempt", ("AU14",), 12, True),
            ("disgust", ("AU9",), 5, False),
            ("disgust", ("AU4", "AU9"), 4, False),
            ("fear", ("AU1", "AU2", "AU4"), 8, False),
            ("sadness", ("AU17",), 3, False),
            ("sadness", ("AU15", "AU17"), 3, False),
        ],
        1: [
            ("happiness", ("AU12",), 18, False),
            ("happiness", ("AU12",), 4, True),
            ("happiness", ("AU6", "AU12"), 4, False),
        ],
        2: [
            ("surprise", ("AU1", "AU2", "AU26"), 7, False),
            ("surprise", ("AU1", "AU2"), 5, False),
            ("surprise", ("AU1", "AU2"), 3, True),
        ],
    },
}

# Seed streams: each kind of randomness has its own, so the identities of the micro and
# macro sets never share a seed and changing one part leaves the others as they were.
(MICRO_IDENTITY, MACRO_IDENTITY, NUISANCE, SUBJECT, CLIP, MACRO_SUBJECT, IMAGE, MACRO_DRAW) = (
    range(8)
)

MICRO_PEAK = (0.015, 0.045)
MACRO_PEAK = (0.10, 0.25)


def check_catalogue():
    """Check the subject table against the MEGC 2019 totals (fails if the shipped
    official list is damaged)."""
    totals = {"smic": (70, 51, 43), "casme2": (88, 32, 25), "samm": (92, 26, 15)}
    for database, table in SUBJECT_CLIPS.items():
        counts = tuple(int(v) for v in np.sum(list(table.values()), axis=0))
        if counts != totals[database]:
            raise AssertionError(
                f"SUBJECT_CLIPS[{database!r}] gives {counts} clips of subjects {list(table)}."
            )


def wrinkle_depths(weights, sides, peak):
    """Wrinkle depths ((AU, image-left, image-right), ...) of an expression.

    How dark the strongest action unit's wrinkles get at the apex, as a fraction of the
    skin's brightness, grows with the expression: half as many percent as the peak
    displacement is hundredths of the inter-ocular distance, so faint at micro scale
    (0.75-2.25%, 1-3 grey levels on mid-grey skin) and marked at full intensity
    (5-12.5%).
    """
    strength = 0.5 * min(peak, 0.25) / max(weights.values())
    return tuple(
        (unit, round(strength * w * sides[0], 4), round(strength * w * sides[1], 4))
        for unit, w in sorted(weights.items())
    )


class SubjectStyle:
    """How one subject acts: preferred variants of each class, expressiveness, signature.

    Parameters
    ----------
    rng : numpy.random.Generator
    acts : dict
        Class -> list of (emotion, action units, weight, one-sided), from :data:`ACTS`.
    peak : (float, float)
        Range of the peak landmark displacement, in IOD.
    """

    def __init__(self, rng, acts, peak):
        self.acts = acts
        # Subjects repeat their own ways of showing a class: a preference over the
        # variants drawn around the database's mix.
        self.preference = {}
        for label, variants in acts.items():
            w = np.array([v[2] for v in variants], float)
            self.preference[label] = rng.dirichlet(3.0 * w / w.sum() + 0.05)
        low, high = peak
        self.peak_range = peak
        self.peak = rng.uniform(low + 0.2 * (high - low), high - 0.2 * (high - low))
        self.side = rng.normal(0, 0.15)
        self.signature = subject_signature(rng)

    def act(self, rng, label):
        """Draw one expression of class ``label``.

        Returns
        -------
        emotion : str
        action_units : str
            FACS code as the databases write it, ``"4+7"``; a one-sided unit is
            prefixed with the subject's side, ``"R12"``.
        displacement : ndarray (68, 2)
            Landmark displacement pattern in face coordinates (scaled to ``peak`` when
            rendered).
        peak : float
        wrinkles : tuple of (str, float, float)
            Each action unit's wrinkle depth at the apex on the image-left and
            image-right halves (:func:`wrinkle_depths`).
        """
        variants = self.acts[label]
        choice = rng.choice(len(variants), p=self.preference[label])
        emotion, units, _, one_sided = variants[choice]
        weights = {u: rng.uniform(0.6, 1.0) for u in units}
        left = float(np.clip(1 + self.side + rng.normal(0, 0.1), 0.3, 1.3))
        right = float(np.clip(1 - self.side + rng.normal(0, 0.1), 0.3, 1.3))
        side = ""
        if one_sided:
            # The image-left half of the face is the subject's right.
            side = "R" if rng.random() < 0.5 else "L"
            left, right = (1.0, 0.1) if side == "R" else (0.1, 1.0)
        displacement = combine_action_units(weights, self.signature, (left, right))
        low, high = self.peak_range
        peak = float(np.clip(self.peak * np.exp(rng.normal(0, 0.2)), low, high))
        code = "+".join(side + unit[2:] for unit in units)
        return emotion, code, displacement, peak, wrinkle_depths(weights, (left, right), peak)
