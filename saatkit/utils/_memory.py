"""Heap memory that a finished task freed, handed back to the operating system."""

import ctypes
import ctypes.util
import functools
import sys


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return getattr(libc, "malloc_trim", None)


def release_memory():
    """Hand the heap memory freed so far back to the operating system, where glibc allows.

    glibc keeps freed blocks in its arenas for later allocations, so a worker process
    stays as large as its largest task ever made it: after a fold that trained a network,
    a joblib worker holds on to some 100 MB that it no longer uses. Called when a fold, a
    teacher's fit or a stage of a run ends, ``malloc_trim(0)`` returns those pages; it
    takes a few milliseconds, too much to pay after every clip. Elsewhere this does
    nothing.

    Returns
    -------
    released : bool
        Whether the C library could be asked to give memory back.

    Examples
    --------
    >>> from saatkit.utils import release_memory
    >>> released = release_memory()
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
