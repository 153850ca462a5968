"""The MEGC 2019 protocol: leave-one-subject-out with pooled UF1/UAR."""

from ._loso import evaluate_holdout_database, evaluate_loso
from ._result import LOSOResult, format_table

__all__ = ["LOSOResult", "evaluate_holdout_database", "evaluate_loso", "format_table"]
