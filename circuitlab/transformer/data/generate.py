"""Seeded random source circuits for Circuit Transformer training pairs.

Two families, both small combinational circuits whose outputs each hold at
least one AND node and are neither constant nor a bare input (checked on
the exhaustive truth table):

* :func:`random_circuits`: random AND graphs drawn node by node;
* :func:`truth_circuits`: random *structured* functions (small sums of
  products, compositions of small random functions, symmetric functions)
  built by :func:`circuitlab.io.truth_to_aig`.

Reproducibility: circuit ``k`` of a batch drawn with ``seed`` comes from its
own generator, ``numpy.random.default_rng(SeedSequence(seed, spawn_key=(k,)))``,
so it depends only on ``(seed, k)`` and the other arguments, never on
``count``, ``start`` or on how the indices are split between worker
processes; the same call returns identical circuits on every platform.

Reference: Li et al., "Circuit Transformer: A Transformer That Preserves
Logical Equivalence", ICLR 2025, https://openreview.net/forum?id=kpnW12Lm9p
"""

from __future__ import annotations

import math

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.builder import AigBuilder
from circuitlab.aig.ops import cleanup
from circuitlab.aig.tables import node_tables, table_mask
from circuitlab.errors import CircuitlabError
from circuitlab.io.truth import truth_to_aig

__all__ = ["MAX_INPUTS", "check_sizes", "circuit_rng", "random_circuit", "random_circuits",
           "truth_circuit", "truth_circuits"]

MAX_INPUTS = 16          # functions are checked on exhaustive truth tables
_ATTEMPTS = 200          # redraws before a request is declared impossible
_UNIFORM_FANIN = 0.3     # share of fan-ins drawn uniformly among all signals
_UNUSED_FANIN = 0.2      # share drawn among signals that nothing reads yet
# the rest favour recent nodes
_RECENT_SCALE = 3.0      # mean distance back from the newest node of a "recent" fan-in
_LOG_KEEP = math.log1p(-1.0 / _RECENT_SCALE)
_TRUTH_KINDS = ("sop", "composed", "symmetric")


