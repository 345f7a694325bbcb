"""Bit-parallel AIG simulation on uint64 words, vectorised level by level.

Each of the ``W`` words of a signal holds 64 input patterns; every level of
AND nodes is evaluated with a handful of numpy operations over a
``[nodes_in_level, W]`` block, so there is no per-node Python loop.
Sequential circuits are simulated on their combinational part
(:meth:`Aig.cut_latches`): latch outputs are extra inputs, next states extra
outputs.
"""

from __future__ import annotations

import functools

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError
from circuitlab.sim.schedule import schedule
from circuitlab.sim.tables import WORD_BITS, mask_tables, words_for
# Node values may occupy at most this many bytes at a time; wider pattern
# sets are simulated in chunks of words.
DEFAULT_MEMORY_BYTES = 512 * 2**20
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


def random_patterns(num_inputs: int, num_words: int, seed: int) -> np.ndarray:
    """Uniform random input words.

    Shapes:
        returns ``[num_inputs, num_words]`` uint64.
    """
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2**64, size=(num_inputs, num_words), dtype=np.uint64)


def _check_patterns(aig: Aig, patterns: np.ndarray) -> np.ndarray:
    patterns = np.asarray(patterns)
    if patterns.ndim != 2 or patterns.shape[0] != aig.num_inputs + aig.num_latches:
        raise CircuitlabError(
            f"patterns must have shape [{aig.num_inputs + aig.num_latches}, words], "
            f"got {list(patterns.shape)}")
    return patterns.astype(np.uint64, copy=False)


def _eval_levels(values: np.ndarray, levels) -> None:
    widest = max((len(lv.nodes) for lv in levels), default=0)
    buf = np.empty((2 * widest, values.shape[1]), dtype=np.uint64)
    take = values.take
    band = np.bitwise_and
    for lv in levels:
        n = len(lv.nodes)
        # One gather for both fan-in columns; indices are valid by construction,
        # and mode="wrap" skips numpy's buffered bounds check.
        ab = take(lv.fanins, axis=0, out=buf[:2 * n], mode="wrap")
        if lv.negs is not None:
            ab ^= lv.negs
        if lv.contiguous:
            first = lv.nodes[0]
            band(ab[:n], ab[n:], out=values[first:first + n])
        else:
            values[lv.nodes] = band(ab[:n], ab[n:])


