"""The python-sat engine: exact verdicts on tiny circuits, random circuits against
their strashed copies and a truth-table oracle, real circuits against their
resyn2 versions, budgets and time limits that give UNDECIDED, never a wrong verdict.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import random_aigs

from circuitlab.aig import Aig, AigBuilder, strash
from circuitlab.errors import CircuitlabError
from circuitlab.io import read_aiger, write_aiger
from circuitlab.sim import simulate, truth_tables
from circuitlab.synth.recipes import RecipeParams, run_recipe
from circuitlab.verify import SatParams, Verdict, sat_equivalence
from shared_data import AIG_DATA


EPFL_FAST = ["adder", "bar", "max", "sin"]
EPFL_SLOW = ["div", "hyp", "log2", "multiplier", "sqrt", "square"]
ISCAS = ["c17", "c432", "c499", "c880", "c1355", "c1908", "c2670", "c3540", "c5315", "c6288",
         "c7552"]


def circuit_path(name: str) -> Path:
    suite = "iscas85" if name in ISCAS else "epfl_arithmetic"
    return AIG_DATA / suite / f"{name}.aig"


@pytest.fixture(scope="session")
def resyn2(tmp_path_factory):
    """``resyn2(name) -> (original, optimised)``; optimised versions are written
    once per session into a temporary folder (ABC when installed, else aigverse)."""
    folder = tmp_path_factory.mktemp("resyn2")
    cache: dict[str, tuple[Aig, Aig]] = {}

    def get(name: str) -> tuple[Aig, Aig]:
        if name not in cache:
            original = read_aiger(circuit_path(name))
            target = folder / f"{name}.aig"
            optimised, _ = run_recipe(original, "resyn2", RecipeParams(timeout=900))
            write_aiger(optimised, target)
            cache[name] = (original, read_aiger(target))
        return cache[name]

    return get


def build(num_inputs: int, body) -> Aig:
    b = AigBuilder()
    xs = [b.add_input(f"x{k}") for k in range(num_inputs)]
    for k, lit in enumerate(body(b, xs)):
        b.add_output(lit, f"y{k}")
    return b.build()


def assert_distinguishes(a: Aig, b: Aig, cex: np.ndarray, output: int) -> None:
    word = np.asarray(cex, dtype=np.uint64)[:, None]
    assert (simulate(a, word)[output, 0] ^ simulate(b, word)[output, 0]) & np.uint64(1)


# --- tiny circuits with exact verdicts -------------------------------------------
def test_de_morgan_is_equivalent():
    a = build(2, lambda b, x: [b.and_(x[0], x[1])])
    c = build(2, lambda b, x: [b.or_(x[0] ^ 1, x[1] ^ 1) ^ 1])
    out = sat_equivalence(a, c)
    assert out.verdict is Verdict.EQUIVALENT
    assert out.stats.structural == 1 and out.stats.sat_calls == 0


def test_xor_two_ways_needs_sat():
    a = build(2, lambda b, x: [b.xor(x[0], x[1])])
    c = build(2, lambda b, x: [b.and_(b.or_(x[0], x[1]), b.nand(x[0], x[1]))])
    for sweep in (True, False):
        out = sat_equivalence(a, c, SatParams(sweep=sweep))
        assert out.verdict is Verdict.EQUIVALENT
        assert out.stats.structural == 0 and out.stats.sat_calls >= 2


def test_and_versus_or_is_refuted_with_an_input_assignment():
    a = build(2, lambda b, x: [b.and_(x[0], x[1])])
    c = build(2, lambda b, x: [b.or_(x[0], x[1])])
    out = sat_equivalence(a, c, SatParams(sweep=False))
    assert out.verdict is Verdict.NOT_EQUIVALENT
    assert out.failing_output == 0
    assert out.counterexample.tolist() in ([0, 1], [1, 0])
    assert_distinguishes(a, c, out.counterexample, 0)


def test_rare_difference_beyond_simulation():
    """AND of 40 inputs against constant 0 differs on one pattern in 2^40."""
    a = build(40, lambda b, x: [b.and_many(x), x[0]])
    c = build(40, lambda b, x: [0, x[0]])
    out = sat_equivalence(a, c)
    assert out.verdict is Verdict.NOT_EQUIVALENT and out.failing_output == 0
    assert out.counterexample.tolist() == [1] * 40


def test_no_inputs_and_no_outputs():
    assert sat_equivalence(build(0, lambda b, x: [1]), build(0, lambda b, x: [1])).verdict \
        is Verdict.EQUIVALENT
    out = sat_equivalence(build(0, lambda b, x: [1]), build(0, lambda b, x: [0]))
    assert out.verdict is Verdict.NOT_EQUIVALENT and out.counterexample.tolist() == []
    assert sat_equivalence(build(3, lambda b, x: []), build(3, lambda b, x: [])).verdict \
        is Verdict.EQUIVALENT


def test_interface_errors():
    a = build(2, lambda b, x: [x[0]])
    with pytest.raises(CircuitlabError, match="inputs/outputs"):
        sat_equivalence(a, build(3, lambda b, x: [x[0]]))
    b = AigBuilder()
    lat = b.add_latch("s")
    b.set_latch_next(lat, b.add_input("x"))
    b.add_input("y")
    b.add_output(lat)
    with pytest.raises(CircuitlabError, match="latches"):
        sat_equivalence(a, b.build())


@pytest.mark.parametrize("solver", ["m22", "g4", "cd15"])
def test_solvers_agree(solver):
    names = 12
    a = build(names, lambda b, x: [b.xor(b.and_many(x[:6]), b.or_many(x[6:])), b.maj(*x[:3])])
    c = build(names, lambda b, x: [b.xnor(b.and_many(x[:6]) ^ 1, b.or_many(x[6:])),
                                   b.or_(b.and_(x[0], b.or_(x[1], x[2])), b.and_(x[1], x[2]))])
    d = build(names, lambda b, x: [b.xor(b.and_many(x[:6]), b.or_many(x[6:])), b.mux(*x[:3])])
    params = SatParams(solver=solver)
    assert sat_equivalence(a, c, params).verdict is Verdict.EQUIVALENT
    out = sat_equivalence(a, d, params)
    assert out.verdict is Verdict.NOT_EQUIVALENT and out.failing_output == 1
    assert_distinguishes(a, d, out.counterexample, 1)


@pytest.mark.parametrize("bad", [dict(solver="nosuch"), dict(solver="lingeling"),
                                 dict(solver="kissat"), dict(conflict_budget=0),
                                 dict(sim_words=0), dict(timeout=0), dict(sweep_budget=0)])
def test_bad_params(bad):
    with pytest.raises(CircuitlabError):
        SatParams(**bad)


# --- random circuits ---------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_aigs(max_inputs=10, max_ands=60), st.booleans())
def test_random_circuit_equals_its_strashed_copy(aig, sweep):
    out = sat_equivalence(aig, strash(aig), SatParams(sweep=sweep))
    assert out.verdict is Verdict.EQUIVALENT


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.booleans())
def test_verdict_matches_truth_tables(data, sweep):
    n = data.draw(st.integers(0, 7))
    o = data.draw(st.integers(1, 3))
    a = data.draw(random_aigs(min_inputs=n, max_inputs=n, min_outputs=o, max_outputs=o,
                              max_ands=30))
    b = data.draw(random_aigs(min_inputs=n, max_inputs=n, min_outputs=o, max_outputs=o,
                              max_ands=30))
    out = sat_equivalence(a, b, SatParams(sweep=sweep, sim_words=1))
    same = np.array_equal(truth_tables(a), truth_tables(b))
    assert out.verdict is (Verdict.EQUIVALENT if same else Verdict.NOT_EQUIVALENT)
    if not same:
        assert_distinguishes(a, b, out.counterexample, out.failing_output)


# --- real circuits against their resyn2 versions --------------------------------------
@pytest.mark.needs_data("aig")
@pytest.mark.parametrize("name", EPFL_FAST + ISCAS)
def test_resyn2_version_is_proven_equivalent(resyn2, name):
    original, optimised = resyn2(name)
    out = sat_equivalence(original, optimised)
    assert out.verdict is Verdict.EQUIVALENT, out.reason


@pytest.mark.slow
@pytest.mark.needs_data("aig")
@pytest.mark.parametrize("name", EPFL_SLOW)
def test_resyn2_version_of_large_circuit_is_proven_equivalent(resyn2, name):
    original, optimised = resyn2(name)
    out = sat_equivalence(original, optimised)
    assert out.verdict is Verdict.EQUIVALENT, out.reason


@pytest.mark.needs_data("aig")
def test_tiny_budget_on_hard_pair_is_undecided(resyn2):
    """c6288 (a 16x16 multiplier) without sweeping: the middle product bits need
    far more than 10 conflicts, so the answer is UNDECIDED, never a verdict."""
    original, optimised = resyn2("c6288")
    out = sat_equivalence(original, optimised, SatParams(sweep=False, conflict_budget=10))
    assert out.verdict is Verdict.UNDECIDED
    assert "conflict budget of 10" in out.reason
    assert out.stats.budget_outs > 0 and out.counterexample is None


@pytest.mark.needs_data("aig")
def test_tiny_budget_with_sweeping_never_gives_a_wrong_verdict(resyn2):
    original, optimised = resyn2("c6288")
    out = sat_equivalence(original, optimised, SatParams(conflict_budget=1, sweep_budget=1))
    assert out.verdict in (Verdict.EQUIVALENT, Verdict.UNDECIDED)


@pytest.mark.needs_data("aig")
def test_time_limit_gives_undecided(resyn2):
    original, optimised = resyn2("c6288")
    out = sat_equivalence(original, optimised,
                          SatParams(sweep=False, conflict_budget=None, timeout=0.3))
    assert out.verdict is Verdict.UNDECIDED
    assert "time limit" in out.reason
    assert out.stats.seconds < 5


@pytest.mark.slow
@pytest.mark.needs_data("aig")
def test_tiny_budget_on_multiplier_is_undecided(resyn2):
    original, optimised = resyn2("multiplier")
    out = sat_equivalence(original, optimised, SatParams(sweep=False, conflict_budget=100))
    assert out.verdict is Verdict.UNDECIDED
