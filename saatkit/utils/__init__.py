"""Shared machinery: thread limits for parallel work."""

from ._threads import run_with_threads, thread_limit, worker_threads

__all__ = ["run_with_threads", "thread_limit", "worker_threads"]
