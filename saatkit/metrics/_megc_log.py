"""The MEGC 2019 prediction log: per fold a line ``db subject``, then ``video gt pred``."""

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

LOG_COLUMNS = ["database", "subject", "name", "y_true", "y_pred"]


def _local_subject(database, subject):
    # saatkit subjects are unique across databases ("samm/006"); the log writes the
    # database and the subject as the database names it.
    prefix = f"{database}/"
    return subject[len(prefix):] if subject.startswith(prefix) else subject


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
                raise ValueError(f"{label} value {value!r} cannot be written: it is empty "
                                 "or holds whitespace, which the log format uses as a separator.")
    db, sub, clip, gt, pred = columns
    folds = {}
    for i in range(n):
        folds.setdefault((str(db[i]), _local_subject(str(db[i]), str(sub[i]))), []).append(i)
    lines = []
    for (fold_db, fold_subject), rows in folds.items():
        lines.append(f"{fold_db} {fold_subject}")
        lines.extend(f"{clip[i]} {int(gt[i])} {int(pred[i])}" for i in rows)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def read_megc_log(path):
    """Read a MEGC 2019 prediction log into a DataFrame.

    Accepts the logs published methods released: CRLF or LF line ends, blank lines,
    trailing spaces.

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
    rows = []
    fold = None
    with open(path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) == 2:
                fold = fields
            elif len(fields) == 3:
                if fold is None:
                    raise ValueError(f"{path}, line {number}: a prediction before any "
                                     "'database subject' header line.")
                try:
                    gt, pred = int(fields[1]), int(fields[2])
                except ValueError:
                    raise ValueError(f"{path}, line {number}: labels must be integers, "
                                     f"got {line.strip()!r}.") from None
                rows.append((fold[0], fold[1], fields[0], gt, pred))
            else:
                raise ValueError(f"{path}, line {number}: expected 'database subject' or "
                                 f"'video gt pred', got {line.strip()!r}.")
    return pd.DataFrame(rows, columns=LOG_COLUMNS).astype({"y_true": int, "y_pred": int})
