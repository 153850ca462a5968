"""Ready-made pipelines: SA-AT and its ablation variants, the flow family, LBP-TOP."""

from ._flow import make_flow_pipeline
from ._lbptop import make_lbptop_pipeline
from ._presets import (
    FLOW_NETWORKS,
    INPUTS,
    METHODS,
    PRESETS,
    TEACHER_CANDIDATES,
    VARIANTS,
    flow_network,
    split_method,
    teacher_network,
)
from ._saat import make_saat_pipeline, make_teacher, stateless_prefix

__all__ = [
    "FLOW_NETWORKS",
    "INPUTS",
    "METHODS",
    "PRESETS",
    "TEACHER_CANDIDATES",
    "VARIANTS",
    "flow_network",
    "make_flow_pipeline",
    "make_lbptop_pipeline",
    "make_saat_pipeline",
    "make_teacher",
    "split_method",
    "stateless_prefix",
    "teacher_network",
]
