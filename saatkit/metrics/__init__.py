"""MEGC 2019 metrics (UF1, UAR, WAR), per-fold scorers and the prediction log format."""

from ._megc_log import read_megc_log, write_megc_log
from ._scores import (
    MEGC_LABELS,
    SCORERS,
    f1_per_class,
    get_scorer,
    recall_per_class,
    uar_score,
    uar_scorer,
    uf1_score,
    uf1_scorer,
    war_score,
    war_scorer,
)

__all__ = [
    "MEGC_LABELS",
    "SCORERS",
    "f1_per_class",
    "get_scorer",
    "read_megc_log",
    "recall_per_class",
    "uar_score",
    "uar_scorer",
    "uf1_score",
    "uf1_scorer",
    "war_score",
    "war_scorer",
    "write_megc_log",
]
