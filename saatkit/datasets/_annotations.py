"""Reading the databases' coding files and checking the frames they annotate.

The coding spreadsheets are read as distributed: the header row is found by its content
(SAMM's sheet opens with 13 legend rows), cells are taken as they are typed (CASME II
writes subjects as text, ``'01'``; one apex is ``'/'``), and every row keeps the number
Excel shows for it, so that errors and notes can name the row at fault.
"""

import re
from pathlib import Path

import pandas as pd


class AnnotationWarning(UserWarning):
    """A database annotation is defective and the loader worked around it.

    The warning names the clip and says what was done; the same text is in the ``note``
    column of the loader's ``frame``.
    """


class MissingClipWarning(UserWarning):
    """Clips listed in an annotation were not found on disk and were skipped."""


class MissingClipsError(FileNotFoundError):
    """Annotated clips have no frames on disk (``strict=True``).

    Parameters
    ----------
    listing : str
        The missing clips, one per line.
    advice : str
        What to do, in the caller's terms (a configuration file replaces the Python
        advice with its own keys).
    """

    def __init__(self, listing, advice):
        super().__init__(listing)
        self.listing, self.advice = listing, advice

    def __str__(self):
        return f"{self.listing}\n{self.advice}"


# Rows scanned for the header: SAMM's legend is 13 rows long; leave room for edits.
_HEADER_SEARCH_ROWS = 50


def _key(text):
    """Column names compared without case, spaces or punctuation ("Onset Frame")."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


def find_annotation_file(annotations, root, filename, parameter="annotations"):
    """The coding file: ``annotations`` if given, else ``filename`` in root or its parent.

    The databases ship their coding file beside the folder of clips (CASME II:
    ``CASME2/CASME2-coding-20140508.xlsx`` next to ``CASME2/CASME2_RAW_selected``), so
    the parent of ``root`` is searched as well as ``root`` itself.
    """
    if annotations is not None:
        path = Path(annotations)
        if not path.is_file():
            raise FileNotFoundError(
                f"{parameter}={str(annotations)!r}: file {path} does not exist."
            )
        return path
    places = [Path(root) / filename, Path(root).parent / filename]
    for path in places:
        if path.is_file():
            return path
    stem = filename.split("-")[0].split("_")[0]
    others = sorted(
        str(p) for folder in {Path(root), Path(root).parent} for p in folder.glob(f"{stem}*.xls*")
    )
    hint = f" Files with a similar name there: {', '.join(others)}." if others else ""
    raise FileNotFoundError(
        f"Annotation file {filename} not found; looked in "
        f"{' and '.join(str(p) for p in places)}. Pass its path as {parameter}=.{hint}"
    )


def read_coding_sheet(path, columns, name_column, sheet=0, what="annotation file"):
    """Read a coding table, locating its header row by the ``columns`` it must hold.

    Parameters
    ----------
    path : Path
        An ``.xlsx``/``.xls`` workbook or a ``.csv`` file.
    columns : sequence of str
        Required column names, compared without case, spaces or punctuation.
    name_column : str
        The column naming each clip; rows where it is blank are not clips.
    sheet : int or str, default=0
        Worksheet of a workbook.
    what : str
        What the file is, for error messages.

    Returns
    -------
    table : DataFrame
        The rows below the header that name a clip, with columns keyed as
        ``_key(column)`` and a ``row`` column holding the row number a spreadsheet shows.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        raw = pd.read_csv(path, header=None, dtype=object, skip_blank_lines=False)
        where = str(path)
    else:
        with pd.ExcelFile(path) as book:
            if isinstance(sheet, str) and sheet not in book.sheet_names:
                raise ValueError(
                    f"{what.capitalize()} {path} has no sheet {sheet!r}; its sheets are "
                    f"{book.sheet_names}."
                )
            raw = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
        where = f"{path} (sheet {sheet!r})"
    wanted = {_key(c): c for c in columns}
    best, best_found = None, set()
    for i in range(min(len(raw), _HEADER_SEARCH_ROWS)):
        found = {_key(v) for v in raw.iloc[i] if pd.notna(v)} & set(wanted)
        if len(found) > len(best_found):
            best, best_found = i, found
        if found == set(wanted):
            break
    if best is None or best_found != set(wanted):
        missing = [wanted[k] for k in wanted if k not in best_found]
        seen = [] if best is None else [str(v) for v in raw.iloc[best] if pd.notna(v)]
        raise ValueError(
            f"{what.capitalize()} {where} has no header row with the columns "
            f"{list(columns)}: missing {missing}"
            + (f" (closest header, row {best + 1}: {seen})." if seen else ".")
        )
    header = [_key(v) if pd.notna(v) else f"_unnamed{j}" for j, v in enumerate(raw.iloc[best])]
    table = raw.iloc[best + 1 :].copy()
    table.columns = header
    table = table.loc[:, ~pd.Index(header).duplicated()]
    table["row"] = table.index + 1  # the row number a spreadsheet shows, header included
    name_key = _key(name_column)
    named = table[name_key].map(lambda v: pd.notna(v) and str(v).strip() != "")
    table = table[named].reset_index(drop=True)
    table[name_key] = table[name_key].map(lambda v: str(v).strip())
    return table


def parse_frame_number(value):
    """An annotated frame number as int, or None where the cell holds none ('/', blank)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def parse_subject(value, width, row_name):
    """A subject cell (``'01'``, ``1``, ``'sub01'``, ``'006'``) as a zero-padded number."""
    number = parse_frame_number(value)
    if number is None:
        match = re.fullmatch(r"(?:sub)?(\d+)", str(value).strip(), flags=re.IGNORECASE)
        if match is None:
            raise ValueError(f"{row_name} has subject {value!r}, which is not a subject number.")
        number = int(match.group(1))
    return f"{number:0{width}d}"


def check_annotated_frames(onset, apex, offset, raw):
    """Frame numbers with the unusable ones set to None, and a note for each.

    Parameters
    ----------
    onset, apex, offset : int or None
        Parsed frame numbers.
    raw : dict
        The cells as written, for the notes (``{"apex": "/"}``).

    Returns
    -------
    onset, apex, offset : int or None
    notes : list of str
    """
    notes = []
    for field, value in (("onset", onset), ("apex", apex), ("offset", offset)):
        if value is None:
            notes.append(f"{field} not annotated ({raw.get(field)!r}); set to None")
    if onset is not None and offset is not None and offset < onset:
        notes.append(
            f"offset {offset} is before onset {onset}; onset, apex and offset set to None"
        )
        return None, None, None, notes
    if apex is not None and onset is not None and apex == onset:
        notes.append(
            f"apex {apex} equals onset, so no apex is annotated; apex set to None "
            "(use an apex spotter)"
        )
        apex = None
    elif apex is not None and (
        (onset is not None and apex < onset) or (offset is not None and apex > offset)
    ):
        notes.append(
            f"apex {apex} is outside onset-offset {onset}-{offset}; apex set to None "
            "(use an apex spotter)"
        )
        apex = None
    return onset, apex, offset, notes
