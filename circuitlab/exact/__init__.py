"""Exact results for small functions: NPN classes, minimum-AND AIGs, SAT shrinking.

Besides the whole searches (:func:`exact_aig`, :func:`shrink`), the pieces
they are built from, for searches of other shapes (windows with don't
cares in :mod:`circuitlab.optimize`): :class:`Problem` (outputs reduced to
the gate functions to find), :class:`Encoding` (the CNF of ``r`` gates),
:func:`decide` (one gate count, whole or split by first gate),
:func:`solve_cegar` (one gate count, minterms added as counterexamples) and
:func:`realise` (a model as AIG nodes).

Never imports torch.
"""

from circuitlab.exact.encoding import Encoding
from circuitlab.exact.npn import (
    NPN_MAX_INPUTS, NpnResult, NpnTransform, apply_transform, inverse_transform, npn_canon,
    npn_canon_array, npn_classes,
)
from circuitlab.exact.shrink import (
    SHRINK_MAX_INPUTS, ShrinkParams, ShrinkStats, shrink, solve_cegar,
)
from circuitlab.exact.synthesis import (
    EXACT_MAX_INPUTS, ExactParams, ExactStats, Problem, decide, exact_aig, realise,
)

# The table module loads on first use, so that ``python -m
# circuitlab.exact.table`` does not find it imported already.
_TABLE_NAMES = ("ClassSize", "min_ands_4", "min_ands_table", "read_table")

__all__ = ["EXACT_MAX_INPUTS", "NPN_MAX_INPUTS", "SHRINK_MAX_INPUTS", "Encoding", "ExactParams",
           "ExactStats", "NpnResult", "NpnTransform", "Problem", "ShrinkParams", "ShrinkStats",
           "apply_transform", "decide", "exact_aig", "inverse_transform", "npn_canon",
           "npn_canon_array", "npn_classes", "realise", "shrink", "solve_cegar", *_TABLE_NAMES]


def __getattr__(name: str):
    if name in _TABLE_NAMES:
        from circuitlab.exact import table  # looked up at call time: tests stand in for it
        return getattr(table, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
