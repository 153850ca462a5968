"""SMIC-HS, read from its folder tree as distributed; the folder is the label."""

import re
import warnings

from ..utils import Substitution, cite
from ._annotations import AnnotationWarning
from ._clip_table import (
    MEGC_CLASSES,
    ClipEntry,
    assign_labels,
    build_bunch,
    check_root,
    subfolders,
)

SMIC_FPS = 100
_SUBJECT = re.compile(r"s(\d+)", re.IGNORECASE)
_CLIP = re.compile(r"s(\d+)_(.+)", re.IGNORECASE)
_NO_APEX = (
    "no apex annotation (SMIC-HS has none); apex is None, onset/offset are the first/last frame"
)


def smic_name(folder_name):
    """The official name of a clip folder: ``s1_ne_01`` is ``s01_ne_01``."""
    match = _CLIP.fullmatch(folder_name)
    if match is None:
        return folder_name
    return f"s{int(match.group(1)):02d}_{match.group(2)}"


def smic_hint(root):
    hint = (
        "The SMIC root must be the HS folder, which holds the subject folders s1, s2, ... "
        f"(frames s1/micro/negative/s1_ne_01/image559740.bmp); {root} holds: "
        f"{subfolders(root)}."
    )
    if (root / "HS").is_dir():
        hint += f" Did you mean {root / 'HS'}?"
    return hint


def smic_entry(path, number, emotion):
    """The entry of one SMIC-HS clip folder (which may not exist)."""
    return ClipEntry(
        database="smic",
        subject=f"smic/s{number:02d}",
        name=smic_name(path.name),
        path=path,
        fps=SMIC_FPS,
        emotion=emotion,
        label=MEGC_CLASSES.index(emotion),
        source=f"folder s{number}/micro/{emotion}",
        span_from_folder=True,
        notes=[_NO_APEX],
    )


def listed_smic_entry(root, name, label):
    """Where a clip of the MEGC list should be: ``s01_ne_01`` in ``s1/micro/negative/s1_ne_01``."""
    match = _CLIP.fullmatch(name)
    if match is None:
        raise ValueError(f"{name!r} is not a SMIC-HS clip name such as 's01_ne_01'.")
    number, emotion = int(match.group(1)), MEGC_CLASSES[label]
    return smic_entry(
        root / f"s{number}" / "micro" / emotion / f"s{number}_{match.group(2)}", number, emotion
    )


def smic_entries(root):
    """One entry per clip folder under ``s*/micro/{negative,positive,surprise}``."""
    subjects = sorted(
        (int(_SUBJECT.fullmatch(p.name).group(1)), p)
        for p in root.iterdir()
        if p.is_dir() and _SUBJECT.fullmatch(p.name) and (p / "micro").is_dir()
    )
    if not subjects:
        raise FileNotFoundError(
            f"No SMIC-HS subject folder with micro/ in {root}. {smic_hint(root)}"
        )
    entries = []
    for number, subject in subjects:
        for folder in sorted(p for p in (subject / "micro").iterdir() if p.is_dir()):
            emotion = folder.name.lower()
            if emotion not in MEGC_CLASSES:
                raise ValueError(
                    f"SMIC-HS folder {folder} is not an emotion folder: expected "
                    f"{', '.join(MEGC_CLASSES)}."
                )
            entries.extend(
                smic_entry(clip, number, emotion)
                for clip in sorted(p for p in folder.iterdir() if p.is_dir())
            )
    return sorted(entries, key=lambda e: (e.subject, e.name))


def warn_no_apex(n_clips):
    warnings.warn(
        f"SMIC-HS has no apex annotation: apex is None for its {n_clips} clips (onset and "
        "offset are their first and last frames); use an apex spotter.",
        AnnotationWarning,
        stacklevel=3,
    )


@Substitution(references=cite("li2013"))
def load_smic(root, *, classes="megc", strict=True):
    """Load the SMIC-HS micro-expression clips from the ``HS`` folder as distributed.

    SMIC-HS needs no annotation file: a clip's label is its folder
    (``s1/micro/negative/s1_ne_01``), its onset and offset are its first and last
    frames, and it has no apex.

    Parameters
    ----------
    root : str or Path
        The ``HS`` folder (``SMIC_all_raw/HS`` or the cropped ``SMIC_all_cropped/HS``),
        which holds ``s1/micro/negative/s1_ne_01/image559740.bmp`` (or
        ``reg_image559740.bmp``).
    classes : {"megc", "original"}, default="megc"
        SMIC's own classes are the three MEGC classes, so both give the same result;
        the parameter exists so that all loaders are called alike.
    strict : bool, default=True
        When True a clip folder with no frames is an error; when False it is skipped,
        listed in ``missing`` and warned about.

    Returns
    -------
    data : Bunch
        As :func:`load_casme2`, with subjects ``"smic/s01"``, clip names as in the
        MEGC list (``"s01_ne_01"`` for folder ``s1_ne_01``) and 100 fps clips.

    Warns
    -----
    AnnotationWarning
        Once: SMIC has no apex annotation, so every clip's apex is None.

    Notes
    -----
    The full SMIC-HS gives the 164 clips of MEGC 2019 (70 negative, 51 positive,
    43 surprise) from 16 subjects. The long SMIC-E videos are a different set.

    %(references)s

    Examples
    --------
    >>> from saatkit.datasets import load_smic
    >>> data = load_smic("SMIC_all_raw/HS")  # doctest: +SKIP
    >>> len(data.X)  # doctest: +SKIP
    164
    """
    root = check_root(root, "SMIC-HS")
    entries, target_names = assign_labels(
        smic_entries(root),
        classes,
        {c: i for i, c in enumerate(MEGC_CLASSES)},
        MEGC_CLASSES,
        set(MEGC_CLASSES),
        "SMIC-HS",
    )
    descr = (
        f"SMIC-HS micro-expression clips ({SMIC_FPS} fps) from {root}; the label is the "
        f"folder; no apex annotation; classes: {', '.join(target_names)}."
    )
    data = build_bunch(
        entries,
        target_names=target_names,
        strict=strict,
        descr=descr,
        hints={"smic": smic_hint(root)},
    )
    warn_no_apex(len(data.X))
    return data
