"""Random source circuits: reproducible by seed, non-trivial outputs, checked sizes."""

from __future__ import annotations

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.transformer.data.generate import (
    circuit_rng, random_circuit, random_circuits, truth_circuit, truth_circuits,
)
from oracle import truth_table


def assert_nontrivial(aig, num_inputs, num_outputs):
    """Interface as asked, every output a function that needs an AND."""
    assert (aig.num_inputs, aig.num_outputs, aig.num_latches) == (num_inputs, num_outputs, 0)
    tt = truth_table(aig)
    minterms = np.arange(1 << num_inputs)
    literals = [((minterms >> i) & 1).astype(bool) for i in range(num_inputs)]
    for row in tt:
        assert row.any() and not row.all(), "constant output"
        assert not any(np.array_equal(row, x) or np.array_equal(row, ~x) for x in literals), \
            "output is a bare input"
    assert (aig.outputs >= 2 * aig.first_and_var).all()  # each output is an AND node


@pytest.mark.parametrize("make", [random_circuits, truth_circuits], ids=["random", "truth"])
def test_same_seed_same_circuits(make):
    a = make(12, seed=7, ands=(5, 40))
    b = make(12, seed=7, ands=(5, 40))
    assert all(x.structurally_equal(y) for x, y in zip(a, b))
    c = make(12, seed=8, ands=(5, 40))
    assert not all(x.structurally_equal(y) for x, y in zip(a, c))
    # circuit k depends on (seed, k) only: a later slice is the same circuits
    tail = make(4, seed=7, ands=(5, 40), start=8)
    assert all(x.structurally_equal(y) for x, y in zip(a[8:], tail))


@pytest.mark.parametrize("n_in, n_out", [(8, 2), (3, 1), (5, 3)])
def test_random_circuits_are_nontrivial(n_in, n_out):
    for aig in random_circuits(40, seed=1, num_inputs=n_in, num_outputs=n_out, ands=(1, 30)):
        assert_nontrivial(aig, n_in, n_out)
        assert 1 <= aig.num_ands <= 30


def test_random_circuits_size_and_depth():
    aigs = random_circuits(100, seed=3, ands=(20, 60))
    ands = np.array([a.num_ands for a in aigs])
    assert ands.max() <= 60 and ands.mean() > 20  # cleanup keeps most of the drawn nodes
    assert np.array_equal(truth_table(aigs[0]), truth_table(random_circuits(1, seed=3)[0]))


def test_random_circuit_keeps_unused_inputs():
    aig = random_circuit(8, 1, 1, np.random.default_rng(0))  # one AND uses two inputs
    assert aig.num_inputs == 8 and aig.num_ands == 1


def test_two_outputs_are_distinct_when_possible():
    for aig in random_circuits(30, seed=5, ands=(10, 30)):
        tt = truth_table(aig)
        assert not np.array_equal(tt[0], tt[1]) and not np.array_equal(tt[0], ~tt[1])


def test_truth_circuits_are_nontrivial_and_in_range():
    aigs = truth_circuits(40, seed=2, ands=(5, 80))
    for aig in aigs:
        assert_nontrivial(aig, 8, 2)
        assert 5 <= aig.num_ands <= 80
    small = truth_circuit(4, 1, circuit_rng(0, 0), ands=(1, 10))
    assert_nontrivial(small, 4, 1)


@pytest.mark.parametrize("call, message", [
    (lambda: random_circuits(3, 0, num_inputs=17), "num_inputs"),
    (lambda: random_circuits(3, 0, num_inputs=0), "num_inputs"),
    (lambda: random_circuits(-1, 0), "count"),
    (lambda: random_circuits(3, 0, num_outputs=0), "num_outputs"),
    (lambda: random_circuits(3, 0, ands=(10, 5)), "ands"),
    (lambda: random_circuits(3, 0, ands=5), "ands"),
    (lambda: truth_circuits(3, 0, num_inputs=20), "num_inputs"),
    (lambda: truth_circuits(-2, 0), "count"),
    (lambda: truth_circuit(2, 1, circuit_rng(0, 0), ands=(50, 60)), "after 200 draws"),
])
def test_bad_arguments(call, message):
    with pytest.raises(CircuitlabError, match=message):
        call()


def test_zero_count():
    assert random_circuits(0, 0) == [] and truth_circuits(0, 0) == []
