import numpy as np
import pytest
from hypothesis import given, settings

from circuitlab.io import read_aiger
from circuitlab.sim import random_patterns, simulate
from strategies import random_aigs
from shared_data import shared_data

torch_backend = pytest.importorskip("circuitlab.sim.torch_backend")


@settings(max_examples=40, deadline=None)
@given(random_aigs(max_inputs=8, max_ands=60, latches=True))
def test_torch_matches_numpy_bit_for_bit(aig):
    pats = random_patterns(aig.num_inputs + aig.num_latches, 3, seed=11)
    assert np.array_equal(torch_backend.simulate_torch(aig, pats), simulate(aig, pats))


@pytest.mark.needs_data("aig", "iscas85")
def test_torch_matches_numpy_on_real_circuit():
    aig = read_aiger(shared_data("aig", "iscas85", "c6288.aig"))
    pats = random_patterns(aig.num_inputs, 16, seed=1)
    assert np.array_equal(torch_backend.simulate_torch(aig, pats), simulate(aig, pats))
