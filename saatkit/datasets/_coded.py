"""Databases distributed as subject folders and a FACS coding sheet: CASME II and SAMM.

Their records (:class:`CodedDatabase`) are package data, ``coded_databases.toml``.
"""

import sys
from dataclasses import dataclass, fields

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ._annotations import (
    check_annotated_frames,
    find_annotation_file,
    parse_frame_number,
    parse_subject,
    read_coding_sheet,
)
from ._clip_table import (
    ClipEntry,
    assign_labels,
    build_bunch,
    check_root,
    index_entries,
    subfolders,
)
from .data import data_file

_FRAMES = ("onset", "apex", "offset")

# The records, one table per database named by its key; see the file's own comments.
_DATABASES_FILE = "coded_databases.toml"


@dataclass(frozen=True)
class CodedDatabase:
    """How one database is laid out on disk and coded, and how it maps to classes.

    ``subject_digits`` is the width of a subject number, ``folder_prefix`` what comes
    before it in a subject folder's name (``sub01``: "sub"; ``006``: none); ``layout``
    shows the expected folders in the error message of a wrong root. ``unclassed`` are
    the coding file's emotions that no class of ``classes`` takes; an emotion outside
    :attr:`emotions` is a misspelling, reported by row.
    """

    key: str
    title: str
    kind: str
    fps: int
    layout: str
    folder_prefix: str
    subject_digits: int
    coding_file: str
    sheet: object
    columns: tuple
    megc_map: dict
    classes: tuple
    unclassed: tuple

    @property
    def emotions(self):
        """Every emotion of the coding file."""
        return frozenset({*self.classes, *self.unclassed})

    def entries(self, root, annotations):
        """One unlabelled entry per row of the coding sheet, in the sheet's order."""
        table = read_coding_sheet(
            annotations,
            self.columns,
            "Filename",
            sheet=self.sheet,
            what=f"{self.title} coding file",
        )
        entries = []
        for record in table.to_dict("records"):
            source = f"{annotations.name} row {record['row']}"
            number = parse_subject(record["subject"], self.subject_digits, source)
            raw = {k: record[f"{k}frame"] for k in _FRAMES}
            onset, apex, offset, defects = check_annotated_frames(
                *(parse_frame_number(raw[k]) for k in _FRAMES), raw
            )
            folder = f"{self.folder_prefix}{number}"
            entries.append(
                ClipEntry(
                    database=self.key,
                    subject=f"{self.key}/{folder}",
                    name=record["filename"],
                    path=root / folder / record["filename"],
                    fps=self.fps,
                    emotion=str(record["estimatedemotion"]).strip().lower(),
                    label=None,
                    source=source,
                    onset=onset,
                    apex=apex,
                    offset=offset,
                    defects=defects,
                )
            )
        index_entries(entries)
        return entries

    def hint(self, root):
        """What the root should hold, and what ``root`` holds."""
        return (
            f"The {self.title} root must be the folder holding the subject folders "
            f"{self.layout}; {root} holds: {subfolders(root)}."
        )

    def load(self, root, annotations, classes, strict):
        """The Bunch of the database's clips, labelled by ``classes``."""
        root = check_root(root, self.title)
        annotations = find_annotation_file(annotations, root, self.coding_file)
        entries, target_names = assign_labels(
            self.entries(root, annotations),
            classes,
            self.megc_map,
            self.classes,
            self.emotions,
            self.title,
            stacklevel=4,
        )
        sheet = f" (sheet {self.sheet})" if isinstance(self.sheet, str) else ""
        descr = (
            f"{self.title} {self.kind} ({self.fps} fps) from {root}, annotated by "
            f"{annotations}{sheet}; classes: {', '.join(target_names)}."
        )
        # One frame deeper than a loader that builds its Bunch itself.
        return build_bunch(
            entries,
            target_names=target_names,
            strict=strict,
            descr=descr,
            hints={self.key: self.hint(root)},
            stacklevel=4,
        )


def _read_databases(path):
    """Key -> CodedDatabase, one per table of the TOML file ``path``, in the file's order."""
    expected = {f.name for f in fields(CodedDatabase)} - {"key"}
    databases = {}
    for key, table in tomllib.loads(path.read_text("utf-8")).items():
        missing, unknown = sorted(expected - set(table)), sorted(set(table) - expected)
        if missing or unknown:
            raise ValueError(
                f"{path}: table [{key}] must hold exactly the fields of CodedDatabase but "
                f"key; missing: {missing}, unknown: {unknown}."
            )
        # TOML arrays are lists; the record keeps tuples, immutable like itself.
        values = {name: tuple(v) if isinstance(v, list) else v for name, v in table.items()}
        databases[key] = CodedDatabase(key=key, **values)
    return databases


_DATABASES = _read_databases(data_file(_DATABASES_FILE))
CASME2 = _DATABASES["casme2"]
SAMM = _DATABASES["samm"]
