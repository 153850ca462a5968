"""Ready-made pipelines: the SA-AT method and the MEGC 2019 LBP-TOP baseline."""

from ._lbptop import make_lbptop_pipeline

__all__ = ["make_lbptop_pipeline"]
