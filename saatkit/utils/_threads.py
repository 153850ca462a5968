"""Thread counts of the numerical libraries, so that processes times threads fit the cores."""

import contextlib
import numbers
import sys

from joblib import effective_n_jobs
from threadpoolctl import threadpool_limits


@contextlib.contextmanager
def thread_limit(n_threads):
    """Run a block with at most ``n_threads`` threads in BLAS, OpenMP, torch and OpenCV.

    BLAS and OpenMP pools are limited through threadpoolctl, torch's intra-op pool with
    ``torch.set_num_threads`` and OpenCV's with ``cv2.setNumThreads``; every setting is
    restored on exit. torch and OpenCV are limited only when already imported (importing
    them here would cost seconds in a worker that needs neither); a worker of joblib's
    loky backend starts with ``OMP_NUM_THREADS`` at most the cores per worker, which
    torch reads when it is imported later.

    Parameters
    ----------
    n_threads : int or None
        Threads per pool, at least 1; None leaves every library as it is.

    Yields
    ------
    None
        The block runs with the limits; they are lifted when it ends.

    Examples
    --------
    >>> from threadpoolctl import threadpool_info
    >>> from saatkit.utils import thread_limit
    >>> with thread_limit(1):
    ...     print({pool["num_threads"] for pool in threadpool_info()})
    {1}
    """
    if n_threads is None:
        yield
        return
    if isinstance(n_threads, bool) or not isinstance(n_threads, numbers.Integral) or n_threads < 1:
        raise ValueError(f"n_threads must be None or an int >= 1, got {n_threads!r}.")
    torch, cv2 = sys.modules.get("torch"), sys.modules.get("cv2")
    torch_before = torch.get_num_threads() if torch is not None else None
    cv2_before = cv2.getNumThreads() if cv2 is not None else None
    n_threads = int(n_threads)
    with threadpool_limits(limits=n_threads):
        if torch is not None:
            torch.set_num_threads(n_threads)
        if cv2 is not None:
            cv2.setNumThreads(n_threads)
        try:
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(torch_before)
            if cv2 is not None:
                cv2.setNumThreads(cv2_before)


def worker_threads(n_jobs):
    """Threads each task may use when ``n_jobs`` run side by side on ``n_jobs`` cores.

    One thread per task when the work is parallel (``effective_n_jobs(n_jobs) > 1``,
    which follows ``joblib.parallel_config``), so that processes times threads never
    exceeds the cores given; None (no limit) when the tasks run one after the other in
    the calling process, which keeps its own settings, all cores by default.

    Parameters
    ----------
    n_jobs : int or None
        As joblib takes it.

    Returns
    -------
    n_threads : int or None
    """
    return 1 if effective_n_jobs(n_jobs) > 1 else None


def run_with_threads(n_threads, func, *args, **kwargs):
    """Call ``func(*args, **kwargs)`` under :func:`thread_limit`, for a parallel worker task.

    Parameters
    ----------
    n_threads : int or None
        As :func:`thread_limit` takes it.
    func : callable
        The task.
    *args, **kwargs
        Its arguments.

    Returns
    -------
    result : object
        What ``func`` returns.
    """
    with thread_limit(n_threads):
        return func(*args, **kwargs)
