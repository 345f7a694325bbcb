"""Truth-table conversions: uint64 word rows <-> Python ints, masking to ``2^n`` bits.

A table over ``n`` inputs has ``2^n`` bits, bit ``m`` the value on minterm
``m``. As words it is ``max(1, 2^n / 64)`` uint64 values, low word first
(bit ``m % 64`` of word ``m // 64``); with fewer than 6 inputs the bits of
the single word above ``2^n`` are zero once masked. As a Python int it is
the same bits, bit ``m`` of the integer. :func:`table_mask` and
:func:`projections` come from :mod:`circuitlab.aig.tables`, which evaluates
circuits on such ints.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from circuitlab.aig.tables import projections, table_mask
from circuitlab.errors import CircuitlabError

__all__ = ["bits_to_int", "int_to_bits", "int_to_words", "mask_tables", "projections", "table_mask",
           "table_to_int", "tables_to_ints", "words_for"]

WORD_BITS = 64


def words_for(num_inputs: int) -> int:
    """Words of one table over ``num_inputs`` inputs."""
    return max(1, (1 << num_inputs) // WORD_BITS)


def mask_tables(tables: np.ndarray, num_inputs: int) -> np.ndarray:
    """Clear, in place, the bits above ``2^n`` of ``[..., W]`` uint64 tables; returns them."""
    if num_inputs < 6:
        tables &= np.uint64(table_mask(num_inputs))
    return tables


def table_to_int(words: np.ndarray) -> int:
    """``[W]`` words (uint64, or int64 read as its bits) as one int."""
    return int.from_bytes(np.asarray(words).astype("<u8").tobytes(), "little")


def tables_to_ints(tables: Iterable[np.ndarray]) -> list[int]:
    """Each row of ``[T, W]`` word tables as an int."""
    return [table_to_int(row) for row in tables]


def int_to_words(table: int, num_words: int) -> np.ndarray:
    """An int table as ``[num_words]`` uint64 words.

    Raises:
        CircuitlabError: ``table`` is negative or needs more than ``num_words`` words.
    """
    if not 0 <= table < 1 << (WORD_BITS * num_words):
        raise CircuitlabError(f"table {table:#x} does not fit in {num_words} words")
    return np.frombuffer(table.to_bytes(8 * num_words, "little"), dtype="<u8").astype(np.uint64)


def int_to_bits(table: int, num_inputs: int) -> np.ndarray:
    """An int table as ``[2^n]`` uint8 0/1, index = minterm (bits above ``2^n`` dropped)."""
    size = 1 << num_inputs
    raw = np.frombuffer((table & table_mask(num_inputs)).to_bytes(-(-size // 8), "little"),
                        dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:size]


def bits_to_int(bits: np.ndarray) -> int:
    """``[2^n]`` 0/1 values, index = minterm, as an int."""
    return int.from_bytes(np.packbits(np.asarray(bits, dtype=np.uint8), bitorder="little")
                          .tobytes(), "little")
