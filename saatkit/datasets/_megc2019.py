"""The MEGC 2019 composite: the 442 clips of the official list, from the three databases."""

import io

import pandas as pd

from ..clips import MEGC_CLASSES
from ..utils import Substitution, cite
from ._annotations import find_annotation_file
from ._clip_table import build_bunch, check_root, index_entries
from ._coded import CASME2, SAMM
from ._smic import listed_smic_entry, smic_entries, smic_hint, warn_no_apex
from .data import data_file

OFFICIAL_LIST = "combined_3class_gt.csv"
_DATABASES = ("casme2", "samm", "smic")
_CODING_FILES = {db.key: db.coding_file for db in (CASME2, SAMM)}


def megc2019_clip_list():
    """The official MEGC 2019 list of 442 clips, as shipped with saatkit.

    Returns
    -------
    table : DataFrame
        Columns database, subject (``"casme2/sub01"``, ``"samm/006"``, ``"smic/s01"``),
        name and label (0 negative, 1 positive, 2 surprise), in the list's order.
    """
    table = pd.read_csv(
        io.StringIO(data_file(OFFICIAL_LIST).read_text("utf-8")),
        header=None,
        names=["database", "subject", "name", "label"],
        dtype=str,
    )
    table = table.apply(lambda column: column.str.strip())
    # The list writes SAMM subjects unpadded (6 for folder 006).
    samm = table["database"] == "samm"
    table.loc[samm, "subject"] = table.loc[samm, "subject"].map(lambda s: f"{int(s):03d}")
    table["subject"] = table["database"] + "/" + table["subject"]
    table["label"] = table["label"].astype(int)
    return table


def _first_subjects(table, n_subjects):
    if n_subjects is None:
        return table
    if not isinstance(n_subjects, int) or isinstance(n_subjects, bool) or n_subjects < 1:
        raise ValueError(
            f"subjects_per_database must be a positive integer or None, got {n_subjects!r}."
        )
    keep = set()
    for _, subjects in table.groupby("database")["subject"]:
        keep.update(sorted(set(subjects))[:n_subjects])
    return table[table["subject"].isin(keep)]


def _listed_entries(sources, subjects_per_database):
    """The entries of the official list's clips, labelled as the list labels them."""
    entries = []
    for row in _first_subjects(megc2019_clip_list(), subjects_per_database).itertuples(
        index=False
    ):
        if row.database not in sources:
            continue
        index, megc_map, origin = sources[row.database]
        entry = index.get((row.subject, row.name))
        if entry is None and row.database == "smic":
            entry = listed_smic_entry(origin, row.name, row.label)
        elif entry is None:
            raise ValueError(
                f"The official MEGC 2019 list names {row.database} clip "
                f"{row.subject}/{row.name}, which {origin} does not annotate; "
                f"the composite needs the coding file {_CODING_FILES[row.database]}."
            )
        mapped = megc_map.get(entry.emotion)
        if mapped != row.label:
            entry.defects.append(
                f"the official list labels it {MEGC_CLASSES[row.label]}, but its annotated "
                f"emotion {entry.emotion!r} maps to "
                f"{'no MEGC class' if mapped is None else MEGC_CLASSES[mapped]}; "
                "the official label is kept"
            )
        entry.label = row.label
        entries.append(entry)
    return entries