def circuit_rng(seed: int, index: int) -> np.random.Generator:
    """The generator of circuit ``index`` in a batch drawn with ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(index),)))


def check_sizes(num_inputs: int, num_outputs: int, ands: tuple[int, int]) -> tuple[int, int]:
    """Validate circuit sizes; returns ``ands`` as a pair of ints.

    Raises:
        CircuitlabError: naming the argument that is out of range.
    """
    if not isinstance(num_inputs, (int, np.integer)) or not 1 <= num_inputs <= MAX_INPUTS:
        raise CircuitlabError(f"num_inputs must be an integer in 1..{MAX_INPUTS} (outputs are "
                              f"checked on exhaustive truth tables), got {num_inputs!r}")
    if not isinstance(num_outputs, (int, np.integer)) or num_outputs < 1:
        raise CircuitlabError(f"num_outputs must be a positive integer, got {num_outputs!r}")
    try:
        lo, hi = (int(x) for x in ands)
    except (TypeError, ValueError):
        raise CircuitlabError(f"ands must be a (lowest, highest) pair of integers, "
                              f"got {ands!r}") from None
    if not 1 <= lo <= hi:
        raise CircuitlabError(f"ands range ({lo}, {hi}) must satisfy 1 <= lowest <= highest")
    return lo, hi


def _check_count(count: int, start: int = 0) -> None:
    if not isinstance(count, (int, np.integer)) or count < 0:
        raise CircuitlabError(f"count must be a non-negative integer, got {count!r}")
    if not isinstance(start, (int, np.integer)) or start < 0:
        raise CircuitlabError(f"start must be a non-negative integer, got {start!r}")


# --- random AND graphs ---------------------------------------------------------
def random_circuit(num_inputs: int, num_outputs: int, num_ands: int,
                   rng: np.random.Generator) -> Aig:
    """A random combinational AIG.

    ``num_ands`` AND nodes are drawn one by one; each fan-in is, with
    probability 0.3, any earlier signal (input or AND), else a recent one
    (geometric distance back from the newest, mean 3), so the graph is deep
    rather than a wide two-level cloud. Fan-in edges are complemented with
    probability 1/2; a pair that strashing folds or merges is redrawn.
    Output 0 is the newest node; the others are distinct functions (where
    there are enough) drawn among the last quarter of the nodes; each
    output is randomly complemented; a node that is
    functionally constant or equal to an input (or its complement) is never
    an output. Nodes outside the outputs' cones are then removed, so the
    result has at most ``num_ands`` ANDs; all ``num_inputs`` inputs stay in
    the interface even when unused.

    Raises:
        CircuitlabError: sizes out of range, or no valid circuit after 200 draws.
    """
    check_sizes(num_inputs, num_outputs, (num_ands, num_ands))
    for _ in range(_ATTEMPTS):
        aig = _draw_graph(num_inputs, num_outputs, int(num_ands), rng)
        if aig is not None:
            return aig
    raise CircuitlabError(f"no random circuit with {num_inputs} inputs and {num_ands} ANDs "
                          f"has a non-trivial output after {_ATTEMPTS} draws")


def _pick(u_mode: float, u_dist: float, n: int, unused: list[int]) -> int:
    """Index of a fan-in among ``n`` signals (newest last)."""
    if u_mode < _UNIFORM_FANIN:
        return min(n - 1, int(u_dist * n))
    if u_mode < _UNIFORM_FANIN + _UNUSED_FANIN and unused:
        return unused[min(len(unused) - 1, int(u_dist * len(unused)))]
    back = int(math.log1p(-u_dist) / _LOG_KEEP)  # geometric, mean ~3
    return max(0, n - 1 - back)


def _draw_graph(num_inputs: int, num_outputs: int, num_ands: int,
                rng: np.random.Generator) -> Aig | None:
    b = AigBuilder()
    signals = b.add_inputs(num_inputs)
    unused = list(range(num_inputs))       # signal indices nothing reads yet
    for _ in range(20):
        if b.num_ands == num_ands:
            break
        for u in rng.random((2 * num_ands + 8, 6)).tolist():
            if b.num_ands == num_ands:
                break
            n = len(signals)
            i, j = _pick(u[0], u[1], n, unused), _pick(u[3], u[4], n, unused)
            cx, cy = u[2] < 0.5, u[5] < 0.5
            before = b.num_ands
            lit = b.and_(signals[i] ^ cx, signals[j] ^ cy)
            if b.num_ands == before:
                continue
            for used in {i, j}:
                if used in unused:
                    unused.remove(used)
            unused.append(n)
            signals.append(lit)
    graph = b.build()
    tables = node_tables(graph)[1:]      # signal k is variable k + 1
    candidates = _valid_nodes(tables, num_inputs, table_mask(num_inputs))
    if not candidates:
        return None
    # the newest valid node, then distinct others among the last quarter
    pool = candidates[-max(num_outputs, -(-len(candidates) // 4)):-1]
    rest = num_outputs - 1
    others = rng.choice(np.array(pool or candidates), size=rest,
                        replace=len(pool) < rest) if rest else np.zeros(0, np.int64)
    chosen = np.concatenate([[candidates[-1]], others])
    flips = rng.integers(0, 2, size=num_outputs)
    outputs = 2 * (chosen.astype(np.int64) + 1) + flips
    return cleanup(Aig(num_inputs, graph.ands, outputs, check=False))


def _valid_nodes(tables: list[int], num_inputs: int, mask: int) -> list[int]:
    """Signal indices of ANDs whose function is neither constant nor a literal,
    one per function (up to complement), newest kept, in creation order."""
    seen = {0, mask}
    seen.update(tables[:num_inputs])
    seen.update(t ^ mask for t in tables[:num_inputs])
    keep = []
    for k in range(len(tables) - 1, num_inputs - 1, -1):
        if tables[k] in seen:
            continue
        seen.add(tables[k])
        seen.add(tables[k] ^ mask)
        keep.append(k)
    return keep[::-1]


def random_circuits(count: int, seed: int, num_inputs: int = 8, num_outputs: int = 2,
                    ands: tuple[int, int] = (20, 60), start: int = 0) -> list[Aig]:
    """Circuits ``start .. start + count - 1`` of the random family drawn with ``seed``.

    Circuit ``k`` draws its AND count uniformly from ``ands`` (inclusive)
    with :func:`circuit_rng` ``(seed, k)`` and is then built by
    :func:`random_circuit` with the same generator: identical for the same
    ``(seed, k)`` whatever ``count`` and ``start`` are.

    Raises:
        CircuitlabError: a negative ``count`` or ``start``, or sizes out of range.
    """
    lo, hi = check_sizes(num_inputs, num_outputs, ands)
    _check_count(count, start)
    out = []
    for k in range(start, start + count):
        rng = circuit_rng(seed, k)
        out.append(random_circuit(num_inputs, num_outputs, int(rng.integers(lo, hi + 1)), rng))
    return out


# --- structured truth tables -------------------------------------------------------
def _minterm_bits(num_inputs: int) -> np.ndarray:
    """``[n, 2^n]`` bool: value of input ``i`` on minterm ``m``."""
    m = np.arange(1 << num_inputs)
    return ((m[None, :] >> np.arange(num_inputs)[:, None]) & 1).astype(bool)


def _sop(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """OR of 1-4 random cubes of 2..n literals."""
    n = len(x)
    f = np.zeros(x.shape[1], dtype=bool)
    for _ in range(int(rng.integers(1, 5))):
        size = int(rng.integers(min(2, n), n + 1))
        cube = np.ones(x.shape[1], dtype=bool)
        for i, neg in zip(rng.choice(n, size=size, replace=False).tolist(),
                          rng.integers(0, 2, size=size).tolist()):
            cube &= x[i] ^ bool(neg)
        f |= cube
    return f


def _small_function(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random function of 2-4 random inputs."""
    n = len(x)
    k = int(rng.integers(min(2, n), min(4, n) + 1))
    support = rng.choice(n, size=k, replace=False)
    table = rng.integers(0, 2, size=1 << k).astype(bool)
    index = np.zeros(x.shape[1], dtype=np.int64)
    for j, i in enumerate(support.tolist()):
        index |= x[i].astype(np.int64) << j
    return table[index]


