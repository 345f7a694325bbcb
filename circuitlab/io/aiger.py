"""AIGER reading, ASCII (``aag``) and binary (``aig``); writing is in
:mod:`circuitlab.io.aiger_write` (re-exported here).

Format: https://fmv.jku.at/aiger/, AIGER 1.9 included: the header
``M I L O A [B C J F]`` may announce bad-state properties (B), invariant
constraints (C), justice properties (J, each a list of literals) and fairness
constraints (F), with symbols ``b<k>``, ``c<k>``, ``j<k>``, ``f<k>``. All four
sections are parsed and checked (:func:`parse_aiger_properties` returns them).
An :class:`~circuitlab.aig.Aig` has outputs only, so :func:`read_aiger`
takes bad-state properties as extra outputs when asked (``bad_as_outputs``;
ABC writes a sequential circuit's outputs that way after ``dc2``/``fraig``)
and otherwise refuses the file with a message that counts them; C, J and F
sections, whose meaning an output cannot carry, are always refused.

The header is checked against the file's size before anything is allocated:
in a binary file every latch, output and property needs a line (at least two
bytes) and every AND at least two bytes of deltas; binary inputs take no
bytes, so their count is capped at :data:`MAX_BINARY_INPUTS`. In an ASCII
file every signal needs a line, which the reader finds (or reports missing)
without allocating more than the file's size.

The binary AND section is decoded with vectorised numpy (no per-node Python
loop), so reading a large circuit costs about as much as a C++ reader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from circuitlab.aig.aig import LIT_DTYPE, Aig
from circuitlab.errors import CircuitlabError, FormatError
from circuitlab.io.aiger_ascii import AsciiRenumber
from circuitlab.io.aiger_write import dump_aiger, encode_deltas, write_aiger

__all__ = ["MAX_BINARY_INPUTS", "AigerProperties", "dump_aiger", "encode_deltas",
           "parse_aiger", "parse_aiger_properties", "read_aiger", "write_aiger"]

MAX_BINARY_INPUTS = 1 << 22  # far above any published benchmark; names cost ~60 B each
_MAX_VARINT_BYTES = 9  # 63 bits of payload fit int64
_SECTIONS = ("i", "l", "o", "b", "c", "j", "f")
_KIND = {"i": "input", "l": "latch", "o": "output", "b": "bad-state property",
         "c": "invariant constraint", "j": "justice property", "f": "fairness constraint"}


@dataclass(frozen=True)
class AigerProperties:
    """The AIGER 1.9 property sections of a file, as literals of the :class:`Aig`
    read with them (same numbering), and their names (``b<k>`` etc. by default)."""

    bad: tuple[int, ...] = ()
    constraints: tuple[int, ...] = ()
    justice: tuple[tuple[int, ...], ...] = ()
    fairness: tuple[int, ...] = ()
    bad_names: tuple[str, ...] = ()
    constraint_names: tuple[str, ...] = ()
    justice_names: tuple[str, ...] = ()
    fairness_names: tuple[str, ...] = ()

    def unsupported(self) -> str:
        """The C, J and F sections in words ('' when there are none)."""
        parts = [f"{n} {what}{'s' if n != 1 else ''}" for n, what in (
            (len(self.constraints), "invariant constraint"), (len(self.justice), "justice property"),
            (len(self.fairness), "fairness constraint")) if n]
        return ", ".join(parts).replace("propertys", "properties")


def read_aiger(path: str | os.PathLike, *, bad_as_outputs: bool = False) -> Aig:
    """Read an AIGER file (ASCII or binary, told apart by its header).

    Args:
        bad_as_outputs: append the bad-state properties (AIGER 1.9 ``B``
            section) as outputs, named by their ``b<k>`` symbols (default
            ``b<k>``); without it a file that has any is refused.

    Raises:
        FormatError: naming the file and the line (or byte offset) at fault;
            also for property sections an Aig cannot hold (see the module).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_aiger(data, path, bad_as_outputs=bad_as_outputs)