@Substitution(references=cite("see2019"))
def load_megc2019(
    casme2=None,
    samm=None,
    smic=None,
    *,
    casme2_annotations=None,
    samm_annotations=None,
    strict=True,
    subjects_per_database=None,
):
    """Load the MEGC 2019 composite database from the databases as distributed.

    The clips are exactly those of the official MEGC 2019 list
    (``combined_3class_gt.csv``, shipped with saatkit), in the list's order, labelled
    as the list labels them. Give the folder of each database held; a database left
    out (None) is left out of the result.

    Parameters
    ----------
    casme2 : str or Path, default=None
        CASME II folder holding ``sub01/EP02_01f/...`` (``CASME2_RAW_selected`` or
        ``Cropped``); see :func:`load_casme2`.
    samm : str or Path, default=None
        SAMM folder holding ``006/006_1_2/...``; see :func:`load_samm`.
    smic : str or Path, default=None
        SMIC ``HS`` folder holding ``s1/micro/negative/s1_ne_01/...``; see
        :func:`load_smic`.
    casme2_annotations, samm_annotations : str or Path, default=None
        The coding files; when None they are looked for under their usual names in the
        database folder and its parent.
    strict : bool, default=True
        When True a listed clip with no frames on disk is an error; when False it is
        skipped, listed in ``missing`` and warned about, so that a partial copy still
        runs.
    subjects_per_database : int, default=None
        Keep only the first ``subjects_per_database`` subjects (in sorted order) of each
        database of the official list, before any folder is opened: a copy that holds
        only these subjects loads under ``strict=True``. None keeps every subject.

    Returns
    -------
    data : Bunch
        ``X`` (list of :class:`Clip`), ``y`` (0 negative, 1 positive, 2 surprise),
        ``groups`` (subjects unique across databases, the LOSO groups), ``database``,
        ``frame`` (one row per clip, as in :func:`load_casme2`), ``target_names``,
        ``missing`` and ``DESCR``.

    Raises
    ------
    FileNotFoundError
        As :func:`load_casme2`, for the listed clips.
    ValueError
        When a coding file does not annotate a clip of the official list (another
        version of the coding file), or lacks a required column.

    Warns
    -----
    AnnotationWarning
        For each listed clip whose annotated frames are unusable (SAMM ``028_4_1`` and
        ``032_3_1``: apex outside onset-offset), for a clip whose annotated emotion
        does not map to the class the official list gives it (the list's label is
        kept), and once for SMIC-HS, which has no apex annotation.
    MissingClipWarning
        With ``strict=False``, for the listed clips that have no frames on disk.

    Notes
    -----
    The full composite has 442 clips from 68 subjects: SMIC-HS 164 (70 negative,
    51 positive, 43 surprise), CASME II 145 (88/32/25), SAMM 133 (92/26/15). The
    official list drops two CASME II clips that the MEGC class mapping keeps,
    ``sub04/EP12_01f`` and ``sub05/EP09_05f``, whose apex is not usable. The protocol
    is leave-one-subject-out over ``groups``, with UF1 and UAR computed once on the
    predictions pooled over all folds.

    %(references)s

    Examples
    --------
    >>> from saatkit.datasets import load_megc2019
    >>> data = load_megc2019(casme2="CASME2/CASME2_RAW_selected", samm="SAMM",
    ...                      smic="SMIC_all_raw/HS")  # doctest: +SKIP
    >>> len(data.X), len(set(data.groups))  # doctest: +SKIP
    (442, 68)
    """
    if casme2 is None and samm is None and smic is None:
        raise ValueError("Give the folder of at least one database: casme2=, samm= or smic=.")
    sources, hints, roots = {}, {}, {}
    for db, root, annotations in (
        (CASME2, casme2, casme2_annotations),
        (SAMM, samm, samm_annotations),
    ):
        if root is not None:
            root = roots[db.key] = check_root(root, db.title, db.key)
            coding = find_annotation_file(
                annotations, root, db.coding_file, f"{db.key}_annotations"
            )
            sources[db.key] = (index_entries(db.entries(root, coding)), db.megc_map, coding)
            hints[db.key] = db.hint(root)
    if smic is not None:
        smic = roots["smic"] = check_root(smic, "SMIC-HS", "smic")
        folder_map = {c: i for i, c in enumerate(MEGC_CLASSES)}
        sources["smic"] = (index_entries(smic_entries(smic)), folder_map, smic)
        hints["smic"] = smic_hint(smic)
    entries = _listed_entries(sources, subjects_per_database)
    held = ", ".join(
        f"{db} ({roots[db]}" + (f", coding file {sources[db][2]})" if db != "smic" else ")")
        for db in _DATABASES
        if db in sources
    )
    descr = (
        "MEGC 2019 composite database (Composite Database Evaluation): the clips of the "
        f"official list {OFFICIAL_LIST} from {held}. The full composite has 442 clips "
        "from 68 subjects (SMIC-HS 164, CASME II 145, SAMM 133); evaluate it "
        "leave-one-subject-out over `groups`, with UF1 and UAR computed on the "
        "predictions pooled over all folds."
    )
    data = build_bunch(entries, target_names=MEGC_CLASSES, strict=strict, descr=descr, hints=hints)
    if "smic" in sources:
        warn_no_apex(int((data.database == "smic").sum()))
    return data
