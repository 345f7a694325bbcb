"""One-gate mutations of cones."""

import numpy as np
import pytest

from circuitlab.aig import Aig
from circuitlab.errors import CircuitlabError
from circuitlab.aig.cones import extract_cone
from circuitlab.tasks.cones import mutate_gate

# inputs a, b, c (vars 1..3); n4 = a & b, n5 = n4 & ~c, n6 = a & c
SMALL = Aig(3, [[2, 4], [8, 7], [2, 6]], [10, 12], input_names=["a", "b", "c"])


@pytest.mark.parametrize("seed", range(6))
def test_a_mutation_changes_one_gate_and_keeps_the_interface(seed):
    cone = extract_cone(SMALL, 10, [1, 2, 3])
    mutated, kind = mutate_gate(cone, np.random.default_rng(seed))
    assert kind in ("invert", "rewire")
    assert mutated.num_inputs == 3 and mutated.num_outputs == 1
    assert mutated.input_names == cone.input_names
    assert mutated.num_ands <= cone.num_ands


def test_a_circuit_without_gates_cannot_be_mutated():
    with pytest.raises(CircuitlabError, match="no gate"):
        mutate_gate(Aig(1, [], [2]), np.random.default_rng(0))
