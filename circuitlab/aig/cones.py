"""Transitive fan-in cones: their sizes and supports, and one cone as a standalone circuit.

:func:`extract_cone` puts the cone of any literal on a chosen leaf set, so
that the cones of two circuits over the same leaves correspond by input
position (the logic-equivalence task pairs cones this way).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.builder import AigBuilder
from circuitlab.errors import CircuitlabError

__all__ = ["ConeInfo", "cone_info", "extract_cone", "structural_support"]


class ConeInfo:
    """Size facts of every variable's transitive fan-in cone in a combinational AIG.

    Attributes:
        ands: ``[num_vars]`` AND nodes in the cone of each variable (itself included).
        support: ``[num_vars]`` frozensets of the input variables each depends on.
    """

    __slots__ = ("ands", "support")

    def __init__(self, ands: np.ndarray, support: list[frozenset[int]]):
        self.ands = ands
        self.support = support


def cone_info(aig: Aig) -> ConeInfo:
    """:class:`ConeInfo` of ``aig`` (combinational), in one pass over the ANDs.

    Cone sizes are computed exactly with per-node sets of AND variables,
    fine for the small cones the task keeps (the work grows with the sum of
    all cone sizes).
    """
    if not aig.is_combinational:
        raise CircuitlabError("cone_info needs a combinational AIG (cut its latches first)")
    first = aig.first_and_var
    members: list[frozenset[int]] = [frozenset()] * first
    for k, (x, y) in enumerate((aig.ands >> 1).tolist()):
        members.append(members[x] | members[y] | {first + k})
    return ConeInfo(np.array([len(m) for m in members], dtype=np.int64), _supports(aig))


def _supports(aig: Aig) -> list[frozenset[int]]:
    """Per variable, the input (and latch) variables its cone reaches."""
    first = aig.first_and_var
    support = [frozenset()] + [frozenset((v,)) for v in range(1, first)]
    for x, y in (aig.ands >> 1).tolist():
        support.append(support[x] | support[y])
    return support


def structural_support(aig: Aig) -> list[set[int]]:
    """Per output of a combinational ``aig``, the inputs (0-based) its cone reaches."""
    support = _supports(aig)
    return [{v - 1 for v in support[o >> 1]} for o in aig.outputs.tolist()]


def extract_cone(aig: Aig, lit: int, leaves: Sequence[int]) -> Aig:
    """The function of literal ``lit`` of ``aig`` as a one-output AIG over ``leaves``.

    Args:
        aig: a combinational AIG.
        lit: the literal to keep (a complemented literal gives the complement).
        leaves: input variables of ``aig`` (1..I), at least those the cone
            depends on; they become the cone's inputs in this order, keeping
            their names. A leaf the cone does not read is an unused input.

    Returns:
        A strashed AIG with ``len(leaves)`` inputs and one output ``"y"``.

    Raises:
        CircuitlabError: a leaf that is not an input, or a cone reading an
            input missing from ``leaves``.
    """
    first = aig.first_and_var
    if any(not 1 <= v < first for v in leaves) or len(set(leaves)) != len(leaves):
        raise CircuitlabError(f"leaves must be distinct input variables 1..{first - 1}")
    builder = AigBuilder()
    lit_of: dict[int, int] = {0: 0}
    for v in leaves:
        lit_of[v] = builder.add_input(aig.input_names[v - 1])
    # variables of the cone, found from the root downwards
    needed = {lit >> 1}
    ands = aig.ands
    for var in range(lit >> 1, first - 1, -1):
        if var in needed:
            needed.update((int(ands[var - first, 0]) >> 1, int(ands[var - first, 1]) >> 1))
    missing = sorted(v for v in needed if 0 < v < first and v not in lit_of)
    if missing:
        raise CircuitlabError(f"the cone reads input {aig.input_names[missing[0] - 1]!r}, "
                              "which is not a leaf")

    def get(literal: int) -> int:
        return lit_of[literal >> 1] ^ (literal & 1)

    for var in sorted(v for v in needed if v >= first):
        a, b = ands[var - first].tolist()
        lit_of[var] = builder.and_(get(a), get(b))
    builder.add_output(get(lit), "y")
    return builder.build()
