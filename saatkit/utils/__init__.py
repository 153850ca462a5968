"""Shared machinery: per-clip mapping with caching and parallelism, thread limits."""

from ._clipwise import map_clips
from ._non_tabular import NonTabularOutputMixin
from ._param_tuples import check_int_tuple
from ._threads import run_with_threads, thread_limit, worker_threads

__all__ = [
    "NonTabularOutputMixin",
    "check_int_tuple",
    "map_clips",
    "run_with_threads",
    "thread_limit",
    "worker_threads",
]
