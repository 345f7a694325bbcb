"""ISCAS ``.bench`` reading and writing.

Format (ISCAS'85/'89, as read and written by ABC and used by OpenABC-D)::

    # comment
    INPUT(a)
    OUTPUT(y)
    n1 = NAND(a, b, c)      # n-ary AND NAND OR NOR XOR XNOR (alias NXOR)
    n2 = NOT(n1)            # also BUF / BUFF
    q  = DFF(n2)            # a latch with reset value 0
    m  = MUX(s, t, e)       # s ? t : e, as ABC reads it
    y  = BUFF(vdd)          # undriven 'vdd' / 'gnd' are constants; 'x = gnd' too

Signals may be used before they are defined. OpenABC-D files are ABC's
``write_bench`` output of strashed AIGs and use only AND, NOT, BUFF, DFF and
the ``vdd``/``gnd`` constants; ABC's ``LUT 0x..`` lines are not supported.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

from circuitlab.aig.aig import Aig
from circuitlab.aig.builder import FALSE, TRUE, AigBuilder
from circuitlab.errors import CircuitlabError, FormatError
from circuitlab.fsutil import write_bytes_atomic

_NAME = r"[^\s(),=#]+"
_NAME_RE = re.compile(_NAME)
_IO_RE = re.compile(rf"(INPUT|OUTPUT)\s*\(\s*({_NAME})\s*\)", re.IGNORECASE)
_GATE_RE = re.compile(rf"({_NAME})\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*(.*)")
_CONSTANTS = {"vdd": TRUE, "gnd": FALSE}


def _xor_many(b: AigBuilder, lits: list[int]) -> int:
    while len(lits) > 1:  # balanced tree, as and_many
        lits = [b.xor(lits[k], lits[k + 1]) if k + 1 < len(lits) else lits[k]
                for k in range(0, len(lits), 2)]
    return lits[0]


# gate type -> (fewest fan-ins, most fan-ins or None, builder function)
_GATES: dict[str, tuple[int, int | None, Callable[[AigBuilder, list[int]], int]]] = {
    "AND": (1, None, lambda b, x: b.and_many(x)),
    "NAND": (1, None, lambda b, x: b.and_many(x) ^ 1),
    "OR": (1, None, lambda b, x: b.or_many(x)),
    "NOR": (1, None, lambda b, x: b.or_many(x) ^ 1),
    "XOR": (1, None, _xor_many),
    "XNOR": (1, None, lambda b, x: _xor_many(b, x) ^ 1),
    "NXOR": (1, None, lambda b, x: _xor_many(b, x) ^ 1),
    "NOT": (1, 1, lambda b, x: x[0] ^ 1),
    "BUF": (1, 1, lambda b, x: x[0]),
    "BUFF": (1, 1, lambda b, x: x[0]),
    "MUX": (3, 3, lambda b, x: b.mux(x[0], x[1], x[2])),
    "VDD": (0, 0, lambda b, x: TRUE),
    "GND": (0, 0, lambda b, x: FALSE),
}


def read_bench(path: str | os.PathLike) -> Aig:
    """Read a ``.bench`` file into an :class:`Aig`.

    Inputs, outputs and latches (``DFF`` outputs) keep their names and file
    order; gates are built through :class:`AigBuilder` (n-ary gates as
    balanced trees, strashed and constant-folded). Gates that reach no
    output are kept.

    Raises:
        FormatError: naming the file and line at fault (unknown gate type,
            undefined signal, signal defined twice, combinational cycle).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_bench(data, path)


