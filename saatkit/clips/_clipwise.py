"""Per-clip work: one function applied to each clip, cached per clip, run through joblib."""

import os

from joblib import Parallel, delayed

import saatkit

from ..utils import run_with_threads, worker_threads
from ._clip_cache import cached_call


def _apply(func, clip, params):
    return func(clip, **params)


def _cache_folder(memory):
    if memory is None or isinstance(memory, (str, os.PathLike)):
        return memory
    # A joblib.Memory: its folder, never its pickles.
    return getattr(memory, "location", None)


def map_clips(func, clips, *, memory=None, n_jobs=None, **params):
    """Apply ``func(clip, **params)`` to every clip, caching each result.

    The work on one clip never depends on other clips, so each result is cached on its
    own: the 68 folds of leave-one-subject-out reuse every clip's result instead of
    recomputing it per fold, which ``Pipeline(memory=...)`` cannot do (its key is the
    whole fold's ``X``).

    Parameters
    ----------
    func : callable
        A module-level function ``func(clip, **params)``. It is part of the cache key by
        its qualified name, so it must not be a lambda or a bound method.
    clips : list of Clip
        The clips.
    memory : str, Path, joblib.Memory or None, default=None
        The folder to cache in (a ``joblib.Memory`` gives its ``location``). The key is
        the function, ``clip.key``, ``params`` and the saatkit version. Results are
        kept as ``.npz`` files read without pickle, so a cache folder from elsewhere
        cannot run code; ``func`` must return numbers, strings, None, arrays, or
        tuples, lists and dicts of these. A damaged cache file is recomputed with a
        warning.
    n_jobs : int, default=None
        Parallel jobs through joblib; ``joblib.parallel_config`` picks the backend, so a
        dask cluster runs the clips with no code change. Parallel tasks run with one
        thread in BLAS, OpenMP, torch and OpenCV (see :func:`worker_threads`), so that
        ``n_jobs`` processes use ``n_jobs`` cores; with one job the calling process keeps
        its own thread settings.
    **params
        Keyword arguments for ``func``; they must be picklable.

    Returns
    -------
    results : list
        ``func(clip, **params)`` for each clip, in order.
    """
    folder = _cache_folder(memory)
    n_threads = worker_threads(n_jobs)
    if folder is None:
        tasks = (
            delayed(run_with_threads)(n_threads, _apply, func, clip, params) for clip in clips
        )
    else:
        tasks = (
            delayed(run_with_threads)(
                n_threads, cached_call, folder, func, clip, clip.key, params, saatkit.__version__
            )
            for clip in clips
        )
    return Parallel(n_jobs=n_jobs)(tasks)
