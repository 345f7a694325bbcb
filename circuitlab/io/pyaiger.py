"""Interoperation with py-aiger 8 (``import aiger``).

py-aiger keys inputs, outputs and latches by name in unordered maps, so
names must be distinct. :func:`to_pyaiger` records the order in a comment
(:data:`ORDER_COMMENT`), which :func:`from_pyaiger` follows unless told
another order, so a round trip keeps every position; a circuit without
that comment comes back with sorted names. py-aiger's latches hold a
boolean reset value: an uninitialised latch (as Yosys writes them) needs
``uninitialized=0`` or ``1``. py-aiger is pure Python; these conversions
are for interop, not for large circuits.
"""

from __future__ import annotations

import json
from typing import Iterable, Sequence

import aiger
from aiger.aig import AndGate, ConstFalse, Input, Inverter, LatchIn, Node

from circuitlab.aig.aig import Aig
from circuitlab.aig.builder import FALSE, AigBuilder
from circuitlab.errors import CircuitlabError

__all__ = ["ORDER_COMMENT", "from_pyaiger", "to_pyaiger"]

# start of the comment holding the input, output and latch orders (JSON)
ORDER_COMMENT = "circuitlab-order "


def to_pyaiger(aig: Aig, uninitialized: int | None = None) -> aiger.AIG:
    """The same circuit as a py-aiger ``AIG``, node for node.

    Inputs, outputs and latches keep their names, and their order in a
    last comment (:data:`ORDER_COMMENT`); latch reset values become
    booleans; comments are kept. AND nodes that reach no output or latch
    are dropped (py-aiger holds only cones).

    Args:
        aig: the circuit.
        uninitialized: the reset value (0 or 1) given to uninitialised
            latches (reset value 2, as Yosys writes every latch); ``None``
            refuses them.

    Raises:
        CircuitlabError: repeated input, output or latch names, or an
            uninitialised latch without ``uninitialized`` (naming it).
    """
    for what, names in (("input", aig.input_names), ("output", aig.output_names),
                        ("latch", aig.latch_names)):
        _check_distinct(what, names)
    if uninitialized not in (None, 0, 1):
        raise CircuitlabError(f"uninitialized must be 0, 1 or None, got {uninitialized!r}")
    inits = aig.latches[:, 1].tolist() if aig.num_latches else []
    if 2 in inits:
        if uninitialized is None:
            free = [n for n, init in zip(aig.latch_names, inits) if init == 2]
            more = f" and {len(free) - 1} more" if len(free) > 1 else ""
            raise CircuitlabError(f"latch {free[0]!r}{more} has no reset value, and py-aiger "
                                  "latches need 0 or 1: pass uninitialized=0 (or 1) to start "
                                  "such latches at that value")
        inits = [uninitialized if init == 2 else init for init in inits]
    nodes: list[Node] = [ConstFalse()]
    nodes += [Input(n) for n in aig.input_names]
    nodes += [LatchIn(n) for n in aig.latch_names]
    inverted: dict[int, Node] = {}

    def node(lit: int) -> Node:
        if not lit & 1:
            return nodes[lit >> 1]
        inv = inverted.get(lit >> 1)
        if inv is None:
            inv = inverted[lit >> 1] = Inverter(nodes[lit >> 1])
        return inv

    for f0, f1 in aig.ands.tolist():
        nodes.append(AndGate(node(f0), node(f1)))
    return aiger.AIG(
        inputs=frozenset(aig.input_names),
        node_map={n: node(lit) for n, lit in zip(aig.output_names, aig.outputs.tolist())},
        latch_map={n: node(lit) for n, lit in zip(aig.latch_names, aig.latches[:, 0].tolist())},
        latch2init={n: bool(init) for n, init in zip(aig.latch_names, inits)},
        comments=tuple(aig.comments) + (_order_comment(aig),),
    )


def _order_comment(aig: Aig) -> str:
    return ORDER_COMMENT + json.dumps({"inputs": list(aig.input_names),
                                       "outputs": list(aig.output_names),
                                       "latches": list(aig.latch_names)})


