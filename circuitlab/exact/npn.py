"""NPN canonisation of Boolean functions of up to four inputs.

A function of ``n`` inputs is a truth table held in a Python ``int`` of
``2^n`` bits: bit ``m`` is the value on minterm ``m``, and input ``i`` is
bit ``i`` of ``m``. Two functions are NPN-equivalent when one becomes the
other by permuting inputs, negating inputs and negating the output; the
canonical representative of a class is its smallest table.

Every canonical form of ``n`` inputs is computed at once with numpy the
first time it is asked for, then served from an in-process lookup table.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from circuitlab.errors import CircuitlabError
from circuitlab.sim.tables import table_mask

NPN_MAX_INPUTS = 4


@dataclass(frozen=True)
class NpnTransform:
    """A map from functions of ``n`` inputs to functions of ``n`` inputs.

    Applied to ``f`` it gives ``g(x) = f(z) ^ out_neg`` with
    ``z[i] = x[perm[i]] ^ bit i of neg_mask``: input ``i`` of ``f`` is fed
    by input ``perm[i]`` of ``g``, negated where ``neg_mask`` has bit ``i``.

    Attributes:
        perm: a permutation of ``range(n)``.
        neg_mask: input negations, bit ``i`` for input ``i`` of ``f``.
        out_neg: whether the output is negated.
    """

    perm: tuple[int, ...]
    neg_mask: int
    out_neg: bool


@dataclass(frozen=True)
class NpnResult:
    """The canonical form of a function and the transform that reaches it.

    Attributes:
        canon: the smallest table in the function's NPN class.
        transform: ``apply_transform(table, n, transform) == canon``.
    """

    canon: int
    transform: NpnTransform


def _check(table: int, num_inputs: int) -> None:
    if not 0 <= num_inputs <= NPN_MAX_INPUTS:
        raise CircuitlabError(f"NPN canonisation takes 0 to {NPN_MAX_INPUTS} inputs, "
                              f"got {num_inputs}")
    if not 0 <= table < 1 << (1 << num_inputs):
        raise CircuitlabError(f"truth table {table:#x} does not fit {1 << num_inputs} bits "
                              f"({num_inputs} inputs)")


def _input_transforms(num_inputs: int) -> list[tuple[tuple[int, ...], int]]:
    """All ``(perm, neg_mask)`` pairs, in the order their indices refer to."""
    perms = itertools.permutations(range(num_inputs))
    return [(p, mask) for p in perms for mask in range(1 << num_inputs)]


@functools.lru_cache(maxsize=None)
def transform_sources(num_inputs: int) -> np.ndarray:
    """Minterm of ``f`` read for each minterm of each input-transformed ``f``.

    Row ``k`` belongs to the ``k``-th ``(perm, neg_mask)`` pair, permutations
    in lexicographic order, masks ascending within each; for a 0/1 table
    ``row``, ``row[sources[k]]`` is that transform applied to it (output
    not negated). Works for any ``n``; memory grows as ``n! * 4^n``.

    Shapes:
        returns ``[n! * 2^n, 2^n]`` int64, read-only.
    """
    minterms = np.arange(1 << num_inputs)
    rows = []
    for perm, mask in _input_transforms(num_inputs):
        source = np.zeros_like(minterms)
        for i, p in enumerate(perm):
            source |= (((minterms >> p) & 1) ^ ((mask >> i) & 1)) << i
        rows.append(source)
    sources = np.array(rows, dtype=np.int64).reshape(-1, 1 << num_inputs)
    sources.setflags(write=False)
    return sources


@functools.lru_cache(maxsize=None)
def _canon_lut(num_inputs: int) -> tuple[np.ndarray, np.ndarray]:
    """Canonical table and winning transform index of every function.

    The transform index is ``2 * input_transform + out_neg``; ties go to the
    smallest index.

    Shapes:
        returns ``([2^(2^n)], [2^(2^n)])``, both int64.
    """
    width = 1 << num_inputs
    full = (1 << width) - 1
    tables = np.arange(1 << width, dtype=np.int64)
    best = np.full_like(tables, full + 1)
    best_index = np.zeros_like(tables)
    for index, source in enumerate(transform_sources(num_inputs)):
        moved = np.zeros_like(tables)
        for m, s in enumerate(source.tolist()):
            moved |= ((tables >> s) & 1) << m
        negated = moved ^ full
        out_neg = negated < moved
        candidate = np.where(out_neg, negated, moved)
        better = candidate < best
        best = np.where(better, candidate, best)
        best_index = np.where(better, 2 * index + out_neg, best_index)
    best.setflags(write=False)
    best_index.setflags(write=False)
    return best, best_index


def apply_transform(table: int, num_inputs: int, transform: NpnTransform) -> int:
    """The table of ``transform`` applied to ``table`` (see :class:`NpnTransform`).

    Raises:
        CircuitlabError: for a table wider than ``2^n`` bits or a
            permutation of the wrong length.
    """
    if not 0 <= table < 1 << (1 << num_inputs):
        raise CircuitlabError(f"truth table {table:#x} does not fit {1 << num_inputs} bits "
                              f"({num_inputs} inputs)")
    if sorted(transform.perm) != list(range(num_inputs)):
        raise CircuitlabError(f"{transform.perm} is not a permutation of {num_inputs} inputs")
    result = 0
    for m in range(1 << num_inputs):
        source = 0
        for i, p in enumerate(transform.perm):
            source |= (((m >> p) & 1) ^ ((transform.neg_mask >> i) & 1)) << i
        result |= ((table >> source) & 1) << m
    if transform.out_neg:
        result ^= table_mask(num_inputs)
    return result


def inverse_transform(transform: NpnTransform) -> NpnTransform:
    """The transform that undoes ``transform``."""
    n = len(transform.perm)
    perm = [0] * n
    mask = 0
    for i, p in enumerate(transform.perm):
        perm[p] = i
        mask |= ((transform.neg_mask >> i) & 1) << p
    return NpnTransform(tuple(perm), mask, transform.out_neg)


def npn_canon(table: int, num_inputs: int) -> NpnResult:
    """The NPN canonical form of ``table`` and a transform that reaches it.

    Raises:
        CircuitlabError: for more than four inputs or a table wider than
            ``2^n`` bits.
    """
    _check(table, num_inputs)
    canon, index = _canon_lut(num_inputs)
    code = int(index[table])
    perm, mask = _input_transforms(num_inputs)[code >> 1]
    return NpnResult(int(canon[table]), NpnTransform(perm, mask, bool(code & 1)))


def npn_canon_array(tables: np.ndarray, num_inputs: int) -> np.ndarray:
    """Canonical forms of many tables at once.

    Shapes:
        tables: ``[N]`` integers below ``2^(2^n)``; returns ``[N]`` int64.
    """
    _check(0, num_inputs)
    tables = np.asarray(tables, dtype=np.int64)
    if tables.size and (tables.min() < 0 or tables.max() >= 1 << (1 << num_inputs)):
        raise CircuitlabError(f"a truth table does not fit {1 << num_inputs} bits "
                              f"({num_inputs} inputs)")
    return _canon_lut(num_inputs)[0][tables]


def npn_classes(num_inputs: int) -> list[int]:
    """Sorted canonical tables of every NPN class (4, 14 and 222 for 2, 3, 4 inputs)."""
    _check(0, num_inputs)
    return [int(t) for t in np.unique(_canon_lut(num_inputs)[0])]
