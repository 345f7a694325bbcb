"""Structural views and transformations of an :class:`Aig`.

Derived facts (levels, fan-outs) are functions of the circuit, cached on
the frozen object; transformations return a new ``Aig``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from circuitlab.aig.aig import LIT_DTYPE, Aig, renumber
from circuitlab.aig.builder import AigBuilder
from circuitlab.errors import CircuitlabError


def levels(aig: Aig) -> np.ndarray:
    """Logic level of every variable: 0 for constants, inputs and latches.

    Shapes:
        ``[num_vars]`` int64, read-only.
    """
    return aig.derived("levels", _levels)


def _levels(aig: Aig) -> np.ndarray:
    lv = [0] * aig.num_vars
    first = aig.first_and_var
    a0 = (aig.ands[:, 0] >> 1).tolist()
    a1 = (aig.ands[:, 1] >> 1).tolist()
    for k in range(aig.num_ands):
        x, y = lv[a0[k]], lv[a1[k]]
        lv[first + k] = (x if x > y else y) + 1
    out = np.array(lv, dtype=LIT_DTYPE)
    out.setflags(write=False)
    return out


def depth(aig: Aig) -> int:
    """Largest level over outputs and latch next-state functions."""
    roots = np.concatenate([aig.outputs, aig.latches[:, 0]]) >> 1
    return int(levels(aig)[roots].max()) if roots.size else 0


def fanout_counts(aig: Aig) -> np.ndarray:
    """References of every variable by ANDs, outputs and latch inputs.

    Shapes:
        ``[num_vars]`` int64.
    """
    refs = np.concatenate([aig.ands.ravel(), aig.outputs, aig.latches[:, 0]]) >> 1
    return np.bincount(refs, minlength=aig.num_vars).astype(LIT_DTYPE)


def _reachable(aig: Aig, roots: np.ndarray) -> np.ndarray:
    used = bytearray(aig.num_vars)
    for v in (np.asarray(roots, dtype=LIT_DTYPE) >> 1).tolist():
        used[v] = 1
    first = aig.first_and_var
    a0 = (aig.ands[:, 0] >> 1).tolist()
    a1 = (aig.ands[:, 1] >> 1).tolist()
    for k in range(aig.num_ands - 1, -1, -1):
        if used[first + k]:
            used[a0[k]] = 1
            used[a1[k]] = 1
    return np.frombuffer(bytes(used), dtype=np.uint8).astype(bool)


def _subgraph(aig: Aig, keep_and: np.ndarray, keep_input: np.ndarray, outputs: np.ndarray,
              output_names: Sequence[str], keep_latches: bool) -> Aig:
    """Keep the chosen inputs and ANDs (fan-in closed), renumbered densely."""
    nv = aig.num_vars
    first = aig.first_and_var
    keep = np.zeros(nv, dtype=bool)
    keep[0] = True
    keep[1:1 + aig.num_inputs] = keep_input
    if keep_latches:
        keep[1 + aig.num_inputs:first] = True
    keep[first:] = keep_and
    new_var = np.cumsum(keep) - 1

    def remap(lits: np.ndarray) -> np.ndarray:
        return renumber(lits, new_var)

    latches = aig.latches.copy()
    if keep_latches and len(latches):
        latches[:, 0] = remap(latches[:, 0])
    return Aig(int(keep_input.sum()), remap(aig.ands[keep_and]), remap(outputs),
               latches if keep_latches else (),
               input_names=[n for n, k in zip(aig.input_names, keep_input) if k],
               output_names=output_names,
               latch_names=aig.latch_names if keep_latches else None,
               comments=aig.comments)


def cleanup(aig: Aig) -> Aig:
    """Remove AND nodes that reach no output or latch; inputs are all kept."""
    roots = np.concatenate([aig.outputs, aig.latches[:, 0]])
    used = _reachable(aig, roots)
    keep_and = used[aig.first_and_var:]
    if keep_and.all():
        return aig
    return _subgraph(aig, keep_and, np.ones(aig.num_inputs, dtype=bool), aig.outputs,
                     aig.output_names, keep_latches=True)


def cone(aig: Aig, outputs: Sequence[int | str], keep_all_inputs: bool = False) -> Aig:
    """Transitive fan-in cone of the chosen outputs (indices or names) as a new Aig.

    Latches are cut first (their outputs become inputs). Unless
    ``keep_all_inputs``, only the inputs in the cone's support are kept,
    in their original order.
    """
    comb = aig.cut_latches()
    index = []
    for o in outputs:
        if isinstance(o, str):
            if o not in comb.output_names:
                raise CircuitlabError(f"no output named {o!r}")
            index.append(comb.output_names.index(o))
        else:
            if not 0 <= int(o) < comb.num_outputs:
                raise CircuitlabError(f"output index {o} out of range 0..{comb.num_outputs - 1}")
            index.append(int(o))
    lits = comb.outputs[index]
    used = _reachable(comb, lits)
    keep_input = np.ones(comb.num_inputs, dtype=bool) if keep_all_inputs \
        else used[1:1 + comb.num_inputs]
    return _subgraph(comb, used[comb.first_and_var:], keep_input, lits,
                     [comb.output_names[k] for k in index], keep_latches=False)


def rebuild(aig: Aig) -> tuple[AigBuilder, list[int]]:
    """Copy ``aig`` into a fresh builder (strashing and folding on the way).

    Returns the builder, holding the inputs and latches of ``aig`` under their
    names, and the builder literal of every variable of ``aig``.
    """
    b = AigBuilder()
    lit_of = [0] + [b.add_input(n) for n in aig.input_names]
    latch_lits = [b.add_latch(n, int(init)) for n, init in zip(aig.latch_names, aig.latches[:, 1])]
    lit_of += latch_lits
    for f0, f1 in aig.ands.tolist():
        lit_of.append(b.and_(lit_of[f0 >> 1] ^ (f0 & 1), lit_of[f1 >> 1] ^ (f1 & 1)))
    for lat, nxt in zip(latch_lits, aig.latches[:, 0].tolist()):
        b.set_latch_next(lat, lit_of[nxt >> 1] ^ (nxt & 1))
    return b, lit_of


def strash(aig: Aig) -> Aig:
    """Structurally hashed, constant-folded copy without dangling nodes."""
    b, lit_of = rebuild(aig)
    for o, name in zip(aig.outputs.tolist(), aig.output_names):
        b.add_output(lit_of[o >> 1] ^ (o & 1), name)
    return cleanup(b.build(comments=aig.comments))


def compose(inner: Aig, outer: Aig) -> Aig:
    """``outer ∘ inner``: the outputs of ``inner`` drive the inputs of ``outer``."""
    if inner.num_outputs != outer.num_inputs:
        raise CircuitlabError(f"cannot compose: {inner.num_outputs} outputs "
                              f"feed {outer.num_inputs} inputs")
    b = AigBuilder()
    ins = [b.add_input(n) for n in inner.input_names]
    mid = b.add_aig(inner, ins)
    for lit, name in zip(b.add_aig(outer, mid), outer.output_names):
        b.add_output(lit, name)
    return cleanup(b.build())


def miter(a: Aig, b: Aig, single_output: bool = False) -> Aig:
    """XOR of corresponding outputs of two combinational circuits on shared inputs.

    Inputs and outputs are matched by position; the result has one output
    per pair (or one OR of them when ``single_output``). It is constant
    false exactly when ``a`` and ``b`` are equivalent.
    """
    if (a.num_inputs, a.num_outputs) != (b.num_inputs, b.num_outputs):
        raise CircuitlabError(f"miter needs equal interfaces: {a.num_inputs}/{a.num_outputs} "
                              f"vs {b.num_inputs}/{b.num_outputs} inputs/outputs")
    builder = AigBuilder()
    ins = [builder.add_input(n) for n in a.input_names]
    xs = [builder.xor(x, y) for x, y in zip(builder.add_aig(a, ins), builder.add_aig(b, ins))]
    if single_output:
        builder.add_output(builder.or_many(xs), "miter")
    else:
        for x, name in zip(xs, a.output_names):
            builder.add_output(x, name)
    return builder.build()


def relabel(aig: Aig, inputs: Sequence[int], negate: Sequence[bool] | None = None,
            outputs: Sequence[int] | None = None) -> Aig:
    """``aig`` under an input permutation and negation, and an output permutation.

    Old input ``k`` becomes input ``inputs[k]``, complemented where
    ``negate[k]``: the result computes ``f(y)`` with ``x_k = y[inputs[k]] ^
    negate[k]``. Output ``j`` of the result is output ``outputs[j]`` of
    ``aig``. Names move with their inputs and outputs; latches and AND
    nodes keep their order, so the AND count is unchanged. Two equivalent
    circuits relabelled alike stay equivalent.

    Raises:
        CircuitlabError: ``inputs`` or ``outputs`` is not a permutation of the
            circuit's inputs or outputs, or ``negate`` has the wrong length.
    """
    n = aig.num_inputs
    order = np.asarray(inputs, dtype=LIT_DTYPE)
    flip = np.zeros(n, dtype=LIT_DTYPE) if negate is None else np.asarray(negate, dtype=LIT_DTYPE)
    pick = (np.arange(aig.num_outputs) if outputs is None
            else np.asarray(outputs, dtype=LIT_DTYPE))
    if sorted(order.tolist()) != list(range(n)):
        raise CircuitlabError(f"relabel: inputs must permute 0..{n - 1}, got {order.tolist()}")
    if sorted(pick.tolist()) != list(range(aig.num_outputs)):
        raise CircuitlabError(f"relabel: outputs must permute 0..{aig.num_outputs - 1}, "
                              f"got {pick.tolist()}")
    if flip.shape != (n,):
        raise CircuitlabError(f"relabel: negate needs {n} entries, got {flip.size}")
    new_var = np.arange(aig.num_vars, dtype=LIT_DTYPE)
    new_var[1:n + 1] = 1 + order
    complement = np.zeros(aig.num_vars, dtype=LIT_DTYPE)
    complement[1:n + 1] = flip & 1

    def move(lits: np.ndarray) -> np.ndarray:
        return renumber(lits, new_var) ^ complement[lits >> 1]

    names = [""] * n
    for k, name in enumerate(aig.input_names):
        names[int(order[k])] = name
    latches = aig.latches.copy()
    if len(latches):
        latches[:, 0] = move(latches[:, 0])
    return Aig(n, move(aig.ands), move(aig.outputs[pick]), latches, input_names=names,
               output_names=[aig.output_names[j] for j in pick.tolist()],
               latch_names=aig.latch_names, comments=aig.comments, check=False)


def disjoint_union(aigs: Sequence[Aig]) -> Aig:
    """The circuits side by side: inputs, then outputs, concatenated in order.

    Shapes:
        inputs ``sum(I_k)``, ANDs ``sum(A_k)``, outputs ``sum(O_k)``.
    """
    total_inputs = sum(a.num_inputs for a in aigs)
    ands, outputs = [], []
    in_off, and_off = 0, 1 + total_inputs
    for a in aigs:
        first = a.first_and_var
        new_var = np.concatenate([[0], np.arange(1, first) + in_off,
                                  np.arange(a.num_ands) + and_off]).astype(LIT_DTYPE)
        ands.append(renumber(a.ands, new_var))
        outputs.append(renumber(a.outputs, new_var))
        in_off += a.num_inputs
        and_off += a.num_ands
    return Aig(total_inputs, np.concatenate(ands) if ands else np.zeros((0, 2), LIT_DTYPE),
               np.concatenate(outputs) if outputs else (), check=False)


def split_union(union: Aig, shapes: Sequence[tuple[int, int]]) -> list[Aig]:
    """Undo :func:`disjoint_union` on an optimised union, given each part's
    ``(inputs, outputs)``; each part is cleaned of dangling nodes.

    Raises:
        CircuitlabError: an AND node that mixes two parts.
    """
    if (union.num_inputs, union.num_outputs) != tuple(map(sum, zip(*shapes))) and shapes:
        raise CircuitlabError("the union's interface does not match the parts")
    in_sizes = np.array([s[0] for s in shapes], dtype=LIT_DTYPE)
    owner = np.full(union.num_vars, -1, dtype=LIT_DTYPE)
    owner[1:union.first_and_var] = np.repeat(np.arange(len(shapes)), in_sizes)
    own = owner.tolist()
    first = union.first_and_var
    for k, (f0, f1) in enumerate((union.ands >> 1).tolist()):
        o0, o1 = own[f0], own[f1]
        if o0 >= 0 and o1 >= 0 and o0 != o1:
            raise CircuitlabError("an AND node of the union mixes two parts")
        own[first + k] = o0 if o0 >= 0 else o1
    owner = np.array(own, dtype=LIT_DTYPE)
    # local variable numbers: inputs 1..I_k, then the part's ANDs in order
    local = np.zeros(union.num_vars, dtype=LIT_DTYPE)
    in_start = np.concatenate([[0], np.cumsum(in_sizes)])
    local[1:first] = np.arange(first - 1) - np.repeat(in_start[:-1], in_sizes) + 1
    and_owner = owner[first:]
    parts = []
    out_off = 0
    for k, (n_in, n_out) in enumerate(shapes):
        rows = np.flatnonzero(and_owner == k)
        local[first + rows] = n_in + 1 + np.arange(len(rows))
        lits = union.outputs[out_off:out_off + n_out]
        if np.any((lits >> 1 > 0) & (owner[lits >> 1] != k)):
            raise CircuitlabError(f"an output of part {k} lies in another part")
        ands = union.ands[rows]
        parts.append(cleanup(Aig(n_in, renumber(ands, local), renumber(lits, local),
                                 check=False)))
        out_off += n_out
    return parts