def _recorded_orders(comments: Sequence[str]) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """The orders of the last :data:`ORDER_COMMENT` (empty when none), and the
    comments without it."""
    for k in range(len(comments) - 1, -1, -1):
        if comments[k].startswith(ORDER_COMMENT):
            try:
                orders = json.loads(comments[k][len(ORDER_COMMENT):])
            except ValueError:
                continue
            if isinstance(orders, dict):
                return orders, tuple(comments[:k]) + tuple(comments[k + 1:])
    return {}, tuple(comments)


def from_pyaiger(circ, input_order: Sequence[str] | None = None,
                 output_order: Sequence[str] | None = None,
                 latch_order: Sequence[str] | None = None) -> Aig:
    """A py-aiger circuit (``AIG``, ``LazyAIG`` or ``BoolExpr``) as an :class:`Aig`.

    Args:
        circ: anything with an ``.aig`` attribute giving a py-aiger ``AIG``.
        input_order, output_order, latch_order: the names in the order the
            ``Aig`` should have them. Where not given: the order
            :func:`to_pyaiger` recorded (names it did not record follow,
            sorted), else sorted names.

    The graph is rebuilt through :class:`AigBuilder` (strashed and folded).

    Raises:
        CircuitlabError: an order that is not a permutation of the circuit's
            names, or a node that refers to an undeclared input or latch.
    """
    circ = circ.aig
    recorded, comments = _recorded_orders(tuple(circ.comments))
    inputs = _order("input", circ.inputs, input_order, recorded.get("inputs"))
    outputs = _order("output", circ.node_map.keys(), output_order, recorded.get("outputs"))
    latches = _order("latch", circ.latch2init.keys(), latch_order, recorded.get("latches"))
    b = AigBuilder()
    lit_of: dict[Node, int] = {ConstFalse(): FALSE}
    for name in inputs:
        lit_of[Input(name)] = b.add_input(name)
    latch_lits = [b.add_latch(name, int(bool(circ.latch2init[name]))) for name in latches]
    for name, lit in zip(latches, latch_lits):
        lit_of[LatchIn(name)] = lit
    roots = [circ.node_map[n] for n in outputs] + [circ.latch_map[n] for n in latches]
    _convert(b, roots, lit_of)
    for name, lit in zip(latches, latch_lits):
        b.set_latch_next(lit, lit_of[circ.latch_map[name]])
    for name in outputs:
        b.add_output(lit_of[circ.node_map[name]], name)
    return b.build(comments=comments)


def _convert(b: AigBuilder, roots: list[Node], lit_of: dict[Node, int]) -> None:
    """Fill ``lit_of`` for every node below ``roots`` (iterative post-order)."""
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if node in lit_of:
            continue
        if isinstance(node, (Input, LatchIn)):
            kind = "input" if isinstance(node, Input) else "latch"
            raise CircuitlabError(f"node refers to undeclared {kind} {node.name!r}")
        missing = [c for c in node.children if c not in lit_of]
        if missing:
            stack.append(node)
            stack.extend(missing)
            continue
        if isinstance(node, Inverter):
            lit_of[node] = lit_of[node.input] ^ 1
        elif isinstance(node, AndGate):
            lit_of[node] = b.and_(lit_of[node.left], lit_of[node.right])
        else:
            raise CircuitlabError(f"unknown py-aiger node type {type(node).__name__}")


def _check_distinct(what: str, names: Sequence[str]) -> None:
    if len(set(names)) != len(names):
        seen: set[str] = set()
        dup = next(n for n in names if n in seen or seen.add(n))
        raise CircuitlabError(f"py-aiger needs distinct {what} names; {dup!r} repeats")


def _order(what: str, names: Iterable[str], order: Sequence[str] | None,
           recorded: Sequence[str] | None = None) -> list[str]:
    names = set(names)
    if order is None:
        listed = dict.fromkeys(n for n in recorded or () if isinstance(n, str))
        kept = [n for n in listed if n in names]
        return kept + sorted(names - set(kept))
    order = list(order)
    if len(order) != len(names) or set(order) != names:
        raise CircuitlabError(f"{what} order {order} is not a permutation of the "
                              f"circuit's {what} names {sorted(names)}")
    return order
