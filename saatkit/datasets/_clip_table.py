"""From annotated clip entries to the loaders' Bunch of lazy folder clips."""

import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..clips import IMAGE_EXTENSIONS, MEGC_CLASSES, Clip
from ._annotations import AnnotationWarning, MissingClipsError, MissingClipWarning

# Missing clips named in one error message; the rest are counted.
_LISTED = 10


@dataclass
class ClipEntry:
    """One annotated clip before its folder is read.

    ``onset``, ``apex`` and ``offset`` are frame numbers as annotated (already checked
    by :func:`check_annotated_frames`); ``span_from_folder`` takes onset and offset from
    the folder's first and last frames instead (SMIC-HS). ``notes`` are facts recorded
    without a warning; ``defects`` are warned about.
    """

    database: str
    subject: str
    name: str
    path: Path
    fps: float
    emotion: str
    label: int
    source: str
    onset: int = None
    apex: int = None
    offset: int = None
    span_from_folder: bool = False
    notes: list = field(default_factory=list)
    defects: list = field(default_factory=list)

    @property
    def id(self):
        return f"{self.subject}/{self.name}"


def _has_images(path):
    return any(p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS for p in path.iterdir())


def _open_clip(entry):
    """The entry's clip with 0-based positions, or a reason why its folder gives none."""
    if not entry.path.is_dir():
        return None, "no such folder"
    try:
        clip = Clip.from_folder(
            entry.path,
            database=entry.database,
            subject=entry.subject,
            name=entry.name,
            fps=entry.fps,
        )
    except ValueError:
        if not _has_images(entry.path):
            return None, "folder holds no image frames"
        raise
    numbers = clip.frame_numbers
    if entry.span_from_folder:
        entry.onset, entry.offset = int(numbers[0]), int(numbers[-1])
    position = {int(n): i for i, n in enumerate(numbers)}
    positions = {}
    for name in ("onset", "apex", "offset"):
        number = getattr(entry, name)
        positions[name] = position.get(number) if number is not None else None
        if number is not None and positions[name] is None:
            entry.defects.append(
                f"{name} frame {number} is not among the folder's frames "
                f"{numbers[0]}-{numbers[-1]}; {name} set to None"
            )
            setattr(entry, name, None)
    return clip.replace(**positions), None


def _missing_message(absent, hint):
    lines = [f"  {e.path} ({e.id}, {e.source}): {reason}" for e, reason in absent[:_LISTED]]
    if len(absent) > _LISTED:
        lines.append(f"  ... and {len(absent) - _LISTED} more")
    return "\n".join(lines) + (f"\n{hint}" if hint else "")


def _open_all(entries):
    """The clips that open, as (entry, clip), and the entries that do not, with why."""
    clips, absent = [], []
    for entry in entries:
        clip, reason = _open_clip(entry)
        if clip is None:
            absent.append((entry, reason))
        else:
            clips.append((entry, clip))
    return clips, absent


def _check_absent(n_entries, clips, absent, strict, hints, stacklevel):
    """Refuse or report the clips with no frames on disk, naming a wrong root."""
    found = {e.database for e, _ in clips}
    empty = [
        database
        for database in (hints or {})
        if database not in found and any(e.database == database for e, _ in absent)
    ]
    wrong_roots = "\n".join(hints[database] for database in empty)
    if absent and strict:
        raise MissingClipsError(
            f"{len(absent)} of {n_entries} annotated clips have no frames on disk:\n"
            + _missing_message(absent, wrong_roots),
            "Pass strict=False to load the clips that are there and list the others.",
        )
    if empty and clips:
        # A partial copy is one thing; a whole database without a clip is a wrong root.
        raise FileNotFoundError(
            f"No clip of {' or '.join(empty)} found under the folder given for it; with "
            f"strict=False a partial copy loads, but not an empty one.\n{wrong_roots}"
        )
    for entry, _ in clips:
        if entry.defects:
            warnings.warn(
                f"{entry.database} clip {entry.id} ({entry.source}): {'; '.join(entry.defects)}.",
                AnnotationWarning,
                stacklevel=stacklevel + 1,
            )
    if absent:
        warnings.warn(
            f"Skipped {len(absent)} of {n_entries} annotated clips with no frames on "
            f"disk (listed in the result's `missing`):\n" + _missing_message(absent, None),
            MissingClipWarning,
            stacklevel=stacklevel + 1,
        )
    if not clips:
        raise ValueError(
            "No clip could be loaded: none of the annotated clips has frames on disk."
            + (f"\n{wrong_roots}" if wrong_roots else "")
        )


