"""Ready-made pipelines: the SA-AT method, its ablation variants and the LBP-TOP baseline."""

from ._lbptop import make_lbptop_pipeline
from ._saat import (
    METHODS,
    PRESETS,
    TEACHER_CANDIDATES,
    VARIANTS,
    make_saat_pipeline,
    make_teacher,
    stateless_prefix,
)

__all__ = [
    "METHODS",
    "PRESETS",
    "TEACHER_CANDIDATES",
    "VARIANTS",
    "make_lbptop_pipeline",
    "make_saat_pipeline",
    "make_teacher",
    "stateless_prefix",
]