def _chunk_words(aig: Aig, width: int, memory_bytes: int, num_levels: int) -> int:
    """Words per chunk: small enough to stay in cache, wide enough that each
    level's few numpy calls are amortised, never over ``memory_bytes``."""
    per_word = 8 * aig.num_vars
    cache_fit = (16 * 2**20) // per_word
    avg_width = max(1.0, aig.num_ands / max(1, num_levels))
    amortised = int(4096 / avg_width)
    chunk = max(cache_fit, amortised)
    return int(max(1, min(chunk, memory_bytes // per_word, width)))


def simulate_nodes(aig: Aig, patterns: np.ndarray) -> np.ndarray:
    """Value of every variable under the given input patterns.

    Args:
        aig: the circuit (latch outputs count as inputs, after the real ones).
        patterns: ``[I + L, W]`` uint64 input words.

    Shapes:
        returns ``[num_vars, W]`` uint64; row 0 is constant false.
    """
    patterns = _check_patterns(aig, patterns)
    values = np.empty((aig.num_vars, patterns.shape[1]), dtype=np.uint64)
    values[0] = 0
    values[1:aig.first_and_var] = patterns
    _eval_levels(values, schedule(aig))
    return values


def _lits(values: np.ndarray, lits: np.ndarray) -> np.ndarray:
    out = values[lits >> 1]
    out ^= ((lits & 1).astype(np.uint64) * _ALL)[:, None]
    return out


def simulate(aig: Aig, patterns: np.ndarray,
             memory_bytes: int = DEFAULT_MEMORY_BYTES) -> np.ndarray:
    """Output words (then latch next-state words) under the given patterns.

    The words are processed in chunks so that node values never take more
    than ``memory_bytes``.

    Shapes:
        patterns: ``[I + L, W]`` uint64; returns ``[O + L, W]`` uint64.
    """
    patterns = _check_patterns(aig, patterns)
    roots = np.concatenate([aig.outputs, aig.latches[:, 0]])
    width = patterns.shape[1]
    levels = schedule(aig)
    chunk = _chunk_words(aig, width, memory_bytes, len(levels))
    chunk = -(-width // -(-width // chunk))  # equal chunks
    out = np.empty((len(roots), width), dtype=np.uint64)
    values = np.empty((aig.num_vars, chunk), dtype=np.uint64)
    for start in range(0, width, chunk):
        stop = min(width, start + chunk)
        # np.take copies a non-contiguous source on every call: keep it contiguous.
        v = values if stop - start == chunk else np.empty((aig.num_vars, stop - start),
                                                          dtype=np.uint64)
        v[0] = 0
        v[1:aig.first_and_var] = patterns[:, start:stop]
        _eval_levels(v, levels)
        out[:, start:stop] = _lits(v, roots)
    return out


@functools.lru_cache(maxsize=32)
def _exhaustive_cached(num_inputs: int) -> np.ndarray:
    pats = exhaustive_patterns(num_inputs)
    pats.setflags(write=False)
    return pats


def exhaustive_patterns(num_inputs: int, start_word: int = 0,
                        num_words: int | None = None) -> np.ndarray:
    """Input words enumerating minterms: bit ``m`` of the table is minterm ``m``.

    Input ``i`` is bit ``i`` of the minterm index. For fewer than 6 inputs
    the single word repeats the ``2^n`` patterns.

    Shapes:
        returns ``[num_inputs, num_words]`` uint64 covering words
        ``start_word .. start_word + num_words - 1``.
    """
    total = words_for(num_inputs)
    if num_words is None:
        num_words = total - start_word
    words = np.arange(start_word, start_word + num_words, dtype=np.uint64)
    pats = np.empty((num_inputs, num_words), dtype=np.uint64)
    bit = np.arange(WORD_BITS, dtype=np.uint64)
    for i in range(num_inputs):
        if i < 6:
            word = np.uint64(int(np.bitwise_or.reduce(((bit >> np.uint64(i)) & np.uint64(1)) << bit)))
            pats[i] = word
        else:
            pats[i] = np.where((words >> np.uint64(i - 6)) & np.uint64(1), _ALL, np.uint64(0))
    return pats


MAX_EXHAUSTIVE_INPUTS = 16


def truth_tables(aig: Aig, memory_bytes: int = DEFAULT_MEMORY_BYTES,
                 max_inputs: int = MAX_EXHAUSTIVE_INPUTS,
                 num_inputs: int | None = None) -> np.ndarray:
    """Truth tables of all outputs (and latch next states) over all minterms.

    Bit ``m % 64`` of word ``m // 64`` is the value on minterm ``m``; with
    fewer than 6 inputs the bits above ``2^n`` are zero
    (:mod:`circuitlab.sim.tables` converts them to ints and back).

    Args:
        num_inputs: ``n``, the minterm space, at least ``I + L`` (the
            default): the variables beyond the circuit's are ignored.

    Shapes:
        returns ``[O + L, max(1, 2^n / 64)]`` uint64, ``n = I + L`` by default.

    Raises:
        CircuitlabError: for more than ``max_inputs`` inputs, or ``num_inputs`` below ``I + L``.
    """
    used = aig.num_inputs + aig.num_latches
    n = used if num_inputs is None else num_inputs
    if n < used:
        raise CircuitlabError(f"a table over {n} inputs cannot hold a circuit of {used}")
    if n > max_inputs:
        raise CircuitlabError(f"exhaustive simulation of {n} inputs exceeds the limit of "
                              f"{max_inputs}")
    return mask_tables(simulate(aig, _exhaustive_cached(n)[:used], memory_bytes), n)


def table_bits(tables: np.ndarray, num_inputs: int) -> np.ndarray:
    """Unpack word tables to ``[rows, 2^n]`` uint8, index = minterm."""
    bits = np.unpackbits(tables.view(np.uint8).reshape(len(tables), -1), axis=1,
                         bitorder="little")
    return bits[:, :1 << num_inputs]


def signal_probabilities(aig: Aig, num_words: int = 64, seed: int = 0) -> np.ndarray:
    """Fraction of random patterns under which each variable is 1.

    Shapes:
        returns ``[num_vars]`` float64.
    """
    n = aig.num_inputs + aig.num_latches
    values = simulate_nodes(aig, random_patterns(n, num_words, seed))
    return np.bitwise_count(values).sum(axis=1) / (WORD_BITS * num_words)


def node_signatures(aig: Aig, num_words: int = 4, seed: int = 0) -> np.ndarray:
    """Random-simulation signatures of every variable (equal signatures hint at
    equivalent nodes; they never prove it).

    Shapes:
        returns ``[num_vars, num_words]`` uint64.
    """
    n = aig.num_inputs + aig.num_latches
    return simulate_nodes(aig, random_patterns(n, num_words, seed))
