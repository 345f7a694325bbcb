"""Equivalence-contrast samples: positives proven equal, negatives proven different."""

import numpy as np
import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.pretrain.contrast import (
    ContrastParams, contrast_sample, inverted_edge, proven_different, rewired_edge,
)
from circuitlab.sim import truth_tables


def design():
    """o0 = a&b, o1 = a|c, o2 = a&b again (same function), o3 = !(a&b)."""
    b = AigBuilder()
    a, bb, c = b.add_inputs(3, "i")
    ab = b.and_(a, bb)
    for lit in (ab, b.or_(a, c), ab, ab ^ 1):
        b.add_output(lit)
    return b.build()


def version():
    """The same four functions with another structure for a&b: (a&b) & (a|b)."""
    b = AigBuilder()
    a, bb, c = b.add_inputs(3, "i")
    ab = b.and_(b.and_(a, bb), b.or_(a, bb))
    for lit in (ab, b.or_(a, c), ab, ab ^ 1):
        b.add_output(lit)
    return b.build()


def wrong_version():
    b = AigBuilder()
    a, bb, c = b.add_inputs(3, "i")
    for lit in (b.and_(a, c), b.or_(a, c), b.and_(a, bb), b.and_(a, bb) ^ 1):
        b.add_output(lit)
    return b.build()


def test_a_sample_of_output_0():
    sample = contrast_sample(design(), 0, [version(), wrong_version()], ContrastParams(seed=4))
    anchor = sample.anchor
    assert (anchor.num_inputs, anchor.num_outputs, anchor.num_ands) == (3, 1, 1)
    # the restructured version is a positive, the one computing a&c is not
    assert len(sample.positives) == 1 and sample.positives[0].num_ands == 3
    assert truth_tables(sample.positives[0]).tolist() == truth_tables(anchor).tolist()
    # o2 computes the same function and is never a negative; o1 and o3 are
    assert sample.kinds == ("inverted", "inverted", "rewired", "rewired",
                            "other_output", "other_output")
    for negative in sample.negatives:
        assert negative.num_inputs == 3 and negative.num_outputs == 1
        assert truth_tables(negative).tolist() != truth_tables(anchor).tolist()
    others = {tuple(truth_tables(n).ravel()) for n, k in zip(sample.negatives, sample.kinds)
              if k == "other_output"}
    full = truth_tables(design())
    assert others == {tuple(full[1]), tuple(full[3])}


def test_samples_are_reproducible():
    s1 = contrast_sample(design(), 0, params=ContrastParams(seed=9))
    s2 = contrast_sample(design(), 0, params=ContrastParams(seed=9))
    assert all(a.structurally_equal(b) for a, b in zip(s1.negatives, s2.negatives))
    assert s1.kinds == s2.kinds


def test_an_unobservable_mutation_is_not_proven_different():
    # f = a | (a & b) = a: inverting b inside a & b changes nothing observable
    anchor = Aig(2, [[4, 2], [7, 3]], [9])            # AND3 = a&b, AND4 = !a & !AND3; f = !AND4
    mutant = Aig(2, [[5, 2], [7, 3]], [9])            # AND3 = a&!b
    assert truth_tables(anchor).tolist() == truth_tables(mutant).tolist()
    assert not proven_different(anchor, mutant)
    assert proven_different(anchor, Aig(2, [[4, 2], [5, 3]], [9]))  # f = a | b


def test_mutations_change_exactly_one_fanin():
    aig = design()
    rng = np.random.default_rng(0)
    for mutate in (inverted_edge, rewired_edge):
        for _ in range(20):
            mutant = mutate(aig, rng)
            assert mutant.num_inputs == aig.num_inputs
            assert mutant.num_outputs == aig.num_outputs
    flipped = inverted_edge(Aig(2, [[4, 2]], [6]), np.random.default_rng(1))
    assert np.abs(flipped.ands - [[4, 2]]).sum() == 1
    with pytest.raises(CircuitlabError):
        inverted_edge(Aig(2, [], [2]), rng)
