"""Independent reference evaluation and the equivalence assertion used by tests.

``truth_table`` evaluates node by node with plain numpy booleans (no code
shared with :mod:`circuitlab.sim`), so tests of the simulator and of
optimisations have an oracle of their own; ``assert_equivalent`` asserts
equivalence with the project's own checker and, for small circuits, with
the oracle as well.
"""

from __future__ import annotations

import numpy as np

from circuitlab.aig import Aig
from circuitlab.verify import Verdict, check_equivalence

ORACLE_MAX_INPUTS = 12


def truth_table(aig: Aig) -> np.ndarray:
    """``[O, 2**I]`` output values over all minterms (input k = bit k); latches cut."""
    aig = aig.cut_latches()
    minterms = np.arange(1 << aig.num_inputs)
    values = np.zeros((aig.num_vars, len(minterms)), dtype=bool)
    for k in range(aig.num_inputs):
        values[1 + k] = (minterms >> k) & 1
    first = aig.first_and_var
    for k, (a, b) in enumerate(aig.ands.tolist()):
        values[first + k] = (values[a >> 1] ^ bool(a & 1)) & (values[b >> 1] ^ bool(b & 1))
    return values[aig.outputs >> 1] ^ (aig.outputs & 1).astype(bool)[:, None]


def assert_equivalent(a: Aig, b: Aig, match: str = "position") -> None:
    """``a`` and ``b`` compute the same function (latches cut, matched by position)."""
    result = check_equivalence(a, b, match=match)
    assert result.verdict is Verdict.EQUIVALENT, \
        f"{result.verdict.name} by {result.engine}: {result.reason}"
    ca, cb = a.cut_latches(), b.cut_latches()
    if match == "position" and ca.num_inputs <= ORACLE_MAX_INPUTS:
        assert np.array_equal(truth_table(ca), truth_table(cb))
