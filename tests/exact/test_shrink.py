"""SAT shrinking of a given circuit: known smaller circuits are found, every
result is asserted equivalent to its input, budgets and bad input."""

from __future__ import annotations

import functools
import random

import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.exact.shrink import ShrinkParams, shrink
from oracle import assert_equivalent


def sharing_missed_by_scripts() -> Aig:
    """Two 3-input outputs in 4 ANDs; 3 suffice.

    ``circuitlab optimize`` without the SAT search returned this for a
    held-out circuit: resyn2, compress2rs and the model all stopped at 4.
    """
    return Aig(8, [(13, 3), (18, 14), (15, 3), (23, 13)], [20, 24])


def maj3_by_sum_of_products() -> Aig:
    b = AigBuilder()
    x = b.add_inputs(3)
    b.add_output(b.or_(b.or_(b.and_(x[0], x[1]), b.and_(x[0], x[2])), b.and_(x[1], x[2])))
    return b.build().with_names(["a", "b", "c"], ["maj"])


def test_finds_the_sharing_the_scripts_miss():
    aig = sharing_missed_by_scripts()
    out, stats = shrink(aig)
    assert_equivalent(aig, out)
    # each output is a 3-input AND-type function (2 gates), and they differ: 3 is the minimum
    assert out.num_ands == 3 == stats.ands_after
    assert stats.ands_before == 4 and stats.sat_calls == 2 and stats.settled


def test_majority_reaches_its_minimum_and_keeps_names():
    aig = maj3_by_sum_of_products()
    assert aig.num_ands == 5
    out, stats = shrink(aig)
    assert_equivalent(aig, out)
    assert out.num_ands == 4  # the known minimum of MAJ3 (tests/exact/test_synthesis.py)
    assert out.input_names == ("a", "b", "c") == aig.input_names
    assert out.output_names == ("maj",) == aig.output_names


def test_outputs_that_need_no_gate():
    b = AigBuilder()
    x = b.add_inputs(3)
    b.add_output(b.and_(x[0], b.or_(x[0], x[1])))             # x0
    b.add_output(b.and_(x[2], b.and_(x[1], x[1] ^ 1)))        # constant 0, built with a gate
    b.add_output(b.or_(x[1], x[1] ^ 1) ^ 1)                     # constant 0 folded at build
    aig = b.build()
    assert aig.num_ands > 0
    out, stats = shrink(aig)
    assert_equivalent(aig, out)
    assert out.num_ands == 0 and stats.sat_calls == 0


@pytest.mark.parametrize("cegar_inputs", [0, 3])
def test_counterexample_rounds_reach_the_same_minima(cegar_inputs):
    # the formula starts with a few minterms and grows to what the circuit gets wrong
    for aig, minimum in ((sharing_missed_by_scripts(), 3), (maj3_by_sum_of_products(), 4)):
        out, stats = shrink(aig, ShrinkParams(cegar_inputs=cegar_inputs))
        assert_equivalent(aig, out)
        assert out.num_ands == minimum == stats.ands_after


def test_counterexample_rounds_find_a_seven_input_circuit():
    # a held-out circuit as optimize returned it before its SAT search; with all
    # 127 minterms encoded, 100,000 conflicts do not find a 7-AND circuit
    aig = Aig(8, [(16, 5), (15, 13), (20, 19), (15, 7), (24, 18), (10, 2), (28, 21), (30, 27)],
              [22, 32])
    out, stats = shrink(aig, ShrinkParams(conflicts_per_call=100_000, cegar_inputs=7))
    assert_equivalent(aig, out)
    assert out.num_ands == 7 == stats.ands_after < stats.ands_before == 8


@pytest.mark.parametrize("seed, cegar_inputs", [(0, 7), (1, 7), (2, 7), (3, 0), (4, 0)])
def test_random_circuits_never_grow_and_stay_equivalent(seed, cegar_inputs):
    rng = random.Random(seed)
    for _ in range(8):
        b = AigBuilder()
        pool = b.add_inputs(rng.randint(2, 6))
        for _ in range(rng.randint(3, 9)):
            pool.append(b.and_(rng.choice(pool) ^ rng.randint(0, 1),
                               rng.choice(pool) ^ rng.randint(0, 1)))
        for _ in range(rng.randint(1, 2)):
            b.add_output(rng.choice(pool[-3:]) ^ rng.randint(0, 1))
        aig = b.build()
        out, stats = shrink(aig, ShrinkParams(conflicts_per_call=2000,
                                              cegar_inputs=cegar_inputs))
        assert_equivalent(aig, out)
        assert out.num_ands == stats.ands_after <= stats.ands_before == aig.num_ands


def test_budget_cuts_the_search_and_returns_the_input():
    b = AigBuilder()
    b.add_output(functools.reduce(b.xor, b.add_inputs(8)))  # parity of 8 needs 21 ANDs
    aig = b.build()
    out, stats = shrink(aig, ShrinkParams(conflicts_per_call=1, max_gates=8))
    assert out is aig
    assert stats.sat_calls == 1 and not stats.settled and stats.ands_after == aig.num_ands


def test_bad_input_is_refused():
    b = AigBuilder()
    b.add_output(b.and_many(b.add_inputs(9)))
    with pytest.raises(CircuitlabError, match="at most 8 inputs, got 9"):
        shrink(b.build())
    with pytest.raises(CircuitlabError, match="latches"):
        shrink(Aig(1, [], [2], [(2, 0)]))
    with pytest.raises(CircuitlabError, match="conflicts_per_call"):
        ShrinkParams(conflicts_per_call=0)
    with pytest.raises(CircuitlabError, match="lingeling"):
        ShrinkParams(solver="lingeling")
    with pytest.raises(CircuitlabError, match="cegar_inputs"):
        ShrinkParams(cegar_inputs=-1)
    with pytest.raises(CircuitlabError, match="unknown SAT solver"):
        ShrinkParams(solver="nosuch")
