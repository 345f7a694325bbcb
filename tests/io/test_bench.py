"""Bench reading and writing: exact counts, equivalence with AIGER c17, round trips, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from circuitlab.aig import AigBuilder
from circuitlab.errors import CircuitlabError, FormatError
from circuitlab.io import dump_bench, parse_bench, read_aiger, read_bench, write_bench
from circuitlab.sim import table_bits, truth_tables
from shared_data import AIG_DATA
from strategies import random_aigs  # noqa: E402

C17_AIG = AIG_DATA / "iscas85" / "c17.aig"

C17_BENCH = """\
# c17, ISCAS'85
INPUT(1)
INPUT(2)
INPUT(3)
INPUT(6)
INPUT(7)

OUTPUT(22)
OUTPUT(23)

10 = NAND(1, 3)
11 = NAND(3, 6)
16 = NAND(2, 11)
19 = NAND(11, 7)
22 = NAND(10, 16)
23 = NAND(16, 19)
"""


def tables(aig) -> np.ndarray:
    """Outputs (then latch next states) over all minterms, latches as inputs."""
    return table_bits(truth_tables(aig), aig.num_inputs + aig.num_latches)


def minterm_inputs(n: int) -> np.ndarray:
    """``[n, 2^n]`` 0/1: value of input ``i`` on minterm ``m``."""
    m = np.arange(1 << n)
    return ((m[None, :] >> np.arange(n)[:, None]) & 1).astype(np.uint8)


# --- reading -------------------------------------------------------------------
def test_c17_exact_counts_and_names():
    aig = parse_bench(C17_BENCH)
    assert (aig.num_inputs, aig.num_outputs, aig.num_latches, aig.num_ands) == (5, 2, 0, 6)
    assert aig.input_names == ("1", "2", "3", "6", "7")
    assert aig.output_names == ("22", "23")


def test_c17_function_by_hand():
    x1, x2, x3, x6, x7 = minterm_inputs(5).astype(bool)
    n10, n11 = ~(x1 & x3), ~(x3 & x6)
    n16, n19 = ~(x2 & n11), ~(n11 & x7)
    expected = np.stack([~(n10 & n16), ~(n16 & n19)]).astype(np.uint8)
    assert np.array_equal(tables(parse_bench(C17_BENCH)), expected)


@pytest.mark.needs_data("aig", "iscas85", "c17.aig")
def test_c17_equivalent_to_iscas85_aiger():
    ref = read_aiger(C17_AIG)
    ours = parse_bench(C17_BENCH)
    # the AIGER copy names the inputs G1..G5 in the order 1, 3, 2, 6, 7 of the bench
    b = AigBuilder()
    ins = {name: b.add_input(name) for name in ours.input_names}
    for lit, name in zip(b.add_aig(ref, [ins[n] for n in ("1", "3", "2", "6", "7")]),
                         ours.output_names):
        b.add_output(lit, name)
    assert ref.num_ands == ours.num_ands == 6
    assert np.array_equal(tables(b.build()), tables(ours))


@pytest.mark.parametrize("gate, ands, expect", [
    ("AND(a, b, c)", 2, lambda a, b, c: a & b & c),
    ("NAND(a, b, c)", 2, lambda a, b, c: ~(a & b & c)),
    ("OR(a, b)", 1, lambda a, b, c: a | b),
    ("NOR(a, b, c)", 2, lambda a, b, c: ~(a | b | c)),
    ("XOR(a, b)", 3, lambda a, b, c: a ^ b),
    ("XOR(a, b, c)", 6, lambda a, b, c: a ^ b ^ c),
    ("XNOR(a, b)", 3, lambda a, b, c: ~(a ^ b)),
    ("NXOR(a, b)", 3, lambda a, b, c: ~(a ^ b)),
    ("NOT(a)", 0, lambda a, b, c: ~a),
    ("BUF(b)", 0, lambda a, b, c: b),
    ("BUFF(c)", 0, lambda a, b, c: c),
    ("MUX(a, b, c)", 3, lambda a, b, c: (a & b) | (~a & c)),
    ("and(a, b)", 1, lambda a, b, c: a & b),
    ("AND(a)", 0, lambda a, b, c: a),
    ("AND(a, vdd)", 0, lambda a, b, c: a),
    ("OR(a, gnd)", 0, lambda a, b, c: a),
    ("AND(a, gnd)", 0, lambda a, b, c: a & False),
])
def test_gate_types(gate, ands, expect):
    aig = parse_bench(f"INPUT(a)\nINPUT(b)\nINPUT(c)\nOUTPUT(y)\ny = {gate}\n")
    assert aig.num_ands == ands
    a, b, c = minterm_inputs(3).astype(bool)
    want = np.broadcast_to(expect(a, b, c), (8,)).astype(np.uint8)
    assert np.array_equal(tables(aig)[0], want)


def test_use_before_definition_comments_constants():
    text = """
    OUTPUT(y)   # declared first
    y = OR(t, z)
    t = AND(a, b)   # defined after use
    z = gnd
    k = vdd
    OUTPUT(k)
    INPUT(a)
    INPUT(b)
    """
    aig = parse_bench(text)
    assert aig.input_names == ("a", "b")
    assert aig.output_names == ("y", "k")
    assert aig.num_ands == 1
    assert aig.outputs[1] == 1  # constant true
    assert np.array_equal(tables(aig)[0], [0, 0, 0, 1])


def test_defined_signal_named_vdd_is_not_a_constant():
    aig = parse_bench("INPUT(vdd)\nOUTPUT(y)\ny = NOT(vdd)\n")
    assert aig.num_inputs == 1 and aig.outputs.tolist() == [3]


def test_dff_becomes_latch_with_reset_zero():
    text = """
    INPUT(en)
    OUTPUT(q)
    q = DFF(d)
    d = XOR(q, en)
    """
    aig = parse_bench(text)
    assert (aig.num_inputs, aig.num_latches, aig.num_outputs, aig.num_ands) == (1, 1, 1, 3)
    assert aig.latch_names == ("q",)
    assert aig.latches[0, 1] == 0
    # q is var 2 (after input en); the output is the latch itself
    assert aig.outputs.tolist() == [4]
    en, q = minterm_inputs(2)
    assert np.array_equal(tables(aig)[1], en ^ q)  # next-state function


def test_gates_kept_in_file_order_when_topological():
    aig = parse_bench("INPUT(a)\nINPUT(b)\nOUTPUT(y)\nu = AND(a, b)\n"
                      "v = OR(a, b)\ny = AND(u, v)\n")
    assert aig.ands.tolist() == [[4, 2], [5, 3], [9, 6]]  # v = ¬(¬a∧¬b) is literal 9


def test_read_bench_file(tmp_path):
    path = tmp_path / "c17.bench"
    path.write_text(C17_BENCH)
    assert read_bench(path).structurally_equal(parse_bench(C17_BENCH))


def test_deep_chain_no_recursion_limit():
    n = 5000
    lines = ["INPUT(a)", "INPUT(b)", "OUTPUT(g4999)", "g0 = AND(a, b)"]
    lines += [f"g{k} = AND(g{k - 1}, {'a' if k % 2 else 'b'})" for k in range(1, n)]
    aig = parse_bench("\n".join(reversed(lines)))  # worst case: every use before definition
    assert aig.num_ands == n


# --- malformed input -------------------------------------------------------------
@pytest.mark.parametrize("text, line, words", [
    ("INPUT(a)\nOUTPUT(y)\ny = LUT 0x8 (a, a)\n", 3, "unsupported gate type 'LUT'"),
    ("INPUT(a)\nOUTPUT(y)\ny = FOO(a)\n", 3, "unsupported gate type"),
    ("INPUT(a)\nOUTPUT(y)\n\ny = AND(a, b)\n", 4, "'b' is used but never defined"),
    ("INPUT(a)\nOUTPUT(y)\n", 2, "'y' is used but never defined"),
    ("INPUT(a)\nOUTPUT(y)\ny = DFF(q)\n", 3, "'q' is used but never defined"),
    ("INPUT(a)\nOUTPUT(y)\ny = AND(a, z)\nz = NOT(y)\n", 4, "cycle"),
    ("INPUT(a)\nOUTPUT(y)\ny = AND(a, y)\n", 3, "cycle"),
    ("INPUT(a)\nINPUT(a)\n", 2, "defined twice (first on line 1)"),
    ("INPUT(a)\nOUTPUT(y)\ny = NOT(a)\ny = BUFF(a)\n", 4, "defined twice"),
    ("INPUT(a)\nOUTPUT(y)\ny = NOT(a, a)\n", 3, "NOT takes 1 fan-in, got 2"),
    ("INPUT(a)\nOUTPUT(y)\ny = AND()\n", 3, "AND takes at least 1 fan-in"),
    ("INPUT(a)\nOUTPUT(y)\ny = MUX(a, a)\n", 3, "MUX takes 3 fan-ins"),
    ("INPUT(a)\nOUTPUT(y)\ny = DFF(a, a)\n", 3, "DFF takes 1 fan-in"),
    ("INPUT(a)\nOUTPUT(y)\ny = AND(a,, a)\n", 3, "bad signal name"),
    ("INPUT(a)\nOUTPUT(y)\ny = AND(a, b\n", 3, "parentheses"),
    ("INPUT(a\n", 1, "cannot parse"),
    ("# ok\nINPUT(a)\nwhat is this\n", 3, "cannot parse"),
])
def test_malformed_input_names_the_line(text, line, words):
    with pytest.raises(FormatError) as info:
        parse_bench(text, "bad.bench")
    assert info.value.line == line
    assert words in str(info.value)
    assert str(info.value).startswith(f"bad.bench:{line}: ")


def test_not_utf8_names_the_line():
    with pytest.raises(FormatError) as info:
        parse_bench(b"INPUT(a)\nOUTPUT(\xff)\n", "bad.bench")
    assert info.value.line == 2


def test_missing_file_is_format_error(tmp_path):
    with pytest.raises(FormatError, match="cannot read"):
        read_bench(tmp_path / "missing.bench")


# --- writing -----------------------------------------------------------------------
def test_write_c17_text():
    text = dump_bench(parse_bench(C17_BENCH))
    assert text.count(" = AND(") == 6
    assert "INPUT(1)\n" in text and "OUTPUT(23)\n" in text
    assert parse_bench(text).structurally_equal(parse_bench(C17_BENCH))


@settings(max_examples=150, deadline=None)
@given(random_aigs(latches=True, latch_inits=(0,)))
def test_write_read_round_trip(tmp_path_factory, aig):
    path = tmp_path_factory.mktemp("bench") / "x.bench"
    write_bench(aig, path)
    back = read_bench(path)
    assert back.structurally_equal(aig)
    assert np.array_equal(tables(back), tables(aig))


@settings(max_examples=50, deadline=None)
@given(random_aigs(max_inputs=4, max_ands=10))
def test_round_trip_with_awkward_names(aig):
    """Names that collide with the writer's internal prefix and with the constants."""
    ins = ["gnd", "vdd", "n_3", "_n_1"][:aig.num_inputs]
    named = aig.with_names(input_names=ins or None,
                           output_names=[f"n_o{k}" for k in range(aig.num_outputs)])
    back = parse_bench(dump_bench(named))
    assert back.input_names == named.input_names
    assert back.output_names == named.output_names
    assert np.array_equal(tables(back), tables(named))


def test_output_driven_directly_by_input_keeps_names():
    aig = parse_bench("INPUT(a)\nOUTPUT(a)\nOUTPUT(na)\nna = NOT(a)\n")
    text = dump_bench(aig)
    back = parse_bench(text)
    assert back.structurally_equal(aig)
    assert back.output_names == ("a", "na")


def test_write_refuses_what_bench_cannot_hold(tmp_path):
    b = AigBuilder()
    q = b.add_latch("q", init=1)
    b.set_latch_next(q, q ^ 1)
    b.add_output(q, "y")
    path = tmp_path / "x.bench"
    with pytest.raises(CircuitlabError, match="reset"):
        write_bench(b.build(), path)
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    b = AigBuilder()
    a = b.add_input("a b")
    b.add_output(a, "y")
    with pytest.raises(CircuitlabError, match="cannot be written"):
        dump_bench(b.build())
    b = AigBuilder()
    a, c = b.add_input("a"), b.add_input("c")
    b.add_output(c, "a")  # output 'a' would redefine input 'a'
    with pytest.raises(CircuitlabError, match="taken"):
        dump_bench(b.build())
