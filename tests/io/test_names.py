"""Names in written AIGER files are unique across inputs, latches and outputs,
and ABC reads every AIGER file the project writes for its own designs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aig import Aig
from circuitlab.aig.ops import strash
from circuitlab.io import dump_aiger, parse_aiger, write_aiger
from circuitlab.io.names import unique_names
from circuitlab.sim import random_patterns, simulate
from circuitlab.synth.abc import find_abc
from strategies import random_aigs

DESIGNS = sorted((Path(__file__).resolve().parents[2] / "data" / "designs").glob("*.v"))


def test_latch_behind_same_named_output_is_renamed():
    assert unique_names(["clk", "d"], ["q", "r"], ["q", "r", "y"]) == (
        ["clk", "d"], ["q_1", "r_1"], ["q", "r", "y"])


def test_renaming_avoids_every_existing_name_and_repeats():
    ins, latches, outs = unique_names(["a", "a", "a_1"], ["a", ""], ["a_2", "x\ny"])
    assert ins == ["a", "a_3", "a_1"]
    assert latches == ["a_4", "l1"]
    assert outs == ["a_2", "x y"]


@settings(max_examples=60, deadline=None)
@given(random_aigs(max_inputs=6, max_ands=30, latches=True), st.data(), st.booleans())
def test_written_names_are_unique_and_the_circuit_unchanged(aig, data, binary):
    pool = st.sampled_from(["a", "b", "q", "q_1", "i0", "o0", "l0", ""])
    named = aig.with_names([data.draw(pool) for _ in range(aig.num_inputs)] or None,
                           [data.draw(pool) for _ in range(aig.num_outputs)] or None,
                           [data.draw(pool) for _ in range(aig.num_latches)] or None)
    back = parse_aiger(dump_aiger(named, binary=binary))
    everything = back.input_names + back.latch_names + back.output_names
    assert len(set(everything)) == len(everything)
    assert back.structurally_equal(aig, names=False)
    pats = random_patterns(aig.num_inputs + aig.num_latches, 1, seed=1)
    assert np.array_equal(simulate(back, pats), simulate(aig, pats))


def _abc_stats(path: Path) -> dict[str, int]:
    proc = subprocess.run([find_abc(), "-s", "-c", f"read_aiger {path}; print_stats"],
                          capture_output=True, text=True, timeout=60)
    text = proc.stdout + proc.stderr
    found = re.search(r"i/o =\s*(\d+)/\s*(\d+)\s+lat =\s*(\d+)\s+and =\s*(\d+)", text)
    assert found, f"ABC did not read {path}:\n{text}"
    return dict(zip(("inputs", "outputs", "latches", "ands"), map(int, found.groups())))


def _counts(aig: Aig) -> dict[str, int]:
    return {"inputs": aig.num_inputs, "outputs": aig.num_outputs,
            "latches": aig.num_latches, "ands": strash(aig).num_ands}


@pytest.mark.needs_abc
@pytest.mark.parametrize("design", DESIGNS, ids=lambda p: p.stem)
def test_abc_reads_every_project_design(design, tmp_path):
    from circuitlab.synth import synthesize
    aig = synthesize(design)
    write_aiger(aig, tmp_path / "x.aig")  # ABC reads binary AIGER only
    assert _abc_stats(tmp_path / "x.aig") == _counts(aig)


@pytest.mark.parametrize("design", DESIGNS, ids=lambda p: p.stem)
def test_aigverse_reads_every_project_design_with_its_latches(design, tmp_path):
    aigverse_io = pytest.importorskip("aigverse.io")
    from circuitlab.synth import synthesize
    aig = synthesize(design)
    write_aiger(aig, tmp_path / "x.aig")
    net = aigverse_io.read_aiger_into_sequential_aig(str(tmp_path / "x.aig"))
    assert {"inputs": net.num_pis, "outputs": net.num_pos, "latches": net.num_registers,
            "ands": net.num_gates} == _counts(aig)
