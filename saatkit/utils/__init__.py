"""Shared machinery: thread limits for parallel work, shared docstring pieces."""

from ._docstring import Substitution
from ._threads import run_with_threads, thread_limit, worker_threads

__all__ = ["Substitution", "run_with_threads", "thread_limit", "worker_threads"]
