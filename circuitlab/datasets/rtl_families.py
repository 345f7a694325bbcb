"""Random synthesizable RTL in families: arithmetic, comparators, multiplexers, FSMs,
counters and expression DAGs, each design with its Verilog and a one-line description.

Every generator takes a seeded ``numpy`` generator and a module name and
returns an :class:`RtlDesign` whose ``params`` determine its function
completely (the tests evaluate a Python model of each family from them).
:func:`random_design` draws design ``index`` of a seed's stream, the same
on every machine. Widths stay small enough that Yosys takes about a
second per design.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["COMBINATIONAL", "FAMILIES", "SEQUENTIAL", "RtlDesign", "random_design"]


@dataclass(frozen=True)
class RtlDesign:
    """One generated design.

    Attributes:
        name: the module name (the top).
        family: the generator's name (a key of :data:`FAMILIES`).
        verilog: the module's Verilog-2005 text.
        description: one line saying what it computes.
        params: everything the function depends on (JSON-encodable).
        latches: flip-flops Yosys keeps (0 for combinational families).
    """

    name: str
    family: str
    verilog: str
    description: str
    params: dict = field(default_factory=dict)
    latches: int = 0


def _ports(*decls: str) -> str:
    return ",\n  ".join(decls)


def _int(rng: np.random.Generator, lo: int, hi: int) -> int:
    """Uniform integer in ``lo..hi`` inclusive."""
    return int(rng.integers(lo, hi + 1))


def _in(width: int, name: str, signed: bool = False) -> str:
    return f"input {'signed ' if signed else ''}[{width - 1}:0] {name}"


def adder(rng: np.random.Generator, name: str) -> RtlDesign:
    wa, wb, cin = _int(rng, 2, 16), _int(rng, 2, 16), bool(rng.random() < 0.5)
    w = max(wa, wb)
    ports = [_in(wa, "a"), _in(wb, "b")] + (["input cin"] if cin else []) + [f"output [{w}:0] y"]
    text = (f"module {name}(\n  {_ports(*ports)}\n);\n"
            f"  assign y = a + b{' + cin' if cin else ''};\nendmodule\n")
    with_cin = " with carry-in" if cin else ""
    return RtlDesign(name, "adder", text, f"unsigned adder of a {wa}-bit and a {wb}-bit word"
                     f"{with_cin}: y = a + b{' + cin' if cin else ''} ({w + 1}-bit sum)",
                     {"width_a": wa, "width_b": wb, "carry_in": cin})


def subtractor(rng: np.random.Generator, name: str) -> RtlDesign:
    wa, wb = _int(rng, 2, 16), _int(rng, 2, 16)
    w = max(wa, wb)
    ports = [_in(wa, "a"), _in(wb, "b"), f"output [{w - 1}:0] d", "output borrow"]
    text = (f"module {name}(\n  {_ports(*ports)}\n);\n"
            f"  assign {{borrow, d}} = {{1'b0, a}} - {{1'b0, b}};\nendmodule\n")
    return RtlDesign(name, "subtractor", text, f"unsigned subtractor of a {wa}-bit and a "
                     f"{wb}-bit word: d = a - b modulo 2^{w}, borrow = a < b",
                     {"width_a": wa, "width_b": wb})


def multiplier(rng: np.random.Generator, name: str) -> RtlDesign:
    wa, wb, signed = _int(rng, 2, 8), _int(rng, 2, 8), bool(rng.random() < 0.3)
    out = f"output {'signed ' if signed else ''}[{wa + wb - 1}:0] y"
    text = (f"module {name}(\n  {_ports(_in(wa, 'a', signed), _in(wb, 'b', signed), out)}\n);\n"
            f"  assign y = a * b;\nendmodule\n")
    kind = "signed (two's complement)" if signed else "unsigned"
    return RtlDesign(name, "multiplier", text, f"{kind} {wa}x{wb}-bit multiplier: y = a * b "
                     f"({wa + wb}-bit product)", {"width_a": wa, "width_b": wb, "signed": signed})


COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")


def comparator(rng: np.random.Generator, name: str) -> RtlDesign:
    w, op, signed = _int(rng, 2, 16), COMPARISONS[_int(rng, 0, 5)], bool(rng.random() < 0.3)
    text = (f"module {name}(\n  {_ports(_in(w, 'a', signed), _in(w, 'b', signed), 'output y')}"
            f"\n);\n  assign y = a {op} b;\nendmodule\n")
    kind = "signed" if signed and op not in ("==", "!=") else "unsigned"
    return RtlDesign(name, "comparator", text, f"{w}-bit {kind} comparator: y = (a {op} b)",
                     {"width": w, "op": op, "signed": signed})


def mux_tree(rng: np.random.Generator, name: str) -> RtlDesign:
    s, w = _int(rng, 1, 4), _int(rng, 1, 8)
    n = _int(rng, 2 ** (s - 1) + 1, 2 ** s)
    ports = [_in(s, "sel")] + [_in(w, f"d{k}") for k in range(n)] + [f"output reg [{w - 1}:0] y"]
    cases = "".join(f"      {s}'d{k}: y = d{k};\n" for k in range(n))
    text = (f"module {name}(\n  {_ports(*ports)}\n);\n  always @(*)\n    case (sel)\n{cases}"
            f"      default: y = {w}'d0;\n    endcase\nendmodule\n")
    tail = f", 0 when sel >= {n}" if n < 2 ** s else ""
    return RtlDesign(name, "mux_tree", text, f"{n}-to-1 multiplexer of {w}-bit words with a "
                     f"{s}-bit select: y = d[sel]{tail}", {"select": s, "width": w, "inputs": n})


def counter(rng: np.random.Generator, name: str) -> RtlDesign:
    w = _int(rng, 2, 8)
    enable, updown = bool(rng.random() < 0.5), bool(rng.random() < 0.5)
    modulo = _int(rng, 2 ** (w - 1) + 1, 2 ** w - 1) if rng.random() < 0.5 else 2 ** w
    ports = ["input clk", "input rst"] + (["input en"] if enable else []) + \
        (["input up"] if updown else []) + [f"output reg [{w - 1}:0] q"]
    top = f"{w}'d{modulo - 1}"
    inc = f"q + {w}'d1" if modulo == 2 ** w else f"(q == {top} ? {w}'d0 : q + {w}'d1)"
    dec = f"q - {w}'d1" if modulo == 2 ** w else f"(q == {w}'d0 ? {top} : q - {w}'d1)"
    step = f"up ? {inc} : {dec}" if updown else inc
    text = (f"module {name}(\n  {_ports(*ports)}\n);\n  always @(posedge clk)\n"
            f"    if (rst) q <= {w}'d0;\n    else{' if (en)' if enable else ''} q <= {step};\n"
            f"endmodule\n")
    what = "up/down counter" if updown else "counter"
    return RtlDesign(name, "counter", text, f"{w}-bit {what} modulo {modulo} with synchronous "
                     f"reset{' and enable' if enable else ''}",
                     {"width": w, "enable": enable, "updown": updown, "modulo": modulo}, w)


def fsm(rng: np.random.Generator, name: str) -> RtlDesign:
    states, wi, wo = _int(rng, 3, 10), _int(rng, 1, 2), _int(rng, 1, 3)
    b = max(1, math.ceil(math.log2(states)))
    # input 0 steps through every state in turn: all are reachable
    nxt = [[(s + 1) % states] + [_int(rng, 0, states - 1) for _ in range(2 ** wi - 1)]
           for s in range(states)]
    out = [_int(rng, 0, 2 ** wo - 1) for _ in range(states)]
    if len(set(out)) == 1:
        out[1] = (out[0] + 1) % 2 ** wo
    ports = ["input clk", "input rst", _in(wi, "x"), f"output reg [{wo - 1}:0] y"]
    arms = []
    for s in range(states):
        inner = "".join(f"          {wi}'d{v}: state <= {b}'d{nxt[s][v]};\n"
                        for v in range(2 ** wi))
        arms.append(f"      {b}'d{s}:\n        case (x)\n{inner}        endcase\n")
    outs = "".join(f"      {b}'d{s}: y = {wo}'d{out[s]};\n" for s in range(states))
    text = (f"module {name}(\n  {_ports(*ports)}\n);\n"
            f"  (* fsm_encoding = \"none\" *) reg [{b - 1}:0] state;\n"
            f"  always @(posedge clk)\n    if (rst) state <= {b}'d0;\n    else\n"
            f"      case (state)\n{''.join(arms)}      default: state <= {b}'d0;\n"
            f"      endcase\n  always @(*)\n    case (state)\n{outs}      default: y = {wo}'d0;\n"
            f"    endcase\nendmodule\n")
    return RtlDesign(name, "fsm", text, f"Moore machine with {states} binary-encoded states, "
                     f"a {wi}-bit input and a {wo}-bit output, synchronous reset to state 0",
                     {"states": states, "next": nxt, "out": out, "input_width": wi,
                      "output_width": wo}, b)


OPS = ("+", "-", "*", "&", "|", "^", "~", "<<", ">>", "?:", "<", "==")


def expression_dag(rng: np.random.Generator, name: str) -> RtlDesign:
    n, w, k = _int(rng, 2, 3), _int(rng, 2, 5), _int(rng, 2, 7)
    signals = [f"i{j}" for j in range(n)]
    nodes, lines = [], []
    for t in range(k):
        op = OPS[_int(rng, 0, len(OPS) - 1)]
        first = _int(rng, max(0, len(signals) - 3), len(signals) - 1)  # mostly deepen
        rest = rng.permutation([j for j in range(len(signals)) if j != first])
        pick = [signals[first]] + [signals[j] for j in rest[:2]] + [signals[first]] * 2
        if op == "~":
            node, expr = (op, pick[0]), f"~{pick[0]}"
        elif op in ("<<", ">>"):
            c = _int(rng, 1, w - 1)
            node, expr = (op, pick[0], c), f"{pick[0]} {op} {c}"
        elif op == "?:":
            node, expr = (op, *pick[:3]), f"{pick[0]}[0] ? {pick[1]} : {pick[2]}"
        else:
            node, expr = (op, pick[0], pick[1]), f"{pick[0]} {op} {pick[1]}"
        nodes.append(node)
        lines.append(f"  wire [{w - 1}:0] t{t} = {expr};\n")
        signals.append(f"t{t}")
    outs = [f"t{k - 1}"] + ([f"t{_int(rng, 0, k - 2)}"] if rng.random() < 0.5 else [])
    ports = [_in(w, f"i{j}") for j in range(n)] + [f"output [{w - 1}:0] y{j}"
                                                   for j in range(len(outs))]
    assigns = "".join(f"  assign y{j} = {o};\n" for j, o in enumerate(outs))
    text = f"module {name}(\n  {_ports(*ports)}\n);\n{''.join(lines)}{assigns}endmodule\n"
    used = sorted({node[0] for node in nodes})
    return RtlDesign(name, "expression_dag", text, f"random expression DAG of {k} {w}-bit "
                     f"operations ({' '.join(used)}) over {n} {w}-bit inputs, {len(outs)} "
                     f"output(s), results truncated to {w} bits",
                     {"inputs": n, "width": w, "nodes": [list(x) for x in nodes],
                      "outputs": outs})


COMBINATIONAL = {"adder": adder, "subtractor": subtractor, "multiplier": multiplier,
                 "comparator": comparator, "mux_tree": mux_tree,
                 "expression_dag": expression_dag}
SEQUENTIAL = {"counter": counter, "fsm": fsm}
FAMILIES = {**COMBINATIONAL, **SEQUENTIAL}


def random_design(seed: int, index: int, families: tuple[str, ...] = tuple(FAMILIES)
                  ) -> RtlDesign:
    """Design ``index`` of the stream of ``seed``: a family drawn uniformly from
    ``families``, then its parameters; the module is named ``<family>_<seed>_<index>``."""
    rng = np.random.default_rng([seed, index])
    family = families[int(rng.integers(len(families)))]
    return FAMILIES[family](rng, f"{family}_{seed}_{index}")
