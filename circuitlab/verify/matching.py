"""Pairing two circuits' inputs and outputs, by name or by position.

By name, a circuit without a symbol table (names ``i0``, ``o0``, ...) is
matched by position, as ABC does, and :func:`position_fallback` says why.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from circuitlab.aig.aig import LIT_DTYPE, Aig, renumber
from circuitlab.errors import CircuitlabError

__all__ = ["MATCHES", "align", "position_fallback"]

MATCHES = ("name", "position")


def align(a: Aig, b: Aig, match: str = "name") -> tuple[Aig, Aig]:
    """The combinational parts of ``a`` and ``b``, ``b``'s inputs and outputs
    put in ``a``'s order.

    Raises:
        CircuitlabError: ``match`` unknown, or the interfaces do not correspond
            (which names are missing where, or which counts differ).
    """
    if match not in MATCHES:
        raise CircuitlabError(f"unknown match {match!r}; choose one of {', '.join(MATCHES)}")
    if match == "position":
        counts = [(what, x, y) for what, x, y in (
            ("inputs", a.num_inputs, b.num_inputs), ("latches", a.num_latches, b.num_latches),
            ("outputs", a.num_outputs, b.num_outputs)) if x != y]
        if counts:
            raise CircuitlabError("cannot match by position: " + "; ".join(
                f"{x} {what} in the first circuit, {y} in the second" for what, x, y in counts))
        return a.cut_latches(), b.cut_latches()
    problems = []
    for what, na, nb in (("input", a.input_names, b.input_names),
                         ("latch", a.latch_names, b.latch_names),
                         ("output", a.output_names, b.output_names)):
        for which, names in (("first", na), ("second", nb)):
            dups = sorted(x for x, count in Counter(names).items() if count > 1)
            if dups:
                problems.append(f"duplicate {what} names in the {which} circuit: "
                                f"{_listing(dups)}")
        plural = "latches" if what == "latch" else what + "s"
        set_a, set_b = set(na), set(nb)
        only_a = [x for x in na if x not in set_b]
        only_b = [x for x in nb if x not in set_a]
        if only_a:
            problems.append(f"{plural} missing from the second circuit: {_listing(only_a)}")
        if only_b:
            problems.append(f"{plural} missing from the first circuit: {_listing(only_b)}")
    ac, bc = a.cut_latches(), b.cut_latches()
    if not problems:
        for which, aig in (("first", ac), ("second", bc)):
            for what, names in (("input or latch", aig.input_names),
                                ("output or next-state", aig.output_names)):
                if len(set(names)) < len(names):
                    problems.append(f"{what} names clash in the {which} circuit")
    if problems:
        raise CircuitlabError("cannot match by name: " + "; ".join(problems)
                              + " (or match by position)")
    in_pos = {x: k for k, x in enumerate(bc.input_names)}
    out_pos = {x: k for k, x in enumerate(bc.output_names)}
    return ac, _reorder(bc, [in_pos[x] for x in ac.input_names],
                        [out_pos[x] for x in ac.output_names])


def position_fallback(a: Aig, b: Aig) -> str:
    """Why ``a`` and ``b`` are matched by position instead of by name: one of
    them has default names only and the name sets differ ('' otherwise)."""
    if all(set(x) == set(y) for x, y in ((a.input_names, b.input_names),
                                         (a.latch_names, b.latch_names),
                                         (a.output_names, b.output_names))):
        return ""
    counts = [(x.num_inputs, x.num_latches, x.num_outputs) for x in (a, b)]
    unnamed = [which for which, aig in (("first", a), ("second", b)) if _default_names(aig)]
    if not unnamed or counts[0] != counts[1]:
        return ""
    if len(unnamed) == 2:
        return "neither circuit has a symbol table"
    return f"the {unnamed[0]} circuit has no symbol table (names i0, i1, ... o0, o1, ...)"


def _default_names(aig: Aig) -> bool:
    """Inputs ``i<k>``, latches ``l<k>``, outputs ``o<k>`` (then ``b<k>`` for
    bad-state properties read as outputs): the names of a file without symbols."""
    if aig.input_names != tuple(f"i{k}" for k in range(aig.num_inputs)):
        return False
    if aig.latch_names != tuple(f"l{k}" for k in range(aig.num_latches)):
        return False
    outs = aig.output_names
    n = 0
    while n < len(outs) and outs[n] == f"o{n}":
        n += 1
    return outs[n:] == tuple(f"b{k}" for k in range(len(outs) - n))


def _listing(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(x) for x in names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _reorder(aig: Aig, inputs_from: list[int], outputs_from: list[int]) -> Aig:
    """``aig`` with input ``k`` taken from old input ``inputs_from[k]``, output
    ``k`` from old output ``outputs_from[k]`` (same nodes, renumbered inputs)."""
    n = aig.num_inputs
    if inputs_from == list(range(n)) and outputs_from == list(range(aig.num_outputs)):
        return aig
    new_var = np.arange(aig.num_vars, dtype=LIT_DTYPE)
    new_var[1 + np.asarray(inputs_from, dtype=LIT_DTYPE)] = np.arange(1, n + 1, dtype=LIT_DTYPE)

    return Aig(n, renumber(aig.ands, new_var), renumber(aig.outputs[outputs_from], new_var),
               input_names=[aig.input_names[k] for k in inputs_from],
               output_names=[aig.output_names[k] for k in outputs_from],
               comments=aig.comments, check=False)
