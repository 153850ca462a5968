"""Per-clip work: one function applied to each clip, cached per clip, run through joblib."""

import os

from joblib import Parallel, delayed
from sklearn.utils.validation import check_memory

import saatkit

from ._threads import run_with_threads, worker_threads


def _apply(func, clip, clip_key, params, version):
    return func(clip, **params)


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
        Where to cache. The key is the function, ``clip.key``, ``params`` and the
        saatkit version.
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
    memory = check_memory(os.fspath(memory) if isinstance(memory, os.PathLike) else memory)
    call = memory.cache(_apply, ignore=["clip"]) if memory.location is not None else _apply
    n_threads = worker_threads(n_jobs)
    tasks = (delayed(run_with_threads)(n_threads, call, func, clip, clip.key, params,
                                       saatkit.__version__) for clip in clips)
    return Parallel(n_jobs=n_jobs)(tasks)
