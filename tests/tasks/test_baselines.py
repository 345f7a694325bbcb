"""The non-learned design descriptions: signature redundancy."""

import math

import pytest

from circuitlab.aig import AigBuilder
from circuitlab.tasks.baselines import signature_redundancy


def test_a_circuit_without_redundancy_scores_zero():
    b = AigBuilder()
    x, y, z = b.add_inputs(3)
    b.add_output(b.and_(b.and_(x, y), z))
    assert signature_redundancy(b.build()) == pytest.approx(0.0)


def test_an_and_equal_to_another_or_to_an_input_is_not_its_own_function():
    b = AigBuilder()
    x, y = b.add_inputs(2)
    xy = b.and_(x, y)
    b.add_output(xy)
    b.add_output(b.and_(y, b.and_(xy, x)))        # x & y again, built differently
    b.add_output(b.and_(x, b.or_(x, y)))           # x itself (absorption)
    b.add_output(b.nand(b.nand(x, y), b.or_(x, y)))  # complement of x ^ y, fresh
    aig = b.build()
    # x&y, (x&y)&x, y&((x&y)&x), ~x&~y, x&~(~x&~y), ~(x&y)&~(~x&~y):
    # functions of their own: x&y, ~x&~y, x^y
    assert aig.num_ands == 6
    assert signature_redundancy(aig) == pytest.approx(math.log((3 + 1) / (6 + 1)))


def test_latches_are_cut():
    b = AigBuilder()
    x = b.add_input()
    q = b.add_latch()
    b.set_latch_next(q, b.and_(x, q))
    b.add_output(b.and_(b.and_(x, q), x))           # equals x & q
    assert signature_redundancy(b.build()) == pytest.approx(math.log((1 + 1) / (2 + 1)))
