"""The random RTL families: Yosys's AIG computes what a Python model of each family says."""

import re

import numpy as np
import pytest

from circuitlab.datasets import rtl_pairs
from circuitlab.datasets.rtl_families import (
    COMBINATIONAL, FAMILIES, SEQUENTIAL, RtlDesign, random_design,
)
from circuitlab.datasets.rtl_pairs import (
    PairStats, distinct_pairs, normalised_text, structural_key, synthesize_design, text_key,
)
from circuitlab.sim import simulate

PER_FAMILY = 2
SAMPLES = 512
_BIT = re.compile(r"^([A-Za-z_]\w*)(?:\[(\d+)\])?$")


def signed(value: int, width: int) -> int:
    return value - (1 << width) if value >> (width - 1) & 1 else value


def combinational_model(d, v: dict) -> dict:
    p = d.params
    if d.family == "adder":
        return {"y": v["a"] + v["b"] + v.get("cin", 0)}
    if d.family == "subtractor":
        w = max(p["width_a"], p["width_b"])
        return {"d": (v["a"] - v["b"]) % (1 << w), "borrow": int(v["a"] < v["b"])}
    if d.family == "multiplier":
        a, b = v["a"], v["b"]
        if p["signed"]:
            a, b = signed(a, p["width_a"]), signed(b, p["width_b"])
        return {"y": (a * b) % (1 << (p["width_a"] + p["width_b"]))}
    if d.family == "comparator":
        a, b = v["a"], v["b"]
        if p["signed"]:
            a, b = signed(a, p["width"]), signed(b, p["width"])
        return {"y": int(eval(f"{a} {p['op']} {b}"))}  # noqa: S307 (op from a fixed list)
    if d.family == "mux_tree":
        return {"y": v.get(f"d{v['sel']}", 0)}
    assert d.family == "expression_dag"
    mask = (1 << p["width"]) - 1
    val = {f"i{j}": v[f"i{j}"] for j in range(p["inputs"])}
    for t, (op, *args) in enumerate(p["nodes"]):
        x = val[args[0]]
        if op == "~":
            r = ~x
        elif op in ("<<", ">>"):
            r = x << args[1] if op == "<<" else x >> args[1]
        elif op == "?:":
            r = val[args[1]] if x & 1 else val[args[2]]
        else:
            y = val[args[1]]
            r = {"+": x + y, "-": x - y, "*": x * y, "&": x & y, "|": x | y, "^": x ^ y,
                 "<": int(x < y), "==": int(x == y)}[op]
        val[f"t{t}"] = r & mask
    return {f"y{j}": val[o] for j, o in enumerate(p["outputs"])}


def ports(names) -> dict[str, list[int]]:
    """Port name -> the positions of its bits, bit k at list index k."""
    out: dict[str, dict[int, int]] = {}
    for pos, name in enumerate(names):
        m = _BIT.match(name)
        out.setdefault(m.group(1), {})[int(m.group(2) or 0)] = pos
    return {p: [bits[k] for k in range(len(bits))] for p, bits in out.items()}


