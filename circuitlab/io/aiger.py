"""AIGER reading and writing, ASCII (``aag``) and binary (``aig``).

Format: https://fmv.jku.at/aiger/ (AIGER 1.9 header fields B, C, J, F are
accepted when zero). The binary AND section is decoded and encoded with
vectorised numpy (no per-node Python loop), so reading a large circuit
costs about as much as a C++ reader.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from circuitlab.aig.aig import LIT_DTYPE, Aig
from circuitlab.errors import CircuitlabError, FormatError
from circuitlab.fsutil import write_bytes_atomic
from circuitlab.io.names import unique_names

_MAX_VARINT_BYTES = 9  # 63 bits of payload fit int64


def read_aiger(path: str | os.PathLike) -> Aig:
    """Read an AIGER file (ASCII or binary, told apart by its header).

    Raises:
        FormatError: naming the file and the line (or byte offset) at fault.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_aiger(data, path)


def parse_aiger(data: bytes, source: str | os.PathLike = "<bytes>") -> Aig:
    """Parse AIGER bytes; ``source`` names the input in error messages."""
    try:
        return _Parser(data, str(source)).parse()
    except FormatError:
        raise
    except CircuitlabError as exc:  # structural problems found by Aig itself
        raise FormatError(source, str(exc)) from None
    except (ValueError, IndexError, OverflowError, UnicodeDecodeError) as exc:
        raise FormatError(source, f"malformed AIGER ({exc})") from None


