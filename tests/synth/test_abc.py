"""The ABC wrapper: scripts, batches, names, typed errors, time limits, CEC.

Every optimised circuit is asserted equivalent to its input.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import CircuitlabError, ToolError, ToolNotFoundError, ToolTimeoutError
from circuitlab.io import abc_process, read_aiger
from circuitlab.synth.abc import (
    ENV_VAR, abc_available, abc_cec, check_commands, find_abc, run_abc_batch, run_abc_script,
)
from circuitlab.synth.recipes import SCRIPTS
from oracle import assert_equivalent
from shared_data import AIG_DATA

pytestmark = pytest.mark.needs_abc

RESYN2 = SCRIPTS["resyn2"].split("; ")


def adder(bits: int) -> Aig:
    """Ripple-carry adder built redundantly (XOR as OR of two ANDs, majority carry)."""
    b = AigBuilder()
    xs = [b.add_input(f"x{k}") for k in range(bits)]
    ys = [b.add_input(f"y{k}") for k in range(bits)]
    carry = 0
    for k in range(bits):
        b.add_output(b.xor(b.xor(xs[k], ys[k]), carry), f"s{k}")
        carry = b.maj(xs[k], ys[k], carry)
    b.add_output(carry, "cout")
    return b.build(comments=["adder"])


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Route tempfile's folders into ``tmp_path`` to see what is left behind."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


# --- finding ABC ---------------------------------------------------------------
def test_find_abc(monkeypatch):
    assert Path(find_abc()).is_file()
    monkeypatch.setenv(ENV_VAR, "/nonexistent/abc")
    with pytest.raises(ToolNotFoundError, match=ENV_VAR):
        find_abc()
    assert not abc_available()
    monkeypatch.setenv(ENV_VAR, "true")  # exists, but is not ABC
    assert not abc_available()
    with pytest.raises(ToolNotFoundError):
        run_abc_script(adder(2), ["balance"])


def test_not_on_path(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolNotFoundError, match="berkeley-abc"):
        find_abc()


# --- scripts ---------------------------------------------------------------------
def test_script_names_and_equivalence(private_tmp):
    aig = adder(4)
    result = run_abc_script(aig, RESYN2)
    assert result.num_ands < aig.num_ands
    assert result.input_names == aig.input_names and result.output_names == aig.output_names
    assert result.comments == ("adder",)
    assert_equivalent(aig, result)
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("aig", [Aig(0, [], [1, 0]), Aig(2, [], []), Aig(2, [], [3, 4, 0]),
                                 Aig(2, [[4, 2]], [7])],
                         ids=["consts", "no-outputs", "wires", "one-and"])
def test_degenerate_circuits(aig):
    result = run_abc_script(aig, RESYN2)
    assert result.structurally_equal(aig)


def test_batch_equals_one_by_one(monkeypatch, private_tmp):
    aigs = [adder(k) for k in (1, 3, 5)]
    if AIG_DATA.is_dir():
        aigs.append(read_aiger(AIG_DATA / "iscas85" / "c432.aig"))
    singles = [run_abc_script(a, RESYN2) for a in aigs]
    starts = []
    real_popen = subprocess.Popen

    def counting_popen(*args, **kwargs):
        starts.append(args[0])
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(abc_process.subprocess, "Popen", counting_popen)
    batch = run_abc_batch(aigs, RESYN2)
    assert len(starts) == 1  # one ABC process for the whole batch
    assert all(x.structurally_equal(y) for x, y in zip(batch, singles))
    for a, r in zip(aigs, batch):
        assert_equivalent(a, r)
    if AIG_DATA.is_dir():
        assert batch[-1].num_ands == 136  # README anchor: c432 resyn2
    assert run_abc_batch([], RESYN2) == []
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("command, message", [
    ("rewrite -Q", "unknown option Q"),
    ("frobnicate", "unknown command 'frobnicate'"),
    ("refactor -N 16", "cannot exceed 15"),
])
def test_abc_failure_quotes_abc(private_tmp, command, message):
    with pytest.raises(ToolError, match=message) as err:
        run_abc_batch([adder(2), adder(3)], ["balance", command])
    assert "circuit 0 of 2" in str(err.value)
    assert not isinstance(err.value, ToolTimeoutError)
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("commands", [["read_aiger x.aig"], ["write_aiger y.aig"],
                                      ["balance; rewrite"], ["!rm -rf /"], [""], "balance",
                                      ["source x"], ["rewrite # comment"], ["&w out.aig"]])
def test_refused_commands(commands):
    with pytest.raises(CircuitlabError):
        run_abc_script(adder(2), commands)


def test_check_commands_strips():
    assert check_commands([" balance ", "resub -K 6 -N 2 -l"]) == ["balance",
                                                                    "resub -K 6 -N 2 -l"]


def test_sequential_refused():
    b = AigBuilder()
    q = b.add_latch("q")
    b.set_latch_next(q, q ^ 1)
    b.add_output(q)
    with pytest.raises(CircuitlabError, match="cut_latches"):
        run_abc_script(b.build(), ["balance"])


def test_bad_timeout():
    with pytest.raises(CircuitlabError, match="timeout"):
        run_abc_script(adder(2), ["balance"], timeout=0)


@pytest.mark.needs_data("aig")
def test_timeout_kills_and_cleans(monkeypatch, private_tmp):
    aig = read_aiger(AIG_DATA / "epfl_arithmetic" / "multiplier.aig")  # resyn2 takes seconds
    procs = []
    real_popen = subprocess.Popen

    def keep_popen(*args, **kwargs):
        procs.append(real_popen(*args, **kwargs))
        return procs[-1]

    monkeypatch.setattr(abc_process.subprocess, "Popen", keep_popen)
    with pytest.raises(ToolTimeoutError, match="within 0.3 s"):
        run_abc_script(aig, RESYN2, timeout=0.3)
    assert len(procs) == 1 and procs[0].poll() is not None
    assert list(private_tmp.iterdir()) == []


# --- equivalence checking ----------------------------------------------------------
def test_cec_verdicts():
    aig = adder(4)
    assert abc_cec(aig, run_abc_script(aig, RESYN2)) is True
    flipped = Aig(aig.num_inputs, aig.ands, np.concatenate([aig.outputs[:1] ^ 1,
                                                            aig.outputs[1:]]))
    assert abc_cec(aig, flipped) is False
    renamed = aig.with_names([f"n{k}" for k in range(aig.num_inputs)])
    assert abc_cec(aig, renamed, conflict_limit=100) is True  # matched by position
    with pytest.raises(CircuitlabError, match="equal interfaces"):
        abc_cec(aig, adder(3))


def test_cec_undecided_and_timeout(monkeypatch):
    monkeypatch.setattr(abc_process, "run_abc_process", lambda *a, **k: "Networks are UNDECIDED.   Time = 1 sec")
    assert abc_cec(adder(2), adder(2)) is None

    def too_slow(*args, **kwargs):
        raise ToolTimeoutError("ABC did not finish cec")

    monkeypatch.setattr(abc_process, "run_abc_process", too_slow)
    assert abc_cec(adder(2), adder(2)) is None
    monkeypatch.setattr(abc_process, "run_abc_process", lambda *a, **k: "Segmentation fault")
    with pytest.raises(ToolError, match="no verdict"):
        abc_cec(adder(2), adder(2))


@pytest.mark.needs_data("aig")
def test_cec_on_iscas():
    aig = read_aiger(AIG_DATA / "iscas85" / "c880.aig")
    assert abc_cec(aig, run_abc_script(aig, RESYN2), timeout=30) is True


def test_a_crashing_abc_is_reported_with_its_signal(tmp_path, monkeypatch):
    fake = tmp_path / "abc"
    fake.write_text("#!/bin/sh\ncase \"$*\" in *version*) echo 'UC Berkeley, ABC 1.01';; "
                    "*) kill -SEGV $$;; esac\n")
    fake.chmod(0o755)
    monkeypatch.setenv(ENV_VAR, str(fake))
    with pytest.raises(ToolError, match="ABC crashed with SIGSEGV"):
        run_abc_script(adder(2), ["balance"])


@pytest.mark.needs_abc
@pytest.mark.needs_data("aig")
def test_cec_timeout_is_honoured_with_the_abc_engine():
    from circuitlab.verify import CheckParams, Verdict, check_equivalence
    big = read_aiger(AIG_DATA / "epfl_arithmetic" / "multiplier.aig")
    optimised = run_abc_script(big, RESYN2)  # ABC's cec takes 5-15 s on this pair
    params = CheckParams(engine="abc", timeout=2.0)
    result = check_equivalence(big, optimised, params=params)
    assert result.verdict is Verdict.UNDECIDED and "time limit" in result.reason
    assert result.seconds < 3.0


@pytest.mark.needs_abc
def test_trace_gives_each_step_as_separate_runs_do():
    from circuitlab.synth.abc import run_abc_trace
    from circuitlab.transformer.data.generate import random_circuits
    (aig,) = random_circuits(1, seed=3, ands=(40, 60))
    steps = ["balance", "rewrite", "refactor -z", "resub"]
    trace = run_abc_trace(aig, steps)
    assert len(trace) == len(steps)
    current = aig
    for step, traced in zip(steps, trace):
        current = run_abc_script(current, [step])
        assert traced.structurally_equal(current)
        assert_equivalent(aig, traced)
        assert traced.input_names == aig.input_names