def _clip_frame(clips):
    """One row per loaded clip: what the Bunch's ``frame`` holds."""
    return pd.DataFrame(
        {
            "database": [e.database for e, _ in clips],
            "subject": [e.subject for e, _ in clips],
            "name": [e.name for e, _ in clips],
            "label": np.array([e.label for e, _ in clips], dtype=np.int64),
            "emotion": [e.emotion for e, _ in clips],
            "onset": pd.array([e.onset for e, _ in clips], dtype="Int64"),
            "apex": pd.array([e.apex for e, _ in clips], dtype="Int64"),
            "offset": pd.array([e.offset for e, _ in clips], dtype="Int64"),
            "n_frames": np.array([len(c) for _, c in clips], dtype=np.int64),
            "path": [str(e.path) for e, _ in clips],
            "note": ["; ".join(e.notes + e.defects) for e, _ in clips],
        }
    )


def build_bunch(entries, *, target_names, strict, descr, hints=None, stacklevel=3):
    """Open every entry's folder and return the loaders' Bunch.

    Parameters
    ----------
    entries : list of ClipEntry
        In the order the Bunch keeps.
    target_names : sequence of str
        Class names, indexed by ``entry.label``.
    strict : bool
        Raise on a clip whose folder is missing or empty; otherwise skip it, list it in
        ``missing`` and warn.
    descr : str
        First paragraph of ``DESCR``.
    hints : dict, default=None
        Database -> what its root must hold; said when none of that database's clips
        is found on disk (a wrong root rather than a partial copy).
    stacklevel : int, default=3
        Of the warnings: 3 points at the code that called the public loader, when the
        loader calls this directly.
    """
    if not entries:
        raise ValueError(
            f"No annotated clip has one of the classes {list(target_names)}: "
            "there is nothing to load."
        )
    clips, absent = _open_all(entries)
    _check_absent(len(entries), clips, absent, strict, hints, stacklevel)
    frame = _clip_frame(clips)
    counts = Counter(frame["label"])
    summary = (
        f"{len(frame)} clips, {frame['subject'].nunique()} subjects; per class: "
        + ", ".join(f"{name} {counts.get(i, 0)}" for i, name in enumerate(target_names))
        + f". Clips with a note: {int((frame['note'] != '').sum())}."
        + (f" Missing clips: {len(absent)}." if absent else "")
    )
    return Bunch(
        X=[c for _, c in clips],
        y=frame["label"].to_numpy(),
        groups=frame["subject"].to_numpy(dtype=str),
        database=frame["database"].to_numpy(dtype=str),
        frame=frame,
        target_names=list(target_names),
        missing=[e.id for e, _ in absent],
        DESCR=f"{descr}\n\n{summary}",
    )


def check_root(root, database, parameter="root"):
    """``root`` as a Path, or a clear error when it is not a folder."""
    if root is None:
        raise TypeError(f"{parameter} must be the path of the {database} folder, got None.")
    path = Path(root)
    if not path.is_dir():
        raise FileNotFoundError(
            f"{parameter}={str(root)!r}: {database} folder {path} does not exist."
        )
    return path


def subfolders(path):
    """Names of the folders in ``path``, for hints about a wrong root."""
    names = sorted(p.name for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return shown or "none"


def assign_labels(entries, classes, megc_map, original_classes, emotions, database, stacklevel=3):
    """Label entries by ``classes`` and keep those that have a class.

    Parameters
    ----------
    entries : list of ClipEntry
    classes : {"megc", "original"}
    megc_map : dict
        Original emotion -> MEGC label (0, 1, 2); emotions not in it are dropped.
    original_classes : sequence of str
        The database's own classes, in label order; other emotions are dropped.
    emotions : set of str
        Every emotion the database's coding file uses; a row with another one (a
        misspelling) is dropped with an :class:`AnnotationWarning` naming its row.
    database : str
        The database's name, for that warning.
    stacklevel : int, default=3
        Of that warning, as in :func:`build_bunch`.

    Returns
    -------
    kept : list of ClipEntry
    target_names : tuple of str
    """
    if classes == "megc":
        names, lookup = MEGC_CLASSES, megc_map
    elif classes == "original":
        names = tuple(original_classes)
        lookup = {name: i for i, name in enumerate(names)}
    else:
        raise ValueError(f"classes must be 'megc' or 'original', got {classes!r}.")
    kept = []
    for entry in entries:
        if entry.emotion not in emotions:
            warnings.warn(
                f"{entry.database} clip {entry.id} ({entry.source}): emotion "
                f"{entry.emotion!r} is not a {database} emotion ({', '.join(sorted(emotions))}); "
                "the clip is left out.",
                AnnotationWarning,
                stacklevel=stacklevel,
            )
            continue
        label = lookup.get(entry.emotion)
        if label is not None:
            entry.label = label
            kept.append(entry)
    return kept, names


def index_entries(entries):
    """Entries by (subject, name), refusing an annotation that lists a clip twice."""
    index = {}
    for entry in entries:
        key = (entry.subject, entry.name)
        if key in index:
            raise ValueError(
                f"Clip {entry.id} is annotated twice: {index[key].source} and {entry.source}."
            )
        index[key] = entry
    return index