class _Parser:
    def __init__(self, data: bytes, source: str):
        self.data = data
        self.source = source

    def fail(self, message: str, line: int | None = None, offset: int | None = None):
        raise FormatError(self.source, message, line=line, offset=offset)

    def parse(self) -> Aig:
        end = self.data.find(b"\n")
        if end < 0:
            self.fail("no header line", line=1)
        fields = self.data[:end].split()
        if not fields or fields[0] not in (b"aig", b"aag"):
            self.fail("header must start with 'aig' or 'aag'", line=1)
        if not 6 <= len(fields) <= 10 or not all(f.isdigit() for f in fields[1:]):
            self.fail("header must be 'aig M I L O A' with non-negative integers", line=1)
        m, i, l, o, a, *extra = (int(f) for f in fields[1:])
        if any(extra):
            self.fail("bad-state, constraint, justice and fairness sections are not supported",
                      line=1)
        self.header_len = end + 1
        if fields[0] == b"aig":
            return self.parse_binary(m, i, l, o, a)
        return self.parse_ascii(m, i, l, o, a)

    # --- shared pieces ---------------------------------------------------
    def split_lines(self, start: int, count: int) -> tuple[list[bytes], int]:
        """``count`` text lines from byte ``start``; returns them and the end offset."""
        if count == 0:
            return [], start
        parts = self.data[start:].split(b"\n", count)
        if len(parts) <= count:
            got = len(parts) - (1 if parts and parts[-1] == b"" else 0)
            self.fail(f"file ends after {got} of {count} expected lines",
                      line=self.data[:start].count(b"\n") + 1 + got)
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
                self.fail(f"bad {what} line {lines[k][:40]!r}", line=first_line + k)
            out[k, :len(row)] = [int(x) for x in row]
        return out

    def parse_symbols(self, start: int, i: int, l: int, o: int, line_no: int):
        names = {b"i": [None] * i, b"l": [None] * l, b"o": [None] * o}
        comments: list[str] = []
        lines = self.data[start:].split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for k, ln in enumerate(lines):
            if ln.rstrip(b"\r") == b"c":
                comments = [c.decode("utf-8", "replace") for c in lines[k + 1:]]
                break
            kind, _, rest = ln.partition(b" ")
            table = names.get(kind[:1])
            pos = kind[1:]
            if table is None or not pos.isdigit() or not rest:
                self.fail(f"bad symbol table entry {ln[:40]!r}", line=line_no + k)
            idx = int(pos)
            if idx >= len(table):
                self.fail(f"symbol {kind.decode()} refers to a missing "
                          f"{ {'i': 'input', 'l': 'latch', 'o': 'output'}[kind[:1].decode()] }",
                          line=line_no + k)
            table[idx] = rest.decode("utf-8", "replace")
        return names[b"i"], names[b"l"], names[b"o"], comments

    @staticmethod
    def fill(names: list[str | None], prefix: str) -> list[str]:
        return [n if n is not None else f"{prefix}{k}" for k, n in enumerate(names)]

    # --- binary ----------------------------------------------------------
    def parse_binary(self, m: int, i: int, l: int, o: int, a: int) -> Aig:
        if m != i + l + a:
            self.fail(f"binary AIGER needs M = I + L + A, got M={m}, I+L+A={i + l + a}", line=1)
        lines, pos = self.split_lines(self.header_len, l + o)
        latch_rows = self.ints(lines[:l], 2, (1, 2), "latch")
        out_rows = self.ints(lines[l:], 2 + l, (1,), "output")
        init = latch_rows[:, 1].copy() if l else np.zeros(0, dtype=LIT_DTYPE)
        init[init < 0] = 0
        latch_init_lits = init
        # AIGER 1.9: init may be 0, 1, or the latch's own literal (uninitialised).
        own = 2 * np.arange(i + 1, i + l + 1, dtype=LIT_DTYPE)
        latch_init = np.where(latch_init_lits == own, 2, latch_init_lits)
        ands, pos = self.decode_ands(pos, i + l + 1, a)
        line_no = self.data[:pos].count(b"\n") + 1 if pos < len(self.data) else 0
        in_names, l_names, o_names, comments = self.parse_symbols(pos, i, l, o, line_no)
        latches = np.stack([latch_rows[:, 0], latch_init], axis=1) if l \
            else np.zeros((0, 2), dtype=LIT_DTYPE)
        bad = np.flatnonzero(~np.isin(latch_init, (0, 1, 2)))
        if bad.size:
            self.fail(f"latch {int(bad[0])} has an invalid reset value", line=2 + int(bad[0]))
        return Aig(i, ands, out_rows[:, 0], latches,
                   input_names=self.fill(in_names, "i"), output_names=self.fill(o_names, "o"),
                   latch_names=self.fill(l_names, "l"), comments=comments)

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
    def parse_ascii(self, m: int, i: int, l: int, o: int, a: int) -> Aig:
        lines, pos = self.split_lines(self.header_len, i + l + o + a)
        ln_in, ln_latch, ln_out = 2, 2 + i, 2 + i + l
        ln_and = ln_out + o
        in_rows = self.ints(lines[:i], ln_in, (1,), "input")[:, 0]
        latch_rows = self.ints(lines[i:i + l], ln_latch, (2, 3), "latch")
        out_rows = self.ints(lines[i + l:i + l + o], ln_out, (1,), "output")[:, 0]
        and_rows = self.ints(lines[i + l + o:], ln_and, (3,), "AND")
        lits = np.concatenate([in_rows, latch_rows[:, :2].ravel(), out_rows, and_rows.ravel()])
        if lits.size and lits.max() > 2 * m + 1:
            k = int(np.argmax(lits > 2 * m + 1))
            self.fail(f"literal {int(lits[k])} exceeds maximum variable index {m}",
                      line=self._line_of_lit(k, i, l, o))
        in_names, l_names, o_names, comments = self.parse_symbols(
            pos, i, l, o, self.data[:pos].count(b"\n") + 1)
        ands, outputs, latches = self.renumber(in_rows, latch_rows, out_rows, and_rows,
                                               (ln_in, ln_latch, ln_and))
        return Aig(i, ands, outputs, latches,
                   input_names=self.fill(in_names, "i"), output_names=self.fill(o_names, "o"),
                   latch_names=self.fill(l_names, "l"), comments=comments)

    @staticmethod
    def _line_of_lit(k: int, i: int, l: int, o: int) -> int:
        if k < i:
            return 2 + k
        k -= i
        if k < 2 * l:
            return 2 + i + k // 2
        k -= 2 * l
        if k < o:
            return 2 + i + l + k
        return 2 + i + l + o + (k - o) // 3

    def renumber(self, ins, latch_rows, outs, and_rows, line_starts):
        """Map arbitrary ASCII variable numbers onto AIGER order, ANDs topologically."""
        ln_in, ln_latch, ln_and = line_starts
        i, l, a = len(ins), len(latch_rows), len(and_rows)
        defined: dict[int, tuple[int, int]] = {}  # var -> (kind, row)
        for kind, lhs_lits, line0 in ((0, ins, ln_in), (1, latch_rows[:, 0], ln_latch),
                                      (2, and_rows[:, 0], ln_and)):
            for k, lit in enumerate(lhs_lits.tolist()):
                if lit & 1 or lit < 2:
                    self.fail(f"defined literal {lit} must be even and not constant",
                              line=line0 + k)
                if lit >> 1 in defined:
                    self.fail(f"variable {lit >> 1} defined twice", line=line0 + k)
                defined[lit >> 1] = (kind, k)
        # Variables numbered in AIGER order already: take the fast path.
        first = i + l + 1
        canonical = (np.array_equal(ins, 2 * np.arange(1, i + 1))
                     and np.array_equal(latch_rows[:, 0], 2 * np.arange(i + 1, first))
                     and np.array_equal(and_rows[:, 0], 2 * np.arange(first, first + a))
                     and (a == 0 or bool((and_rows[:, 1:] < and_rows[:, :1]).all())))
        new_var = {0: 0}
        for k, lit in enumerate(ins.tolist()):
            new_var[lit >> 1] = 1 + k
        for k, lit in enumerate(latch_rows[:, 0].tolist()):
            new_var[lit >> 1] = i + 1 + k
        order: list[int] = list(range(a))
        if not canonical:
            order = self.topological_order(and_rows, defined, ln_and)
        for pos, k in enumerate(order):
            new_var[int(and_rows[k, 0]) >> 1] = first + pos

        def remap(lit: int, line: int) -> int:
            v = new_var.get(lit >> 1)
            if v is None:
                self.fail(f"literal {lit} uses undefined variable {lit >> 1}", line=line)
            return 2 * v | (lit & 1)

        ands = np.array([[remap(int(and_rows[k, 1]), ln_and + k), remap(int(and_rows[k, 2]), ln_and + k)]
                         for k in order], dtype=LIT_DTYPE).reshape(-1, 2)
        latches = np.zeros((l, 2), dtype=LIT_DTYPE)
        for k in range(l):
            latches[k, 0] = remap(int(latch_rows[k, 1]), ln_latch + k)
            init = int(latch_rows[k, 2])
            if init == -1:
                init = 0
            elif init == int(latch_rows[k, 0]):
                init = 2
            elif init not in (0, 1):
                self.fail("latch reset value must be 0, 1 or the latch's own literal",
                          line=ln_latch + k)
            latches[k, 1] = init
        outputs = np.array([remap(int(x), ln_and - len(outs) + k) for k, x in enumerate(outs)],
                           dtype=LIT_DTYPE)
        return ands, outputs, latches

    def topological_order(self, and_rows, defined, ln_and) -> list[int]:
        state = [0] * len(and_rows)  # 0 new, 1 on stack, 2 done
        order: list[int] = []
        for root in range(len(and_rows)):
            if state[root]:
                continue
            stack = [(root, 0)]
            state[root] = 1
            while stack:
                k, child = stack.pop()
                if child < 2:
                    stack.append((k, child + 1))
                    v = int(and_rows[k, 1 + child]) >> 1
                    d = defined.get(v)
                    if v == 0 or d is None or d[0] != 2:
                        continue
                    if state[d[1]] == 1:
                        self.fail("combinational cycle through this AND", line=ln_and + d[1])
                    if state[d[1]] == 0:
                        state[d[1]] = 1
                        stack.append((d[1], 0))
                else:
                    state[k] = 2
                    order.append(k)
        return order


