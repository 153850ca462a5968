"""Hand-crafted spatio-temporal features of micro-expression clips."""

from ._lbptop import LBPTOP
from ._lbptop_codes import lbptop_codes, neighbor_offsets

__all__ = ["LBPTOP", "lbptop_codes", "neighbor_offsets"]
