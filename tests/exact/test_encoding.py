"""The CNF encoding: models decode to circuits that compute the targets,
and a formula over some minterms grows one minterm at a time."""

from __future__ import annotations

import numpy as np
import pytest
from pysat.solvers import Solver

from circuitlab.exact.encoding import Encoding

# x0 & x1 and x0 | x2 on 3 inputs: normal rows (0 on minterm 0)
AND01 = [int((m & 3) == 3) for m in range(8)]
OR02 = [int(bool(m & 5)) for m in range(8)]
TARGETS = np.array([AND01, OR02], dtype=np.uint8)


def solve(enc: Encoding) -> list[int] | None:
    with Solver(name="glucose4", bootstrap_with=enc.clauses) as solver:
        return solver.get_model() if solver.solve() else None


@pytest.mark.parametrize("symmetry", [False, True])
def test_a_model_computes_the_targets(symmetry):
    enc = Encoding(3, TARGETS, 2, symmetry=symmetry)
    model = solve(enc)
    assert model is not None
    assert np.array_equal(enc.evaluate(model), TARGETS)


def test_one_gate_is_too_few():
    assert solve(Encoding(3, TARGETS, 1, symmetry=True)) is None


def test_some_minterms_constrain_only_those():
    # only minterms 1 and 2 get simulation variables, and the circuit found matches there
    enc = Encoding(3, TARGETS, 2, symmetry=True, minterms=[1, 2])
    assert set(enc.sim[3]) == {1, 2}
    model = solve(enc)
    assert model is not None
    got = enc.evaluate(model)
    assert np.array_equal(got[:, [1, 2]], TARGETS[:, [1, 2]])


def test_adding_every_minterm_gives_the_targets():
    enc = Encoding(3, TARGETS, 2, symmetry=True, minterms=[])
    with Solver(name="glucose4", bootstrap_with=enc.clauses) as solver:
        for t in range(1, 8):
            new = enc.add_minterm(t)
            assert new and all(clause in enc.clauses for clause in new)
            solver.append_formula(new)
        assert solver.solve()
        assert np.array_equal(enc.evaluate(solver.get_model()), TARGETS)


def test_minterm_misuse_is_refused():
    enc = Encoding(3, TARGETS, 2, symmetry=True, minterms=[1])
    with pytest.raises(ValueError, match="minterm 1"):
        enc.add_minterm(1)
    with pytest.raises(ValueError, match="minterm 8"):
        enc.add_minterm(8)
    with pytest.raises(ValueError, match="first gate"):
        Encoding(3, TARGETS, 2, symmetry=True, first=np.array(AND01, dtype=np.uint8),
                 minterms=[1])