# --- writing -----------------------------------------------------------------
def write_aiger(aig: Aig, path: str | os.PathLike, binary: bool | None = None,
                symbols: bool = True, comments: bool = True) -> None:
    """Write ``aig`` atomically; binary unless the name ends in ``.aag`` (or ``binary`` says)."""
    if binary is None:
        binary = not str(path).endswith(".aag")
    write_bytes_atomic(path, dump_aiger(aig, binary, symbols, comments))


def dump_aiger(aig: Aig, binary: bool = True, symbols: bool = True,
               comments: bool = True) -> bytes:
    """The AIGER bytes of ``aig``."""
    i, l, o, a = aig.num_inputs, aig.num_latches, aig.num_outputs, aig.num_ands
    m = i + l + a
    first = i + l + 1
    ands = np.sort(aig.ands, axis=1)[:, ::-1]  # AIGER wants rhs0 >= rhs1
    lhs = 2 * np.arange(first, first + a, dtype=np.int64)
    init = aig.latches[:, 1]
    own = 2 * np.arange(i + 1, first, dtype=np.int64)
    init_lit = np.where(init == 2, own, init)
    latch_lines = [f"{n} {r}" if r else f"{n}" for n, r in zip(aig.latches[:, 0].tolist(),
                                                              init_lit.tolist())]
    parts: list[bytes] = [f"{'aig' if binary else 'aag'} {m} {i} {l} {o} {a}\n".encode()]
    body: list[str] = []
    if not binary:
        body += [str(2 * k) for k in range(1, i + 1)]
        body += [f"{2 * (i + 1 + k)} {line}" for k, line in enumerate(latch_lines)]
    else:
        body += latch_lines
    body += [str(x) for x in aig.outputs.tolist()]
    if not binary:
        body += [f"{x} {y} {z}" for x, (y, z) in zip(lhs.tolist(), ands.tolist())]
    if body:
        parts.append(("\n".join(body) + "\n").encode())
    if binary:
        parts.append(encode_deltas(lhs, ands))
    if symbols:
        parts.append(_symbol_table(aig))
    if comments and aig.comments:
        parts.append(("c\n" + "\n".join(aig.comments) + "\n").encode())
    return b"".join(parts)


