"""aigverse calls: deep circuits do not crash, crashes and deadlines are reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from circuitlab.aig import AigBuilder
from circuitlab.errors import CircuitlabError, ToolError
from circuitlab.io import aigverse_call
from circuitlab.io.aigverse_call import call_deep, call_with_deadline, check_depth
from circuitlab.verify import CheckParams, Verdict, check_equivalence

ROOT = Path(__file__).resolve().parents[2]


def chain(n: int):
    b = AigBuilder()
    xs = b.add_inputs(n + 1)
    acc = xs[0]
    for k in range(1, n + 1):
        acc = b.and_(acc, xs[k] ^ (k & 1))
    b.add_output(acc)
    return b.build()


def test_call_deep_returns_and_raises():
    assert call_deep(lambda x: x + 1, 1) == 2
    with pytest.raises(ZeroDivisionError):
        call_deep(lambda: 1 / 0)


def test_a_crash_in_the_child_names_the_signal():
    with pytest.raises(ToolError, match="test call crashed with SIGSEGV"):
        call_with_deadline(lambda: os.kill(os.getpid(), signal.SIGSEGV), timeout=30,
                           what="test call")
    assert call_with_deadline(lambda: [1, 2], timeout=30, what="x") == (True, [1, 2])


def test_the_deadline_kills_the_child():
    start = time.monotonic()
    assert call_with_deadline(time.sleep, 30, timeout=0.5, what="sleep") == (False, None)
    assert time.monotonic() - start < 5


def test_too_deep_is_refused_naming_the_engine(monkeypatch):
    monkeypatch.setattr(aigverse_call, "MAX_DEPTH", 50)
    with pytest.raises(CircuitlabError, match="the aigverse engine .* 60 levels .* default engine"):
        check_depth(chain(60), "the aigverse engine")
    check_depth(chain(50), "the aigverse engine")


def test_aigverse_cec_honours_the_timeout():
    deep = chain(20_000)  # mockturtle's checker takes minutes on it
    params = CheckParams(engine="aigverse", random_words=0, timeout=1.0)
    result = check_equivalence(deep, chain(20_000).with_names(None, ["o0"]), match="position",
                               params=params)
    assert result.verdict is Verdict.UNDECIDED and "time limit" in result.reason
    assert result.seconds < 5


def test_a_chain_past_the_main_thread_stack_limit_is_optimised(tmp_path):
    # 150,000 levels already crash mockturtle on an 8 MiB stack; run where a crash
    # cannot take pytest down. Not crashing is the point: balancing's equivalence is
    # asserted in tests/synth on circuits the checker proves quickly.
    code = ("import sys; sys.path.insert(0, 'tests/io'); from test_aigverse_call import chain\n"
            "from circuitlab.synth.aigverse_engine import run_steps\n"
            "from circuitlab.synth.recipes import parse_recipe\n"
            "a = chain(160_000); (b,) = run_steps(a, parse_recipe('balance'))\n"
            "assert (b.num_inputs, b.num_outputs) == (a.num_inputs, 1)\n"
            "print(b.num_ands)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
