"""The MEGC 2019 prediction log: per fold a line ``db subject``, then ``video gt pred``."""

import numbers
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..clips import atomic_write

LOG_COLUMNS = ["database", "subject", "name", "y_true", "y_pred"]
# The databases of the MEGC 2019 composite: a two-field line starting with one of them,
# or with a database of an earlier header, is a fold header; any other is a clip line
# that lost a field.
MEGC_DATABASES = ("casme2", "samm", "smic")
_LABEL = re.compile(r"[0-9]+")


def _check_labels(label, column, names):
    for value, name in zip(column, names):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"{label} of clip {name!r} is {value!r}; the log holds integer labels only."
            )


def _local_subject(database, subject):
    # saatkit subjects are unique across databases ("samm/006"); the log writes the
    # database and the subject as the database names it.
    prefix = f"{database}/"
    return subject[len(prefix) :] if subject.startswith(prefix) else subject


def write_megc_log(path, database, subject, name, y_true, y_pred):
    """Write predictions in the MEGC 2019 submission log format.

    Each fold (one held-out subject) is a header line ``database subject`` followed by
    one line ``video ground-truth prediction`` per clip, in the order given. Folds appear
    in the order of their first clip. The file is written atomically.

    Parameters
    ----------
    path : str or Path
        Output file.
    database, subject, name : array-like of str, shape (n_samples,)
        Database, subject and clip name of each prediction. A subject written as
        ``"database/subject"`` is logged as ``subject``.
    y_true, y_pred : array-like of int, shape (n_samples,)
        Ground truth and prediction.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from saatkit.metrics import write_megc_log, read_megc_log
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.txt"
    >>> write_megc_log(path, ["casme2"], ["casme2/sub01"], ["EP02_01f"], [1], [1])
    >>> print(path.read_text(), end="")
    casme2 sub01
    EP02_01f 1 1
    """
    columns = [np.asarray(c).ravel() for c in (database, subject, name, y_true, y_pred)]
    n = len(columns[0])
    for label, column in zip(LOG_COLUMNS, columns):
        if len(column) != n:
            raise ValueError(f"{label} has {len(column)} entries, expected {n}.")
    for label, column in zip(LOG_COLUMNS[:3], columns[:3]):
        for value in column:
            if not str(value) or any(ch.isspace() for ch in str(value)):
                raise ValueError(
                    f"{label} value {value!r} cannot be written: it is empty "
                    "or holds whitespace, which the log format uses as a separator."
                )
    if n == 0:
        raise ValueError("There are no predictions to write.")
    db, sub, clip, gt, pred = columns
    _check_labels("y_true", gt.tolist(), clip)
    _check_labels("y_pred", pred.tolist(), clip)
    folds = {}
    for i in range(n):
        folds.setdefault((str(db[i]), _local_subject(str(db[i]), str(sub[i]))), []).append(i)
    lines = []
    for (fold_db, fold_subject), rows in folds.items():
        lines.append(f"{fold_db} {fold_subject}")
        lines.extend(f"{clip[i]} {int(gt[i])} {int(pred[i])}" for i in rows)
    text = "\n".join(lines) + "\n"
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, newline="\n"))


def _parse_clip(fields, where, line):
    if not (_LABEL.fullmatch(fields[1]) and _LABEL.fullmatch(fields[2])):
        raise ValueError(f"{where}: labels must be non-negative integers, got {line!r}.")
    return fields[0], int(fields[1]), int(fields[2])


def read_megc_log(path):
    """Read a MEGC 2019 prediction log into a DataFrame, strictly.

    Accepts the logs published methods released: CRLF or LF line ends, blank lines,
    trailing spaces. Refuses, naming the line: a clip line that lost a field (after the
    first header, a two-field line is a fold header only when it names a database of
    ``MEGC_DATABASES`` or of an earlier header), labels that are not non-negative
    integers, a clip listed twice in a fold, and a fold header with no clip.

    Parameters
    ----------
    path : str or Path
        The log file.

    Returns
    -------
    log : DataFrame
        Columns ``database``, ``subject`` (as written in the log), ``name``, ``y_true``,
        ``y_pred``, one row per clip, in file order.
    """
    path = Path(path)
    rows, fold, databases, seen = [], None, set(MEGC_DATABASES), set()
    with open(path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            fields, where = line.split(), f"{path}, line {number}"
            if not fields:
                continue
            # "EP02_01f 1" is a clip line that lost a field, not a fold of database
            # EP02_01f: after the first header, a header names a known database.
            if len(fields) == 2 and (fold is None or fields[0] in databases):
                if fold is not None and not fold[2]:
                    raise ValueError(
                        f"{where}: fold {' '.join(fold[:2])} (line {fold[3]}) has no clip line."
                    )
                fold = [fields[0], fields[1], 0, number]
                databases.add(fields[0])
            elif len(fields) == 2:
                raise ValueError(
                    f"{where}: {line.strip()!r} is a clip line without its "
                    "prediction (expected 'video gt pred'), or a fold header "
                    f"of a database that is not one of {sorted(databases)}."
                )
            elif len(fields) == 3:
                if fold is None:
                    raise ValueError(
                        f"{where}: a prediction before any 'database subject' header line."
                    )
                name, gt, pred = _parse_clip(fields, where, line.strip())
                if (fold[0], fold[1], name) in seen:
                    raise ValueError(
                        f"{where}: clip {name} is listed twice in fold {fold[0]} {fold[1]}."
                    )
                seen.add((fold[0], fold[1], name))
                fold[2] += 1
                rows.append((fold[0], fold[1], name, gt, pred))
            else:
                raise ValueError(
                    f"{where}: expected 'database subject' or "
                    f"'video gt pred', got {line.strip()!r}."
                )
    if fold is not None and not fold[2]:
        raise ValueError(f"{path}, line {fold[3]}: fold {' '.join(fold[:2])} has no clip line.")
    return pd.DataFrame(rows, columns=LOG_COLUMNS).astype({"y_true": int, "y_pred": int})
