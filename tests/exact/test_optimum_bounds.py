"""The proven bounds of experiments/optimum_bounds.py, against exact synthesis."""

import sys
from pathlib import Path

import numpy as np
import pytest

from circuitlab.aig import AigBuilder
from circuitlab.exact.synthesis import ExactParams, Problem, exact_aig
from circuitlab.sim.simulate import table_bits, truth_tables
from circuitlab.transformer.data.generate import random_circuits

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "experiments"))
from optimum_bounds import bounds  # noqa: E402


def _xor_with_spare_gate():
    """x0 ^ x1 written with 5 ANDs: the xor's 3, an or and one AND that changes nothing."""
    b = AigBuilder()
    x = b.add_inputs(2)
    b.add_output(b.and_(b.xor(x[0], x[1]), b.or_(x[0], x[1])))
    return b.build()


def test_a_redundant_circuit_gets_its_minimum_proven():
    aig = _xor_with_spare_gate()
    assert aig.num_ands == 5
    assert bounds(aig, aig.num_ands, 100_000, seed=0) == (3, 3)


def test_a_minimal_circuit_keeps_its_size_as_both_bounds():
    b = AigBuilder()
    x = b.add_inputs(3)
    b.add_output(b.and_(b.and_(x[0], x[1]), x[2]))
    aig = b.build()
    assert bounds(aig, aig.num_ands, 100_000, seed=0) == (2, 2)


@pytest.mark.parametrize("seed", [3, 7])
def test_bounds_bracket_the_exact_minimum(seed):
    checked = 0
    for aig in random_circuits(60, seed=seed, ands=(4, 12)):
        rows = table_bits(truth_tables(aig), aig.num_inputs)
        problem = Problem.of(rows)
        n = len(problem.support)
        if n > 5 or not len(problem.targets):
            continue
        index = np.zeros(1 << n, dtype=np.int64)
        for q, i in enumerate(problem.support):
            index |= ((np.arange(1 << n) >> q) & 1) << i
        exact, stats = exact_aig(rows[:, index], n, ExactParams(seconds_per_call=None))
        assert stats.optimal
        lower, best = bounds(aig, aig.num_ands, 1_000_000, seed=0)
        assert lower <= exact.num_ands <= best <= aig.num_ands
        if lower == best:
            assert best == exact.num_ands
        checked += 1
        if checked == 6:
            break
    assert checked == 6


def test_a_spent_budget_leaves_the_upper_bound():
    aig = random_circuits(1, seed=1000, ands=(30, 40))[0]
    lower, best = bounds(aig, aig.num_ands, 1, seed=0)
    assert best == aig.num_ands and lower < best
