"""Truth-table files: orientation, exact small constructions, IWLS 2022 equivalence, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from circuitlab.aig import AigBuilder
from circuitlab.errors import CircuitlabError, FormatError
from circuitlab.io import (
    dump_truth, parse_truth, parse_truth_tables, read_truth, read_truth_tables, truth_to_aig,
    write_truth,
)
from circuitlab.sim import table_bits, truth_tables
from shared_data import SHARED_DATA
from strategies import random_aigs  # noqa: E402

IWLS = SHARED_DATA / "truth" / "iwls2022"
IWLS_FILES = sorted(IWLS.glob("*.truth")) if IWLS.is_dir() else []


def tables(aig) -> np.ndarray:
    return table_bits(truth_tables(aig), aig.num_inputs)


# --- orientation and exact constructions ------------------------------------------
def test_first_character_is_the_highest_minterm():
    # minterm 1 only: x0 = 1, x1 = 0
    n, t = parse_truth_tables("0010\n")
    assert n == 2
    assert t.dtype == np.uint8 and t.tolist() == [[0, 1, 0, 0]]
    aig = parse_truth("0010")
    assert aig.num_ands == 1
    assert aig.ands.tolist() == [[5, 2]]  # ¬x1 ∧ x0 (input i is var i + 1)


@pytest.mark.parametrize("text, ands", [
    ("1000", 1),       # x0 ∧ x1
    ("0110", 3),       # x0 ⊕ x1
    ("1110", 1),       # x0 ∨ x1
    ("1100", 0),       # x1
    ("0101", 0),       # minterms 2 and 0: ¬x0
    ("0000", 0),
    ("1111", 0),
    ("1", 0),          # zero inputs
    ("11101000", 5),   # majority: x2 ? x0∨x1 : x0∧x1, one AND each plus a 3-AND mux
    ("10010110", 6),   # three-input parity: two XORs
])
def test_small_functions_exact(text, ands):
    aig = parse_truth(text)
    assert aig.num_ands == ands
    assert aig.num_inputs == len(text).bit_length() - 1
    assert dump_truth(aig) == text + "\n"


def test_constants_and_sharing_across_outputs():
    aig = parse_truth("0000\n1111\n1000\n0111\n1000\n")
    assert aig.num_ands == 1
    x0x1 = aig.outputs[2]
    assert aig.outputs.tolist() == [0, 1, x0x1, x0x1 ^ 1, x0x1]


def test_truth_to_aig_checks_shape():
    with pytest.raises(CircuitlabError, match="do not fit"):
        truth_to_aig(np.zeros((1, 8), dtype=np.uint8), 2)


# --- malformed input -----------------------------------------------------------------
@pytest.mark.parametrize("text, line, words", [
    ("0110\n011\n", 2, "length 3 differs from 4 on line 1"),
    ("0110\n\n01100110\n", 3, "differs"),
    ("011\n", 1, "not a power of two"),
    ("0110\n01x0\n", 2, "character 'x' at column 3"),
    ("0 10\n", 1, "character ' '"),
    ("", 1, "no truth table"),
    ("\n\n", 1, "no truth table"),
])
def test_malformed_names_the_line(text, line, words):
    with pytest.raises(FormatError) as info:
        parse_truth_tables(text, "bad.truth")
    assert info.value.line == line
    assert words in str(info.value)
    assert str(info.value).startswith(f"bad.truth:{line}: ")


def test_missing_file_is_format_error(tmp_path):
    with pytest.raises(FormatError, match="cannot read"):
        read_truth(tmp_path / "missing.truth")


def test_crlf_and_trailing_blank_lines(tmp_path):
    path = tmp_path / "x.truth"
    path.write_bytes(b"1000\r\n0110\r\n\r\n")
    n, t = read_truth_tables(path)
    assert n == 2 and t.tolist() == [[0, 0, 0, 1], [0, 1, 1, 0]]


# --- writing -------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(random_aigs(max_inputs=7))
def test_write_read_round_trip(tmp_path_factory, aig):
    path = tmp_path_factory.mktemp("truth") / "x.truth"
    write_truth(aig, path)
    n, t = read_truth_tables(path)
    assert n == aig.num_inputs
    assert np.array_equal(t, tables(aig))
    rebuilt = read_truth(path)
    assert np.array_equal(tables(rebuilt), t)


def test_write_refuses_large_or_sequential(tmp_path):
    b = AigBuilder()
    ins = b.add_inputs(17)
    b.add_output(b.and_many(ins))
    with pytest.raises(CircuitlabError, match="at most 16"):
        write_truth(b.build(), tmp_path / "x.truth")
    b = AigBuilder()
    q = b.add_latch()
    b.set_latch_next(q, q ^ 1)
    b.add_output(q)
    with pytest.raises(CircuitlabError, match="combinational"):
        write_truth(b.build(), tmp_path / "x.truth")
    assert list(tmp_path.iterdir()) == []


# --- IWLS 2022 ------------------------------------------------------------------------
@pytest.mark.needs_data("truth", "iwls2022")
@pytest.mark.parametrize("path", IWLS_FILES, ids=lambda p: p.stem)
def test_iwls2022_aig_is_equivalent_to_its_table(path, tmp_path):
    n, t = read_truth_tables(path)
    aig = read_truth(path)
    assert (aig.num_inputs, aig.num_outputs) == (n, len(t))
    assert np.array_equal(tables(aig), t)  # exhaustive equivalence
    write_truth(aig, tmp_path / "back.truth")
    assert (tmp_path / "back.truth").read_bytes().split() == path.read_bytes().split()
