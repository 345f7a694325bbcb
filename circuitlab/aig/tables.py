"""Truth tables of small circuits as Python ints: the one integer evaluator.

A table over ``n`` inputs is an int of ``2^n`` bits, bit ``m`` the value on
minterm ``m`` (input ``i`` = bit ``i`` of ``m``). Every AND is one ``&`` of
two ints, so a circuit of ``A`` ANDs over ``n`` inputs costs ``A`` big-int
operations of ``2^n`` bits: the way to evaluate windows and small circuits
node by node. :mod:`circuitlab.sim` simulates whole circuits on word arrays
instead, and converts between the two forms.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError

__all__ = ["and_tables", "node_tables", "output_tables", "projections", "table_mask"]


def table_mask(num_inputs: int) -> int:
    """The table that is 1 on every minterm of ``num_inputs`` inputs."""
    return (1 << (1 << num_inputs)) - 1


@functools.lru_cache(maxsize=None)
def _projections(num_inputs: int) -> tuple[int, ...]:
    out = []
    for i in range(num_inputs):
        half = 1 << i
        block = table_mask(i) << half          # 2^i zeros, then 2^i ones
        table, width = block, 2 * half
        while width < 1 << num_inputs:         # repeat the block over all minterms
            table |= table << width
            width *= 2
        out.append(table)
    return tuple(out)


def projections(num_inputs: int) -> list[int]:
    """The tables of the ``num_inputs`` inputs themselves (a new list)."""
    return list(_projections(num_inputs))


def and_tables(value: dict[int, int], ands: Iterable[tuple[int, int, int]],
               mask: int) -> dict[int, int]:
    """Fill ``value`` with the table of each AND and return it.

    Args:
        value: tables of the variables the ANDs read first (variable 0, the
            constant, is 0).
        ands: ``(variable, fan-in literal, fan-in literal)`` in topological order.
        mask: :func:`table_mask` of the input count.
    """
    for v, a, b in ands:
        value[v] = ((value[a >> 1] ^ (mask if a & 1 else 0))
                    & (value[b >> 1] ^ (mask if b & 1 else 0)))
    return value


def node_tables(aig: Aig) -> list[int]:
    """The table of every variable of a small combinational ``aig`` over its inputs.

    Shapes:
        ``[num_vars]`` ints of ``2^num_inputs`` bits.

    Raises:
        CircuitlabError: ``aig`` has latches.
    """
    if not aig.is_combinational:
        raise CircuitlabError("integer truth tables need a combinational AIG (cut its latches "
                              "first)")
    n = aig.num_inputs
    value = dict(enumerate([0, *_projections(n)]))
    first = aig.first_and_var
    ands = aig.ands
    and_tables(value, zip(range(first, aig.num_vars), ands[:, 0].tolist(), ands[:, 1].tolist()),
               table_mask(n))
    return [value[v] for v in range(aig.num_vars)]


def output_tables(aig: Aig) -> list[int]:
    """The table of every output of a small combinational ``aig`` over its inputs."""
    value = node_tables(aig)
    mask = table_mask(aig.num_inputs)
    return [value[o >> 1] ^ (mask if o & 1 else 0) for o in aig.outputs.tolist()]
