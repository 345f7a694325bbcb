"""Exact results for small functions: NPN classes, minimum-AND AIGs, SAT shrinking.

Never imports torch.
"""

from circuitlab.exact.npn import (
    NPN_MAX_INPUTS, NpnResult, NpnTransform, apply_transform, inverse_transform, npn_canon,
    npn_canon_array, npn_classes,
)
from circuitlab.exact.shrink import SHRINK_MAX_INPUTS, ShrinkParams, ShrinkStats, shrink
from circuitlab.exact.synthesis import EXACT_MAX_INPUTS, ExactParams, ExactStats, exact_aig

# The table module loads on first use, so that ``python -m
# circuitlab.exact.table`` does not find it imported already.
_TABLE_NAMES = ("ClassSize", "min_ands_4", "min_ands_table", "read_table")

__all__ = ["EXACT_MAX_INPUTS", "NPN_MAX_INPUTS", "SHRINK_MAX_INPUTS", "ExactParams",
           "ExactStats", "NpnResult", "NpnTransform", "ShrinkParams", "ShrinkStats",
           "apply_transform", "exact_aig", "inverse_transform", "npn_canon", "npn_canon_array",
           "npn_classes", "shrink", *_TABLE_NAMES]


def __getattr__(name: str):
    if name in _TABLE_NAMES:
        from circuitlab.exact import table
        return getattr(table, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
