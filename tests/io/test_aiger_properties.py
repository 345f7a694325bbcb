"""AIGER 1.9 property sections (B, C, J, F) and headers the file cannot back."""

from __future__ import annotations

import resource
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from circuitlab.errors import FormatError
from circuitlab.io import dump_aiger, parse_aiger, read_aiger, write_aiger
from circuitlab.io.aiger import MAX_BINARY_INPUTS, parse_aiger_properties
from circuitlab.sim import random_patterns, simulate
from circuitlab.synth.abc import find_abc
from circuitlab.verify import check_equivalence

DESIGNS = Path(__file__).resolve().parents[2] / "data" / "designs"

# One latch x (next = a AND x), bad = x, constraint = NOT a, one justice property
# {a, x}, fairness x; every section with a symbol.
ASCII_ALL = b"""aag 3 1 1 0 1 1 1 1 1
2
4 6
4
3
2
2
4
4
6 2 4
i0 a
l0 x
b0 never_x
c0 not_a
j0 live
f0 fair
"""
# The same in binary: input 1, latch 2, AND 3 = 2 AND 1.
BINARY_ALL = (b"aig 3 1 1 0 1 1 1 1 1\n6\n4\n3\n2\n2\n4\n4\n" + bytes([6 - 4, 4 - 2])
              + b"i0 a\nl0 x\nb0 never_x\nc0 not_a\nj0 live\nf0 fair\n")


@pytest.mark.parametrize("data", [ASCII_ALL, BINARY_ALL], ids=["ascii", "binary"])
def test_all_four_sections_are_read_with_their_symbols(data):
    aig, props = parse_aiger_properties(data)
    assert (aig.num_inputs, aig.num_latches, aig.num_outputs, aig.num_ands) == (1, 1, 0, 1)
    assert props.bad == (4,) and props.constraints == (3,)
    assert props.justice == ((2, 4),) and props.fairness == (4,)
    assert (props.bad_names, props.constraint_names, props.justice_names,
            props.fairness_names) == (("never_x",), ("not_a",), ("live",), ("fair",))


def test_justice_properties_keep_their_sizes():
    data = b"aag 2 2 0 0 0 0 0 2 0\n2\n4\n1\n2\n2\n4\n5\n"
    _, props = parse_aiger_properties(data)
    assert props.justice == ((2,), (4, 5))


def test_constraints_justice_fairness_are_refused_with_counts():
    with pytest.raises(FormatError, match="1 invariant constraint, 1 justice property, "
                                          "1 fairness constraint") as info:
        parse_aiger(ASCII_ALL, "p.aag", bad_as_outputs=True)
    assert info.value.line == 1


def test_bad_states_need_the_option_and_then_are_outputs():
    data = b"aag 3 2 0 1 1 1\n2\n4\n6\n7\n6 2 4\nb0 nand\n"
    with pytest.raises(FormatError, match="1 bad-state property .*--bad-as-outputs"):
        parse_aiger(data, "b.aag")
    aig = parse_aiger(data, bad_as_outputs=True)
    assert aig.output_names == ("o0", "nand")
    pats = random_patterns(2, 1, seed=0)
    out = simulate(aig, pats)
    assert np.array_equal(out[0], ~out[1])


@pytest.mark.parametrize("data, message", [
    (b"aag 3 2 0 0 1 1\n2\n4\n9\n6 2 4\n", "exceeds maximum variable"),
    (b"aig 3 2 0 0 1 1\n9\n\x02\x02", "exceeds maximum variable"),
    (b"aag 2 2 0 0 0 0 0 1 0\n2\n4\n3\n2\n", "ends after"),
    (b"aag 1 1 0 0 0 1\n2\n2\nb1 x\n", "missing bad-state property"),
])
def test_malformed_property_sections_name_the_line(data, message):
    with pytest.raises(FormatError, match=message) as info:
        parse_aiger_properties(data, "m.aig")
    assert info.value.line is not None


@pytest.mark.parametrize("header", [
    b"aig 4000000000 4000000000 0 1 0\n2\n",          # inputs take no bytes: capped
    b"aig 100000000 100000000 0 1 0\n2\n",
    b"aig 100000000 0 0 1 100000000\n2\n",            # ANDs need 2 bytes each
    b"aig 100000000 0 100000000 1 0\n2\n",            # latches need a line each
    b"aig 5 1 0 1 4 1000000000 0 0 0\n2\n",           # so do properties
    b"aig 1 1 0 0 0 0 0 1 0\n4000000000\n",           # justice sizes need lines too
    b"aag 100000000 100000000 0 1 0\n2\n",            # ASCII: every input needs a line
    b"aag 4000000000 0 0 0 4000000000\n",
    b"aag 5 10 0 0 0\n",                              # M below I + L + A
])
def test_huge_headers_fail_cleanly_fast_and_small(header):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    with pytest.raises(FormatError) as info:
        parse_aiger(header, "huge.aig")
    assert info.value.path == "huge.aig" and info.value.line is not None
    assert time.monotonic() - start < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB


def test_input_cap_is_stated_and_a_file_at_the_cap_reads():
    with pytest.raises(FormatError, match=str(MAX_BINARY_INPUTS)):
        parse_aiger(b"aig %d %d 0 1 0\n2\n" % ((MAX_BINARY_INPUTS + 1,) * 2))
    assert parse_aiger(b"aig 1000 1000 0 1 0\n2\n").num_inputs == 1000


@pytest.mark.needs_abc
@pytest.mark.parametrize("design", ["shreg8", "counter8", "seqdet1011"])
def test_abc_sequential_output_as_bad_states_is_equivalent(design, tmp_path):
    from circuitlab.synth import synthesize
    original = synthesize(DESIGNS / f"{design}.v")
    write_aiger(original, tmp_path / "x.aig")
    proc = subprocess.run([find_abc(), "-s", "-c", "read x.aig; strash; dc2; write_aiger y.aig"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (tmp_path / "y.aig").exists(), proc.stdout + proc.stderr
    header = (tmp_path / "y.aig").read_bytes().split(b"\n", 1)[0].split()
    assert len(header) > 6 and int(header[6]) == original.num_outputs  # a B section
    with pytest.raises(FormatError, match="--bad-as-outputs"):
        read_aiger(tmp_path / "y.aig")
    optimised = read_aiger(tmp_path / "y.aig", bad_as_outputs=True)
    assert optimised.num_outputs == original.num_outputs
    assert check_equivalence(original, optimised, match="position").equivalent
    # and back through our writer: still the same circuit
    again = parse_aiger(dump_aiger(optimised))
    assert check_equivalence(original, again, match="position").equivalent
