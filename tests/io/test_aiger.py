import signal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aig import AigBuilder
from circuitlab.errors import FormatError
from circuitlab.io import dump_aiger, parse_aiger, read_aiger, write_aiger
from circuitlab.sim import random_patterns, simulate
from strategies import random_aigs
from shared_data import shared_data

HALF_ADDER_AAG = b"""aag 5 2 0 2 3
2
4
6
11
6 4 2
8 5 3
10 9 7
i0 a
i1 b
o0 carry
o1 sum
c
half adder
"""


def test_read_ascii_with_symbols_and_comments():
    aig = parse_aiger(HALF_ADDER_AAG, "ha.aag")
    assert (aig.num_inputs, aig.num_ands, aig.num_outputs) == (2, 3, 2)
    assert aig.input_names == ("a", "b") and aig.output_names == ("carry", "sum")
    assert aig.comments == ("half adder",)


def test_ascii_out_of_order_is_renumbered_topologically():
    text = b"aag 5 2 0 1 3\n2\n4\n10\n10 9 7\n6 4 2\n8 5 3\n"
    aig = parse_aiger(text)
    ref = parse_aiger(b"aag 5 2 0 1 3\n2\n4\n10\n6 4 2\n8 5 3\n10 9 7\n")
    pats = random_patterns(2, 1, seed=0)
    assert np.array_equal(simulate(aig, pats), simulate(ref, pats))


def test_binary_ascii_and_files_agree(tmp_path):
    aig = parse_aiger(HALF_ADDER_AAG)
    for name in ("x.aig", "x.aag"):
        write_aiger(aig, tmp_path / name)
        back = read_aiger(tmp_path / name)
        assert back.structurally_equal(aig)
    assert (tmp_path / "x.aig").read_bytes().startswith(b"aig 5 2 0 2 3\n")


def test_latches_with_reset_values_round_trip():
    b = AigBuilder()
    q0 = b.add_latch("q0", init=0)
    q1 = b.add_latch("q1", init=1)
    q2 = b.add_latch("q2", init=2)
    d = b.add_input("d")
    b.set_latch_next(q0, d)
    b.set_latch_next(q1, b.and_(q0, q2))
    b.set_latch_next(q2, q1 ^ 1)
    b.add_output(b.xor(q1, d), "y")
    aig = b.build()
    for binary in (True, False):
        back = parse_aiger(dump_aiger(aig, binary=binary))
        assert back.structurally_equal(aig)
        assert back.latches[:, 1].tolist() == [0, 1, 2]


@settings(max_examples=80, deadline=None)
@given(random_aigs(max_inputs=10, max_ands=60, latches=True), st.booleans())
def test_write_read_same_circuit_and_simulation(aig, binary):
    back = parse_aiger(dump_aiger(aig, binary=binary))
    assert back.structurally_equal(aig)
    pats = random_patterns(aig.num_inputs + aig.num_latches, 2, seed=5)
    assert np.array_equal(simulate(back, pats), simulate(aig, pats))


@pytest.mark.parametrize("data, line, message", [
    (b"", 1, "no header"),
    (b"aig 1 1 0 1\n", 1, "header"),
    (b"xyz 1 1 0 1 0\n2\n", 1, "header must start"),
    (b"aig 3 1 0 1 1\n2\n", 1, "M = I \\+ L \\+ A"),
    (b"aag 3 2 0 1 1\n2\n4\n6\n", 5, "expected lines"),
    (b"aag 3 2 0 1 1\n2\n4\n6\n6 4 x\n", 5, "bad AND line"),
    (b"aag 3 2 0 1 1\n2\n4\n9\n6 4 2\n", 4, "exceeds maximum variable"),
    (b"aag 3 2 0 1 1\n2\n4\n6\n6 6 2\n", 5, "cycle"),
    (b"aag 3 2 0 1 1\n2\n2\n6\n6 4 2\n", 3, "defined twice"),
    (b"aag 3 1 0 1 1\n2\n6\n6 4 2\n", 4, "undefined variable"),
    (b"aag 1 1 0 1 0\n2\n2\nx0 bad\n", 4, "symbol table"),
    (b"aag 1 1 0 1 0\n2\n2\no5 y\n", 4, "missing output"),
])
def test_malformed_files_name_the_line(data, line, message):
    with pytest.raises(FormatError, match=message) as info:
        parse_aiger(data, "bad.aag")
    assert info.value.path == "bad.aag"
    assert info.value.line == line
    assert str(info.value).startswith(f"bad.aag:{line}")


def test_binary_truncation_reports_byte_offset():
    data = dump_aiger(parse_aiger(HALF_ADDER_AAG), binary=True, symbols=False, comments=False)
    with pytest.raises(FormatError, match="truncated") as info:
        parse_aiger(data[:-1], "t.aig")
    assert info.value.offset is not None


def test_binary_invalid_delta_reports_byte_offset():
    # First delta 0 would make rhs0 == lhs.
    with pytest.raises(FormatError, match="invalid deltas") as info:
        parse_aiger(b"aig 3 2 0 1 1\n6\n\x00\x02", "d.aig")
    assert info.value.offset == len(b"aig 3 2 0 1 1\n6\n")


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="cannot read"):
        read_aiger(tmp_path / "nope.aig")


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    aig = parse_aiger(HALF_ADDER_AAG)
    target = tmp_path / "out.aig"

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("circuitlab.fsutil.Path.write_bytes", boom)
    with pytest.raises(RuntimeError):
        write_aiger(aig, target)
    assert list(tmp_path.iterdir()) == []


class _Alarm(Exception):
    pass


def _fuzz_corpus():
    """Truncations and byte corruptions of real and random AIGER files."""
    rng = np.random.default_rng(2024)
    bases = [HALF_ADDER_AAG, dump_aiger(parse_aiger(HALF_ADDER_AAG), binary=True)]
    b = AigBuilder()
    xs = b.add_inputs(6, "x")
    q = b.add_latch("q")
    acc = q
    for x in xs:
        acc = b.xor(acc, b.and_(x, acc ^ 1))
    b.set_latch_next(q, acc)
    b.add_output(acc, "y")
    seq = b.build(comments=["fuzz"])
    bases += [dump_aiger(seq, binary=True), dump_aiger(seq, binary=False)]
    corpus = []
    for base in bases:
        corpus += [base[:k] for k in range(0, len(base), max(1, len(base) // 40))]
        for _ in range(60):
            data = bytearray(base)
            for _ in range(int(rng.integers(1, 4))):
                data[int(rng.integers(len(data)))] = int(rng.integers(256))
            corpus.append(bytes(data))
    return corpus


def test_fuzz_corpus_gives_typed_errors_only():
    def on_alarm(signum, frame):
        raise _Alarm()

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        for data in _fuzz_corpus():
            signal.alarm(5)  # a hang fails the test instead of the suite
            try:
                parse_aiger(data, "fuzz.aig")
            except FormatError:
                pass
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, old)


@pytest.mark.needs_data("aig")
@pytest.mark.parametrize("suite", ["iscas85", "epfl_arithmetic"])
def test_reference_files_round_trip_byte_for_byte(suite):
    folder = shared_data("aig", suite)
    for path in sorted(folder.glob("*.aig")):
        if path.stat().st_size > 200_000:
            continue
        data = path.read_bytes()
        assert dump_aiger(read_aiger(path)) == data, path.name
