"""Truth-table files (IWLS 2022 contest format).

Format: one line per output, each a string of ``2**n`` characters ``0``/``1``.
The first character is minterm ``2**n - 1`` and the last minterm 0; input
``i`` is bit ``i`` of the minterm index. Blank lines are ignored.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.builder import FALSE, TRUE, AigBuilder
from circuitlab.errors import CircuitlabError, FormatError
from circuitlab.fsutil import write_bytes_atomic
from circuitlab.sim import table_bits, truth_tables

MAX_WRITE_INPUTS = 16


# --- reading -------------------------------------------------------------------
def read_truth_tables(path: str | os.PathLike) -> tuple[int, np.ndarray]:
    """Read a truth-table file as raw functions.

    Returns:
        ``(num_inputs, tables)`` with ``tables[o, m]`` the value of output
        ``o`` on minterm ``m``.

    Shapes:
        tables: ``[num_outputs, 2**num_inputs]`` uint8 of 0/1.

    Raises:
        FormatError: lines of unequal length, a length that is not a power
            of two, or a character other than 0/1, naming the line.
    """
    return parse_truth_tables(_read_text(path), path)


def read_truth(path: str | os.PathLike) -> Aig:
    """Read a truth-table file into an :class:`Aig` built by :func:`truth_to_aig`."""
    num_inputs, tables = read_truth_tables(path)
    return truth_to_aig(tables, num_inputs)


def parse_truth(text: str | bytes, source: str | os.PathLike = "<string>") -> Aig:
    """Parse truth-table text into an :class:`Aig` built by :func:`truth_to_aig`."""
    num_inputs, tables = parse_truth_tables(text, source)
    return truth_to_aig(tables, num_inputs)


def parse_truth_tables(text: str | bytes,
                       source: str | os.PathLike = "<string>") -> tuple[int, np.ndarray]:
    """Parse truth-table text; see :func:`read_truth_tables`."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    rows: list[np.ndarray] = []
    width = None
    first_line = 0
    for number, raw in enumerate(text.split(b"\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        chars = np.frombuffer(line, dtype=np.uint8)
        bad = np.flatnonzero((chars != ord("0")) & (chars != ord("1")))
        if bad.size:
            shown = line[bad[0]:bad[0] + 1].decode("utf-8", "replace")
            raise FormatError(source, f"character {shown!r} at column {int(bad[0]) + 1} "
                                      f"is not 0 or 1", line=number)
        if width is None:
            if len(line) & (len(line) - 1):
                raise FormatError(source, f"length {len(line)} is not a power of two",
                                  line=number)
            width, first_line = len(line), number
        elif len(line) != width:
            raise FormatError(source, f"length {len(line)} differs from {width} "
                                      f"on line {first_line}", line=number)
        rows.append((chars[::-1] - ord("0")).astype(np.uint8))
    if width is None:
        raise FormatError(source, "no truth table in the file", line=1)
    return width.bit_length() - 1, np.stack(rows)


def _read_text(path: str | os.PathLike) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(path, f"cannot read: {exc.strerror or exc}") from None


# --- construction ----------------------------------------------------------------
def truth_to_aig(tables: np.ndarray, num_inputs: int) -> Aig:
    """An AIG computing the given functions, by Shannon decomposition.

    Each function is split on its highest input, ``f = x ? f1 : f0``, down to
    constants; sub-functions are memoised by their table (and its complement),
    across all outputs. The result is the reduced ordered BDD with
    complemented edges (variable order ``x_{n-1}`` first), each node a
    multiplexer of 3 ANDs, or a single AND (or OR) where a cofactor is constant.

    Args:
        tables: ``[num_outputs, 2**num_inputs]`` 0/1, indexed by minterm
            (input ``i`` is bit ``i`` of the index).
        num_inputs: ``n``.

    Raises:
        CircuitlabError: when the table width is not ``2**num_inputs``.
    """
    tables = np.asarray(tables)
    if tables.ndim == 1:
        tables = tables[None, :]
    if tables.ndim != 2 or tables.shape[1] != 1 << num_inputs:
        raise CircuitlabError(f"tables of shape {tables.shape} do not fit {num_inputs} inputs")
    b = AigBuilder()
    inputs = b.add_inputs(num_inputs)
    memo: dict[bytes, int] = {}

    def build(table: np.ndarray) -> int:
        key = table.tobytes()
        hit = memo.get(key)
        if hit is not None:
            return hit
        hit = memo.get((1 - table).tobytes())
        if hit is not None:
            return hit ^ 1
        if not table.any():
            lit = FALSE
        elif table.all():
            lit = TRUE
        else:
            half = len(table) // 2
            f0, f1 = table[:half], table[half:]
            var = inputs[half.bit_length() - 1]
            lit = build(f0) if np.array_equal(f0, f1) else _mux(b, var, build(f1), build(f0))
        memo[key] = lit
        return lit

    for row in tables:
        b.add_output(build(np.ascontiguousarray(row, dtype=np.uint8) & 1))
    return b.build()


def _mux(b: AigBuilder, sel: int, then: int, other: int) -> int:
    """``sel ? then : other``; one AND when a branch is constant, else three."""
    if then in (FALSE, TRUE):
        return b.or_(sel, other) if then == TRUE else b.and_(sel ^ 1, other)
    if other in (FALSE, TRUE):
        return b.or_(sel ^ 1, then) if other == TRUE else b.and_(sel, then)
    return b.mux(sel, then, other)


# --- writing ---------------------------------------------------------------------
def check_truth(aig: Aig) -> None:
    """Raise :class:`CircuitlabError` unless ``aig`` is combinational with at most 16 inputs."""
    if aig.num_inputs > MAX_WRITE_INPUTS:
        raise CircuitlabError(f"truth tables are written for at most {MAX_WRITE_INPUTS} "
                              f"inputs; the circuit has {aig.num_inputs}")
    if not aig.is_combinational:
        raise CircuitlabError(f"truth tables are written for combinational circuits; the "
                              f"circuit has {aig.num_latches} latches (write .aig, .aag or "
                              ".bench instead)")


def dump_truth(aig: Aig) -> str:
    """The truth-table text of a combinational ``aig`` with at most 16 inputs."""
    check_truth(aig)
    tables = table_bits(truth_tables(aig, max_inputs=MAX_WRITE_INPUTS), aig.num_inputs)
    text = (tables[:, ::-1] + ord("0")).astype(np.uint8)
    return "".join(row.tobytes().decode("ascii") + "\n" for row in text)


def write_truth(aig: Aig, path: str | os.PathLike) -> None:
    """Write the truth tables of ``aig`` atomically (first character: minterm ``2**n - 1``).

    Raises:
        CircuitlabError: naming ``path``: ``aig`` has latches or more than
            :data:`MAX_WRITE_INPUTS` inputs.
    """
    try:
        text = dump_truth(aig)
    except CircuitlabError as exc:
        raise CircuitlabError(f"{path}: {exc}") from None
    write_bytes_atomic(path, text.encode("ascii"))