def encode_deltas(lhs: np.ndarray, ands: np.ndarray) -> bytes:
    """Binary AIGER AND section: LEB128-style varints of ``lhs-rhs0``, ``rhs0-rhs1``."""
    if len(lhs) == 0:
        return b""
    deltas = np.empty(2 * len(lhs), dtype=np.uint64)
    deltas[0::2] = lhs - ands[:, 0]
    deltas[1::2] = ands[:, 0] - ands[:, 1]
    nbytes = np.ones(len(deltas), dtype=np.int64)
    for k in range(1, _MAX_VARINT_BYTES + 1):
        nbytes += deltas >= np.uint64(1 << (7 * k)) if 7 * k < 64 else 0
    width = int(nbytes.max())
    shifts = np.uint64(7) * np.arange(width, dtype=np.uint64)
    chunks = ((deltas[:, None] >> shifts[None, :]) & np.uint64(0x7F)).astype(np.uint8)
    cols = np.arange(width)[None, :]
    chunks |= np.where(cols < (nbytes - 1)[:, None], 0x80, 0).astype(np.uint8)
    return chunks[cols < nbytes[:, None]].tobytes()


def _symbol_table(aig: Aig) -> bytes:
    """Symbol lines for the names that differ from the defaults, made unique first
    (:func:`~circuitlab.io.names.unique_names`: ABC refuses repeated names)."""
    ins, latches, outs = unique_names(aig.input_names, aig.latch_names, aig.output_names)
    lines: list[str] = []
    for prefix, names in (("i", ins), ("l", latches), ("o", outs)):
        for k, name in enumerate(names):
            if name != f"{prefix}{k}":
                lines.append(f"{prefix}{k} {name}")
    return ("\n".join(lines) + "\n").encode() if lines else b""
