"""Writing a file so that a reader never sees half of it."""

import os
import tempfile
from pathlib import Path


def atomic_write(path, write):
    """Write ``path`` through ``write(tmp)``, then move the finished file into place.

    The file is written under a temporary name in the same folder and renamed with
    ``os.replace``, which is atomic: an interrupted run leaves either the old file or
    the new one, never half a result, and a failed ``write`` leaves no stray file.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is created when missing.
    write : callable
        ``write(tmp)`` writes the whole content to the path ``tmp`` (a str that keeps
        the suffix of ``path``, so writers that go by the suffix pick the same format).

    Returns
    -------
    path : Path
        ``path``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from saatkit.clips import atomic_write
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "result.txt"
    >>> atomic_write(path, lambda tmp: pathlib.Path(tmp).write_text("done")).read_text()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
