"""Care sets: leaf patterns seen by simulation, unseen ones proven unreachable by SAT."""

from __future__ import annotations

from circuitlab.aig import AigBuilder
from circuitlab.optimize.care import CareOracle


def _circuit(num_inputs: int):
    """n = x0 & x1 and m = x0 & ~x1 over ``num_inputs`` inputs (the rest unused)."""
    b = AigBuilder()
    xs = b.add_inputs(num_inputs)
    n = b.and_(xs[0], xs[1])
    m = b.and_(xs[0], xs[1] ^ 1)
    b.add_output(n)
    b.add_output(m)
    return b.build(), n >> 1, m >> 1


def test_exhaustive_simulation_sees_exactly_the_reachable_patterns():
    aig, n, m = _circuit(3)
    oracle = CareOracle(aig)
    assert oracle.exhaustive
    # leaves (x0, n): n=1 needs x0=1, so pattern 0b10 (x0=0, n=1) never occurs
    assert oracle.seen([1, n]) == 0b1011
    # n and m are never both 1
    assert oracle.seen([n, m]) == 0b0111
    assert oracle.unreachable([n, m], 0b11) and not oracle.unreachable([n, m], 0b01)


def test_sat_proves_unseen_patterns_unreachable_beyond_exhaustive_simulation():
    aig, n, m = _circuit(20)
    oracle = CareOracle(aig, max_words=4)
    assert not oracle.exhaustive
    assert oracle.seen([n, m]) == 0b0111
    assert oracle.unreachable([n, m], 0b11)
    assert oracle.unreachable([1, n], 0b10)
    assert not oracle.unreachable([1, n], 0b11)
    assert not oracle.unreachable([2, 3], 0b11)   # two free inputs
    oracle.close()
