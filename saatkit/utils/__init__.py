"""Shared machinery: thread limits, memory release, parameter checks, output and fit of
non-tabular steps, shared docstring pieces, the works the docstrings cite (:func:`cite`)
and the check suite of clip and image estimators (:mod:`saatkit.utils.estimator_checks`)."""

from ._digest import array_digest
from ._docstring import Substitution
from ._matlab import matlab_uint8
from ._memory import release_memory
from ._non_tabular import NonTabularOutputMixin
from ._param_tuples import check_int_tuple
from ._references import cite
from ._stateless import StatelessMixin
from ._threads import run_with_threads, thread_limit, worker_threads

__all__ = [
    "NonTabularOutputMixin",
    "StatelessMixin",
    "Substitution",
    "array_digest",
    "check_int_tuple",
    "cite",
    "matlab_uint8",
    "release_memory",
    "run_with_threads",
    "thread_limit",
    "worker_threads",
]