def parse_aiger(data: bytes, source: str | os.PathLike = "<bytes>", *,
                bad_as_outputs: bool = False) -> Aig:
    """Parse AIGER bytes; ``source`` names the input in error messages
    (``bad_as_outputs`` as in :func:`read_aiger`)."""
    aig, props = parse_aiger_properties(data, source)
    if props.unsupported():
        raise FormatError(source, f"the file has {props.unsupported()} (AIGER 1.9), which "
                                  "circuitlab cannot represent", line=1)
    if not props.bad:
        return aig
    if not bad_as_outputs:
        n = len(props.bad)
        raise FormatError(source, f"the file has {n} bad-state propert{'y' if n == 1 else 'ies'} "
                                  f"(AIGER 1.9 B section) and {aig.num_outputs} outputs; read "
                                  "them as outputs with --bad-as-outputs", line=1)
    return Aig(aig.num_inputs, aig.ands, np.concatenate([aig.outputs, props.bad]), aig.latches,
               input_names=aig.input_names, latch_names=aig.latch_names,
               output_names=aig.output_names + props.bad_names, comments=aig.comments)


def parse_aiger_properties(data: bytes, source: str | os.PathLike = "<bytes>"
                           ) -> tuple[Aig, AigerProperties]:
    """The circuit (outputs only) and the property sections of AIGER bytes.

    Raises:
        FormatError: naming the source and the line (or byte offset) at fault.
    """
    try:
        return _Parser(data, str(source)).parse()
    except FormatError:
        raise
    except CircuitlabError as exc:  # structural problems found by Aig itself
        raise FormatError(source, str(exc)) from None
    except (ValueError, IndexError, OverflowError, UnicodeDecodeError) as exc:
        raise FormatError(source, f"malformed AIGER ({exc})") from None


