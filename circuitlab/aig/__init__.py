"""The circuit core: the :class:`Aig` type, its builder and structural views.

Never imports torch.
"""

from circuitlab.aig.aig import Aig, renumber
from circuitlab.aig.builder import FALSE, TRUE, AigBuilder
from circuitlab.aig.ops import (
    cleanup, compose, cone, depth, disjoint_union, fanout_counts, levels, miter, rebuild,
    relabel, split_union, strash,
)

__all__ = ["Aig", "AigBuilder", "FALSE", "TRUE", "cleanup", "compose", "cone", "depth",
           "disjoint_union", "fanout_counts", "levels", "miter", "rebuild", "relabel", "renumber",
           "split_union", "strash"]