def run_combinational(aig, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Simulate ``aig`` on per-port integer samples ``[S]``; per-port integer outputs ``[S]``."""
    ins = ports(aig.input_names)
    bits = np.zeros((aig.num_inputs, SAMPLES), dtype=np.uint8)
    for name, positions in ins.items():
        for k, pos in enumerate(positions):
            bits[pos] = (values[name] >> k) & 1
    words = np.packbits(bits, axis=1, bitorder="little").view(np.uint64)
    out_bits = np.unpackbits(simulate(aig, words).view(np.uint8), axis=1, bitorder="little")
    return {name: sum(out_bits[pos].astype(object) << k for k, pos in enumerate(positions))
            for name, positions in ports(aig.output_names).items()}


@pytest.mark.parametrize("family", sorted(COMBINATIONAL))
def test_combinational_families_compute_their_model(family):
    rng = np.random.default_rng(11)
    for index in range(PER_FAMILY):
        d = random_design(5, index, (family,))
        aig = synthesize_design(d)
        assert aig.num_latches == 0
        widths = {p: len(b) for p, b in ports(aig.input_names).items()}
        values = {p: rng.integers(0, 1 << w, SAMPLES, dtype=np.int64) for p, w in widths.items()}
        got = run_combinational(aig, values)
        for s in range(SAMPLES):
            expected = combinational_model(d, {p: int(v[s]) for p, v in values.items()})
            assert {p: int(got[p][s]) for p in expected} == expected, (d.verilog, s)


def sequential_model(d, state: int, v: dict) -> tuple[int, int]:
    """``(output now, next state)``; the output is the state's (Moore)."""
    p = d.params
    if d.family == "fsm":
        return p["out"][state], 0 if v["rst"] else p["next"][state][v["x"]]
    m = p["modulo"]
    step = state if not v.get("en", 1) else (state - 1) % m if p["updown"] and not v["up"] \
        else (state + 1) % m
    return state, 0 if v["rst"] else step


@pytest.mark.parametrize("family", sorted(SEQUENTIAL))
def test_sequential_families_keep_their_flip_flops_and_behave(family):
    rng = np.random.default_rng(12)
    for index in range(PER_FAMILY):
        d = random_design(6, index, (family,))
        aig = synthesize_design(d)
        assert aig.num_latches == d.latches, d.verilog
        comb = aig.cut_latches()
        ins, outs = ports(aig.input_names), ports(aig.output_names)
        latch_bits = [int(_BIT.match(n.removesuffix("_1")).group(2) or 0)
                      for n in aig.latch_names]
        state = 0
        for cycle in range(40):
            v = {p: int(rng.integers(0, 1 << len(b))) for p, b in ins.items()}
            v["rst"] = int(cycle == 0 or rng.random() < 0.05)
            pattern = np.zeros((comb.num_inputs, 1), dtype=np.uint64)
            for p, positions in ins.items():
                for k, pos in enumerate(positions):
                    pattern[pos] = (v[p] >> k) & 1
            for j, bit in enumerate(latch_bits):
                pattern[aig.num_inputs + j] = (state >> bit) & 1 if cycle else 0
            res = simulate(comb, pattern)[:, 0] & 1
            y = sum(int(res[pos]) << k for k, pos in enumerate(next(iter(outs.values()))))
            nxt = sum(int(res[aig.num_outputs + j]) << bit for j, bit in enumerate(latch_bits))
            want_y, want_next = sequential_model(d, state, v)
            if cycle:
                assert y == want_y, (d.verilog, cycle)
            assert nxt == want_next, (d.verilog, cycle)
            state = nxt


def test_designs_are_reproducible_and_described():
    for index in range(30):
        a, b = random_design(3, index), random_design(3, index)
        assert a == b and a.family in FAMILIES
        assert f"module {a.name}(" in a.verilog and a.description and "\n" not in a.description
    assert random_design(3, 0).verilog != random_design(4, 0).verilog


def test_normalised_text_ignores_names_comments_and_spacing():
    one = "module add_1(input a, output y); // one\n  assign y = a;\nendmodule\n"
    two = "/* two */ module other (input a, output y);\n\n assign y = a; endmodule"
    assert normalised_text(one).replace(" (", "(") == normalised_text(two).replace(" (", "(")
    assert text_key(one) == text_key(one.replace("add_1", "add_2"))
    assert text_key(one) != text_key(one.replace("assign y = a", "assign y = ~a"))


def test_structural_key_ignores_names_and_sees_structure():
    d = random_design(5, 0, ("adder",))
    aig = synthesize_design(d)
    renamed = aig.with_names([f"x{k}" for k in range(aig.num_inputs)])
    assert structural_key(renamed) == structural_key(aig)
    other = synthesize_design(random_design(5, 1, ("adder",)))
    assert structural_key(other) != structural_key(aig)


def equality(name: str, signed: bool) -> RtlDesign:
    kind = "signed " if signed else ""
    text = (f"module {name}(input {kind}[3:0] a, input {kind}[3:0] b, output y);\n"
            f"  assign y = a == b;\nendmodule\n")
    return RtlDesign(name, "comparator", text, "4-bit equality", {})


def test_distinct_pairs_drop_duplicates_by_text_and_structure(monkeypatch):
    # signed and unsigned equality: other texts, one structure; then a renamed copy
    stream = [equality("e0", False), equality("e1", True), equality("e2", False),
              random_design(5, 0, ("adder",))]
    monkeypatch.setattr(rtl_pairs, "random_design", lambda seed, index, families: stream[index])
    stats = PairStats()
    pairs = list(distinct_pairs(0, 3, max_draws=len(stream), stats=stats))
    assert [d.name for d, _ in pairs] == ["e0", stream[3].name]
    assert (stats.drawn, stats.kept, stats.same_text, stats.same_structure) == (4, 2, 1, 1)


def test_distinct_pairs_are_reproducible():
    stats = PairStats()
    pairs = list(distinct_pairs(0, 4, families=("mux_tree",), max_draws=40, stats=stats))
    assert len({structural_key(aig) for _, aig in pairs}) == len(pairs) == stats.kept == 4
    assert stats.drawn == stats.kept + stats.same_text + stats.same_structure + len(stats.failed)
    again = [d.name for d, _ in distinct_pairs(0, 4, families=("mux_tree",), max_draws=40)]
    assert again == [d.name for d, _ in pairs]