def _composed(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """2-4 random small functions chained by random AND / OR / XOR."""
    f = _small_function(x, rng)
    for _ in range(int(rng.integers(1, 4))):
        g = _small_function(x, rng)
        op = int(rng.integers(0, 3))
        f = (f & g) if op == 0 else (f | g) if op == 1 else (f ^ g)
    return f


def _symmetric(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random symmetric function (value by popcount) of 3..n random inputs,
    some of them complemented: parity, majority and thresholds are special cases."""
    n = len(x)
    k = int(rng.integers(min(3, n), n + 1))
    support = rng.choice(n, size=k, replace=False).tolist()
    negs = rng.integers(0, 2, size=k).tolist()
    count = sum((x[i] ^ bool(neg)).astype(np.int64) for i, neg in zip(support, negs))
    return rng.integers(0, 2, size=k + 1).astype(bool)[count]


_MAKERS = {"sop": _sop, "composed": _composed, "symmetric": _symmetric}


def truth_circuit(num_inputs: int, num_outputs: int, rng: np.random.Generator,
                  ands: tuple[int, int] = (1, 200)) -> Aig:
    """An AIG of random structured functions, one per output.

    Each output's function is drawn from one of three families, chosen
    uniformly: ``"sop"`` (an OR of 1-4 random cubes of 2..n literals),
    ``"composed"`` (2-4 random functions of 2-4 random inputs chained by
    random AND/OR/XOR) and ``"symmetric"`` (a random function of the
    popcount of 3..n random, randomly complemented inputs). A draw is
    rejected when an output is constant or a literal, or when the AIG that
    :func:`circuitlab.io.truth_to_aig` builds (a reduced ordered BDD of
    multiplexers) has an AND count outside ``ands``.

    Raises:
        CircuitlabError: sizes out of range, or no accepted draw after 200 tries.
    """
    lo, hi = check_sizes(num_inputs, num_outputs, ands)
    x = _minterm_bits(num_inputs)
    literals = np.concatenate([x, ~x, np.zeros((1, x.shape[1]), bool),
                               np.ones((1, x.shape[1]), bool)])
    for _ in range(_ATTEMPTS):
        tables = []
        for _o in range(num_outputs):
            kind = _TRUTH_KINDS[int(rng.integers(0, len(_TRUTH_KINDS)))]
            tables.append(_MAKERS[kind](x, rng))
        tables = np.stack(tables)
        trivial = (tables[:, None, :] == literals[None, :, :]).all(axis=2).any(axis=1)
        if trivial.any():
            continue
        aig = truth_to_aig(tables.astype(np.uint8), num_inputs)
        if lo <= aig.num_ands <= hi:
            return aig
    raise CircuitlabError(f"no structured function of {num_inputs} inputs and "
                          f"{num_outputs} outputs fits {lo}..{hi} ANDs after {_ATTEMPTS} draws")


def truth_circuits(count: int, seed: int, num_inputs: int = 8, num_outputs: int = 2,
                   ands: tuple[int, int] = (1, 200), start: int = 0) -> list[Aig]:
    """Circuits ``start .. start + count - 1`` of the structured-function family.

    Circuit ``k`` is :func:`truth_circuit` with :func:`circuit_rng` ``(seed, k)``,
    reproducible as :func:`random_circuits`.

    Raises:
        CircuitlabError: a negative ``count`` or ``start``, or sizes out of range.
    """
    check_sizes(num_inputs, num_outputs, ands)
    _check_count(count, start)
    return [truth_circuit(num_inputs, num_outputs, circuit_rng(seed, k), ands)
            for k in range(start, start + count)]