def parse_bench(text: str | bytes, source: str | os.PathLike = "<string>") -> Aig:
    """Parse ``.bench`` text; ``source`` names the input in error messages."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(source, f"not UTF-8 text ({exc.reason})",
                              line=text[:exc.start].count(b"\n") + 1) from None
    try:
        return _BenchParser(text, str(source)).parse()
    except FormatError:
        raise
    except CircuitlabError as exc:
        raise FormatError(source, str(exc)) from None


class _BenchParser:
    def __init__(self, text: str, source: str):
        self.text = text
        self.source = source
        self.inputs: list[tuple[str, int]] = []            # (name, line)
        self.outputs: list[tuple[str, int]] = []
        self.latches: list[tuple[str, str, int]] = []      # (name, next-state signal, line)
        self.gates: dict[str, tuple[str, list[str], int]] = {}  # name -> (type, args, line)
        self.defined: dict[str, int] = {}                  # any driven signal -> line

    def fail(self, message: str, line: int):
        raise FormatError(self.source, message, line=line)

    def define(self, name: str, line: int) -> None:
        first = self.defined.get(name)
        if first is not None:
            self.fail(f"signal {name!r} defined twice (first on line {first})", line)
        self.defined[name] = line

    def parse(self) -> Aig:
        for number, raw in enumerate(self.text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if line:
                self.parse_line(line, number)
        return self.build()

    def parse_line(self, line: str, number: int) -> None:
        m = _IO_RE.fullmatch(line)
        if m:
            if m.group(1).upper() == "INPUT":
                self.define(m.group(2), number)
                self.inputs.append((m.group(2), number))
            else:
                self.outputs.append((m.group(2), number))
            return
        m = _GATE_RE.fullmatch(line)
        if not m:
            self.fail(f"cannot parse {line[:60]!r}: expected INPUT(x), OUTPUT(x) "
                      f"or 'x = GATE(a, ...)'", number)
        name, kind, rest = m.group(1), m.group(2).upper(), m.group(3).strip()
        if kind != "DFF" and kind not in _GATES:
            self.fail(f"unsupported gate type {m.group(2)!r}", number)
        args = self.arguments(rest, number)
        self.define(name, number)
        if kind == "DFF":
            if len(args) != 1:
                self.fail(f"DFF takes 1 fan-in, got {len(args)}", number)
            self.latches.append((name, args[0], number))
            return
        least, most, _ = _GATES[kind]
        if len(args) < least or (most is not None and len(args) > most):
            want = f"{least}" if most == least else f"at least {least}"
            self.fail(f"{kind} takes {want} fan-in{'s' if want != '1' else ''}, "
                      f"got {len(args)}", number)
        self.gates[name] = (kind, args, number)

    def arguments(self, rest: str, number: int) -> list[str]:
        if not rest:
            return []
        if not (rest.startswith("(") and rest.endswith(")")):
            self.fail(f"fan-ins must be in parentheses, got {rest[:40]!r}", number)
        inner = rest[1:-1].strip()
        if not inner:
            return []
        args = [a.strip() for a in inner.split(",")]
        for a in args:
            if not _NAME_RE.fullmatch(a):
                self.fail(f"bad signal name {a!r} in fan-in list", number)
        return args

    # --- building ----------------------------------------------------------
    def build(self) -> Aig:
        b = AigBuilder()
        lit_of: dict[str, int] = {}
        for name, _ in self.inputs:
            lit_of[name] = b.add_input(name)
        for name, _, _ in self.latches:
            lit_of[name] = b.add_latch(name, init=0)
        for name in self.topological_order():
            kind, args, _ = self.gates[name]
            lit_of[name] = _GATES[kind][2](b, [self.lit(lit_of, a) for a in args])
        for name, nxt, number in self.latches:
            b.set_latch_next(lit_of[name], self.lit(lit_of, nxt, number))
        for name, number in self.outputs:
            b.add_output(self.lit(lit_of, name, number), name)
        return b.build()

    def lit(self, lit_of: dict[str, int], name: str, number: int = 0) -> int:
        lit = lit_of.get(name)
        if lit is None:
            lit = _CONSTANTS.get(name)
            if lit is None:
                self.fail(f"signal {name!r} is used but never defined", number)
        return lit

    def topological_order(self) -> list[str]:
        """Gates in an order where each comes after its gate fan-ins (file order if possible)."""
        state: dict[str, int] = {}  # 1 on the stack, 2 done
        order: list[str] = []
        for root in self.gates:
            if root in state:
                continue
            state[root] = 1
            stack = [(root, 0)]
            while stack:
                name, child = stack.pop()
                kind, args, number = self.gates[name]
                if child == len(args):
                    state[name] = 2
                    order.append(name)
                    continue
                stack.append((name, child + 1))
                arg = args[child]
                if arg not in self.defined and arg not in _CONSTANTS:
                    self.fail(f"signal {arg!r} is used but never defined", number)
                if arg not in self.gates:
                    continue
                seen = state.get(arg)
                if seen == 1:
                    self.fail(f"combinational cycle: {name!r} depends on itself "
                              f"through {arg!r}", number)
                if seen is None:
                    state[arg] = 1
                    stack.append((arg, 0))
        return order


# --- writing -------------------------------------------------------------------
def write_bench(aig: Aig, path: str | os.PathLike) -> None:
    """Write ``aig`` atomically as a ``.bench`` file in AND/NOT form."""
    write_bytes_atomic(path, dump_bench(aig).encode("utf-8"))


def check_bench(aig: Aig) -> None:
    """Raise unless bench can hold ``aig``.

    Raises:
        CircuitlabError: a name that bench cannot hold (white space,
            ``(),=#``), two sources with one name, or a latch whose reset
            value is not 0 (bench DFFs reset to 0).
    """
    sources = list(aig.input_names) + list(aig.latch_names)
    for name in sources + list(aig.output_names):
        if not _NAME_RE.fullmatch(name):
            raise CircuitlabError(f"name {name!r} cannot be written in bench format")
    if len(set(sources)) != len(sources):
        raise CircuitlabError("bench needs distinct input and latch names")
    if aig.num_latches and (aig.latches[:, 1] != 0).any():
        raise CircuitlabError("the circuit has a latch with reset value 1 or uninitialised, "
                              "and bench flip-flops reset to 0 (write .aig or .aag instead)")


def dump_bench(aig: Aig) -> str:
    """The ``.bench`` text of ``aig``: one ``AND`` per AND node, ``NOT`` per used complement.

    Inputs, latches and outputs keep their names; internal signals are named
    ``<p><var>`` (``_c`` appended for complements) with a prefix ``p`` that
    no input, latch or output name starts with. Each output is a ``BUFF`` or
    ``NOT`` of its driver, as ABC writes it.

    Raises:
        CircuitlabError: a name that bench cannot hold (white space, ``(),=#``),
            two sources with one name, an output name taken by a different
            signal, or a latch whose reset value is not 0.
    """
    check_bench(aig)
    sources = list(aig.input_names) + list(aig.latch_names)
    taken = set(sources) | set(aig.output_names)
    prefix = "n_"
    while any(name.startswith(prefix) for name in taken):
        prefix = "_" + prefix

    first = aig.first_and_var
    names = [""] + sources + [f"{prefix}{v}" for v in range(first, aig.num_vars)]
    const = {FALSE: "gnd", TRUE: "vdd"}
    if const[FALSE] in taken or const[TRUE] in taken:
        const = {FALSE: f"{prefix}0", TRUE: f"{prefix}0_c"}
    names[0] = const[FALSE]

    used_compl = bytearray(aig.num_vars)
    for lit in [*aig.ands.ravel().tolist(), *aig.latches[:, 0].tolist()]:
        used_compl[lit >> 1] |= lit & 1

    def ref(lit: int) -> str:
        if lit < 2:
            return const[lit]
        return names[lit >> 1] + ("_c" if lit & 1 else "")

    lines = [f"# {c}" for c in aig.comments]
    lines += [f"INPUT({n})" for n in aig.input_names]
    lines += [f"OUTPUT({n})" for n in aig.output_names]
    lines += [f"{n} = DFF({ref(lit)})" for n, lit in zip(aig.latch_names,
                                                           aig.latches[:, 0].tolist())]
    if const[FALSE] != "gnd":
        lines += [f"{const[FALSE]} = gnd", f"{const[TRUE]} = vdd"]
    for v in range(1, first):
        if used_compl[v]:
            lines.append(f"{ref(2 * v + 1)} = NOT({names[v]})")
    for v, (f0, f1) in enumerate(aig.ands.tolist(), start=first):
        lines.append(f"{names[v]} = AND({ref(f0)}, {ref(f1)})")
        if used_compl[v]:
            lines.append(f"{ref(2 * v + 1)} = NOT({names[v]})")
    lines += _output_lines(aig, names, ref)
    return "\n".join(lines) + "\n"


def _output_lines(aig: Aig, names: list[str], ref: Callable[[int], str]) -> list[str]:
    source_lit = {n: 2 * v for v, n in enumerate(names[1:aig.first_and_var], start=1)}
    driven: dict[str, int] = {}
    lines = []
    for name, lit in zip(aig.output_names, aig.outputs.tolist()):
        if source_lit.get(name) == lit or driven.get(name) == lit:
            continue
        if name in source_lit or name in driven:
            raise CircuitlabError(f"output name {name!r} is taken by another signal")
        driven[name] = lit
        if lit >= 2 and lit & 1:
            lines.append(f"{name} = NOT({names[lit >> 1]})")
        else:
            lines.append(f"{name} = BUFF({ref(lit)})")
    return lines