class _Parser(AsciiRenumber):
    def __init__(self, data: bytes, source: str):
        self.data = data
        self.source = source

    def fail(self, message: str, line: int | None = None, offset: int | None = None):
        raise FormatError(self.source, message, line=line, offset=offset)

    def parse(self) -> tuple[Aig, AigerProperties]:
        end = self.data.find(b"\n")
        if end < 0:
            self.fail("no header line", line=1)
        fields = self.data[:end].split()
        if not fields or fields[0] not in (b"aig", b"aag"):
            self.fail("header must start with 'aig' or 'aag'", line=1)
        if not 6 <= len(fields) <= 10 or not all(f.isdigit() for f in fields[1:]):
            self.fail("header must be 'aig M I L O A [B C J F]' with non-negative integers",
                      line=1)
        counts = [int(f) for f in fields[1:]] + [0] * (10 - len(fields))
        self.header_len = end + 1
        self.check_size(fields[0] == b"aig", *counts)
        if fields[0] == b"aig":
            return self.parse_binary(*counts)
        return self.parse_ascii(*counts)

    def check_size(self, binary: bool, m, i, l, o, a, b, c, j, f) -> None:
        """Refuse a header that the file's size cannot back (before allocating)."""
        rest = len(self.data) - self.header_len
        if binary:
            if m != i + l + a:
                self.fail(f"binary AIGER needs M = I + L + A, got M={m}, I+L+A={i + l + a}",
                          line=1)
            if i > MAX_BINARY_INPUTS:
                self.fail(f"header declares {i} inputs; circuitlab reads binary AIGER with at "
                          f"most {MAX_BINARY_INPUTS}", line=1)
            need = 2 * (l + o + b + c + j + f + a) - 1
            if need > rest:
                self.fail(f"header declares {l + o + b + c + j + f} lines and {a} AND gates, "
                          f"which need at least {need} bytes; the file has {rest} after the "
                          "header", line=1)
            return
        # ASCII: every count is backed by lines, which split_lines finds or
        # reports missing without allocating more than the file.
        if m < i + l + a:
            self.fail(f"M={m} is below I + L + A = {i + l + a}", line=1)

    # --- shared pieces ---------------------------------------------------
    def line_at(self, pos: int) -> int:
        return self.data.count(b"\n", 0, pos) + 1

    def split_lines(self, start: int, count: int) -> tuple[list[bytes], int]:
        """``count`` text lines from byte ``start``; returns them and the end offset."""
        if count == 0:
            return [], start
        parts = self.data[start:].split(b"\n", count)
        if len(parts) <= count:
            got = len(parts) - (1 if parts and parts[-1] == b"" else 0)
            self.fail(f"file ends after {got} of {count} expected lines",
                      line=self.line_at(start) + got)
        lines = parts[:count]
        return lines, start + sum(len(x) for x in lines) + count

    def ints(self, lines: list[bytes], first_line: int, width: tuple[int, ...], what: str):
        """Parse lines of integers with one of the allowed field counts; rows padded with -1."""
        if not lines:
            return np.zeros((0, max(width)), dtype=LIT_DTYPE)
        rows = [ln.split() for ln in lines]
        ncol = max(width)
        out = np.full((len(rows), ncol), -1, dtype=LIT_DTYPE)
        for k, row in enumerate(rows):
            if len(row) not in width or not all(x.isdigit() for x in row):
                shown = lines[k][:40].decode("latin-1")
                self.fail(f"bad {what} line {shown!r}", line=first_line + k)
            out[k, :len(row)] = [int(x) for x in row]
        return out

    def read_properties(self, pos: int, line: int, b: int, c: int, j: int, f: int):
        """The B, C, J (sizes, then literals) and F lines from byte ``pos`` (file
        line ``line``): their literals in file order, each one's line, the
        justice sizes, and the end offset."""
        lines, pos = self.split_lines(pos, b + c + j)
        rows = self.ints(lines, line, (1,), "property")[:, 0]
        sizes = rows[b + c:]
        total = int(sizes.sum())
        lines2, pos = self.split_lines(pos, total + f)
        rows2 = self.ints(lines2, line + b + c + j, (1,), "justice or fairness")[:, 0]
        lits = np.concatenate([rows[:b + c], rows2])
        at = np.concatenate([np.arange(line, line + b + c),
                             np.arange(line + b + c + j, line + b + c + j + total + f)])
        return lits, at, sizes, pos

    @staticmethod
    def properties(lits, sizes, counts, names) -> AigerProperties:
        b, c, j, f = counts
        cuts = np.cumsum(sizes)[:-1] if len(sizes) else []
        justice = np.split(lits[b + c:len(lits) - f], cuts) if j else []
        return AigerProperties(
            tuple(int(x) for x in lits[:b]), tuple(int(x) for x in lits[b:b + c]),
            tuple(tuple(int(x) for x in just) for just in justice),
            tuple(int(x) for x in lits[len(lits) - f:]) if f else (),
            *(tuple(_Parser.fill(names[k], k)) for k in "bcjf"))

    def check_lits(self, lits: np.ndarray, at: np.ndarray, m: int) -> None:
        bad = np.flatnonzero((lits < 0) | (lits > 2 * m + 1))
        if bad.size:
            k = int(bad[0])
            self.fail(f"literal {int(lits[k])} exceeds maximum variable index {m}",
                      line=int(at[k]))

    def parse_symbols(self, start: int, counts: dict[str, int], line_no: int):
        names: dict[str, list[str | None]] = {k: [None] * n for k, n in counts.items()}
        comments: list[str] = []
        lines = self.data[start:].split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for k, ln in enumerate(lines):
            if ln.rstrip(b"\r") == b"c":
                comments = [c.decode("utf-8", "replace") for c in lines[k + 1:]]
                break
            kind, _, rest = ln.partition(b" ")
            prefix = kind[:1].decode("latin-1")
            table = names.get(prefix)
            pos = kind[1:]
            if table is None or not pos.isdigit() or not rest:
                shown = ln[:40].decode("latin-1")
                self.fail(f"bad symbol table entry {shown!r}", line=line_no + k)
            idx = int(pos)
            if idx >= len(table):
                self.fail(f"symbol {kind.decode()} refers to a missing {_KIND[prefix]}",
                          line=line_no + k)
            table[idx] = rest.decode("utf-8", "replace")
        return names, comments

    @staticmethod
    def fill(names: list[str | None], prefix: str) -> list[str]:
        return [n if n is not None else f"{prefix}{k}" for k, n in enumerate(names)]

    def build(self, i, ands, outputs, latches, names, comments) -> Aig:
        return Aig(i, ands, outputs, latches,
                   input_names=self.fill(names["i"], "i"), output_names=self.fill(names["o"], "o"),
                   latch_names=self.fill(names["l"], "l"), comments=comments)

    # --- binary ----------------------------------------------------------
    def parse_binary(self, m, i, l, o, a, b, c, j, f) -> tuple[Aig, AigerProperties]:
        lines, pos = self.split_lines(self.header_len, l + o)
        latch_rows = self.ints(lines[:l], 2, (1, 2), "latch")
        out_rows = self.ints(lines[l:], 2 + l, (1,), "output")
        plits, plines, sizes, pos = self.read_properties(pos, 2 + l + o, b, c, j, f)
        self.check_lits(plits, plines, m)
        init = latch_rows[:, 1].copy() if l else np.zeros(0, dtype=LIT_DTYPE)
        init[init < 0] = 0
        # AIGER 1.9: init may be 0, 1, or the latch's own literal (uninitialised).
        own = 2 * np.arange(i + 1, i + l + 1, dtype=LIT_DTYPE)
        latch_init = np.where(init == own, 2, init)
        ands, pos = self.decode_ands(pos, i + l + 1, a)
        line_no = self.line_at(pos) if pos < len(self.data) else 0
        names, comments = self.parse_symbols(pos, dict(zip(_SECTIONS, (i, l, o, b, c, j, f))),
                                             line_no)
        latches = np.stack([latch_rows[:, 0], latch_init], axis=1) if l \
            else np.zeros((0, 2), dtype=LIT_DTYPE)
        bad = np.flatnonzero(~np.isin(latch_init, (0, 1, 2)))
        if bad.size:
            self.fail(f"latch {int(bad[0])} has an invalid reset value", line=2 + int(bad[0]))
        aig = self.build(i, ands, out_rows[:, 0], latches, names, comments)
        return aig, self.properties(plits, sizes, (b, c, j, f), names)

    def decode_ands(self, start: int, first_var: int, count: int) -> tuple[np.ndarray, int]:
        if count == 0:
            return np.zeros((0, 2), dtype=LIT_DTYPE), start
        buf = np.frombuffer(self.data, dtype=np.uint8, offset=start)
        ends = np.flatnonzero(buf < 0x80)
        need = 2 * count
        if len(ends) < need:
            self.fail(f"AND section truncated: {len(ends) // 2} of {count} AND gates present",
                      offset=len(self.data))
        ends = ends[:need]
        seg = buf[:ends[-1] + 1]
        starts = np.empty(need, dtype=np.int64)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        lengths = ends - starts + 1
        if lengths.max() > _MAX_VARINT_BYTES:
            k = int(np.argmax(lengths > _MAX_VARINT_BYTES))
            self.fail("delta too large for a literal", offset=start + int(starts[k]))
        payload = (seg & 0x7F).astype(np.int64)
        nums = payload[starts]
        for p in range(1, int(lengths.max())):  # one pass per byte position, usually 1-3
            longer = np.flatnonzero(lengths > p)
            nums[longer] |= payload[starts[longer] + p] << (7 * p)
        lhs = 2 * np.arange(first_var, first_var + count, dtype=np.int64)
        rhs0 = lhs - nums[0::2]
        rhs1 = rhs0 - nums[1::2]
        bad = np.flatnonzero((nums[0::2] <= 0) | (rhs1 < 0))
        if bad.size:
            k = int(bad[0])
            self.fail(f"AND gate {k} (literal {int(lhs[k])}) has invalid deltas",
                      offset=start + int(starts[2 * k]))
        return np.stack([rhs0, rhs1], axis=1), start + int(ends[-1]) + 1

    # --- ASCII -----------------------------------------------------------
    def parse_ascii(self, m, i, l, o, a, b, c, j, f) -> tuple[Aig, AigerProperties]:
        lines, pos = self.split_lines(self.header_len, i + l + o)
        ln_in, ln_latch, ln_out = 2, 2 + i, 2 + i + l
        in_rows = self.ints(lines[:i], ln_in, (1,), "input")[:, 0]
        latch_rows = self.ints(lines[i:i + l], ln_latch, (2, 3), "latch")
        out_rows = self.ints(lines[i + l:], ln_out, (1,), "output")[:, 0]
        plits, plines, sizes, pos = self.read_properties(pos, ln_out + o, b, c, j, f)
        ln_and = ln_out + o + b + c + j + int(sizes.sum()) + f
        and_lines, pos = self.split_lines(pos, a)
        and_rows = self.ints(and_lines, ln_and, (3,), "AND")
        self.check_lits(in_rows, ln_in + np.arange(i), m)
        self.check_lits(latch_rows[:, :2].ravel(), ln_latch + np.arange(2 * l) // 2, m)
        self.check_lits(out_rows, ln_out + np.arange(o), m)
        self.check_lits(plits, plines, m)
        self.check_lits(and_rows.ravel(), ln_and + np.arange(3 * a) // 3, m)
        names, comments = self.parse_symbols(pos, dict(zip(_SECTIONS, (i, l, o, b, c, j, f))),
                                             self.line_at(pos))
        sinks = np.concatenate([out_rows, plits])
        sink_lines = np.concatenate([ln_out + np.arange(o), plines])
        ands, sinks, latches = self.renumber(in_rows, latch_rows, sinks, sink_lines, and_rows,
                                             (ln_in, ln_latch, ln_and))
        aig = self.build(i, ands, sinks[:o], latches, names, comments)
        return aig, self.properties(sinks[o:], sizes, (b, c, j, f), names)
