"""Cones of a combinational AIG as standalone circuits, and one-gate mutations of them.

The logic-equivalence task (:mod:`circuitlab.tasks.equivalence`) pairs the
cone of a node in one optimised version of a design with the cone of a node
in another; both are put on the same leaf set (the union of their supports,
in primary-input order), so that their inputs correspond by position.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from circuitlab.aig import Aig, AigBuilder, strash
from circuitlab.errors import CircuitlabError

__all__ = ["ConeInfo", "cone_info", "extract_cone", "mutate_gate"]


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
    empty: frozenset[int] = frozenset()
    support: list[frozenset[int]] = [empty] + [frozenset((v,)) for v in range(1, first)]
    members: list[frozenset[int]] = [empty] * first
    for k, (x, y) in enumerate((aig.ands >> 1).tolist()):
        var = first + k
        support.append(support[x] | support[y])
        members.append(members[x] | members[y] | {var})
    return ConeInfo(np.array([len(m) for m in members], dtype=np.int64), support)


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


def mutate_gate(aig: Aig, rng: np.random.Generator) -> tuple[Aig, str]:
    """``aig`` with one AND changed: one fan-in complemented ("invert") or
    replaced by another earlier variable ("rewire"), chosen by ``rng``.

    The result keeps the inputs and outputs of ``aig`` (so it pairs with the
    same circuits by position) and is strashed (dangling ANDs removed). It
    is usually, not always, a different function: callers prove it.

    Returns:
        ``(mutated, kind)`` with kind ``"invert"`` or ``"rewire"``.

    Raises:
        CircuitlabError: ``aig`` has no AND node.
    """
    if not aig.num_ands:
        raise CircuitlabError("an AIG without AND nodes has no gate to mutate")
    ands = np.array(aig.ands)
    k = int(rng.integers(aig.num_ands))
    side = int(rng.integers(2))
    var = aig.first_and_var + k
    old = int(ands[k, side])
    kind = "invert" if var <= 2 or rng.random() < 0.5 else "rewire"
    if kind == "invert":
        ands[k, side] = old ^ 1
    else:
        # another variable before this AND (constants excluded), random polarity
        choices = [v for v in range(1, var) if v != old >> 1 and v != int(ands[k, 1 - side]) >> 1]
        if not choices:
            ands[k, side] = old ^ 1
            kind = "invert"
        else:
            ands[k, side] = 2 * int(rng.choice(choices)) + int(rng.integers(2))
    mutated = Aig(aig.num_inputs, ands, aig.outputs, input_names=aig.input_names,
                  output_names=aig.output_names)
    return strash(mutated), kind
