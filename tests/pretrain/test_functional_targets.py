"""DeepGate2's functional targets on tiny hand-built circuits with exact values."""

import itertools

import numpy as np
import pytest

from circuitlab.aig import AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.pretrain.functional import (
    PairParams, ResponseParams, node_responses, node_supports, probability_targets,
    sample_tt_pairs, tt_distance,
)


def three_input_circuit():
    """x = a&b, y = x&c, z = !a&!b (NOR); outputs y, !z."""
    b = AigBuilder()
    a, bb, c = b.add_inputs(3, "i")
    x = b.and_(a, bb)
    y = b.and_(x, c)
    z = b.and_(a ^ 1, bb ^ 1)
    for lit in (x, y, z ^ 1):
        b.add_output(lit)
    aig = b.build()
    return aig, [int(v) for v in aig.outputs >> 1]


def test_probabilities_are_exact_fractions_of_minterms():
    aig, (x, y, z) = three_input_circuit()
    prob = probability_targets(aig)
    assert prob.shape == (aig.num_vars,)
    assert prob[0] == 0.0
    assert prob[1:4].tolist() == [0.5, 0.5, 0.5]
    assert (prob[x], prob[y], prob[z]) == (0.25, 0.125, 0.25)   # z is the NOR node, positive


def test_random_patterns_estimate_the_probability_reproducibly():
    b = AigBuilder()
    ins = b.add_inputs(14, "i")
    b.add_output(b.and_(ins[0], ins[1]))
    b.add_output(b.and_many(ins[:4]))
    aig = b.build()
    params = ResponseParams(words=256, seed=3)
    prob = probability_targets(aig, params)
    two, four = aig.outputs >> 1
    assert prob[two] == pytest.approx(0.25, abs=0.01)
    assert prob[four] == pytest.approx(1 / 16, abs=0.01)
    assert np.array_equal(prob, probability_targets(aig, params))
    assert node_responses(aig, params)[1] == 256 * 64


def test_tt_distance_is_the_normalised_hamming_distance():
    aig, (x, y, z) = three_input_circuit()
    values, patterns = node_responses(aig)
    assert patterns == 8
    dist = tt_distance(values, patterns, [[x, z], [x, y], [1, 2], [x, x], [1, 0]])
    # a&b vs !a&!b: 4 of 8 minterms; a&b vs a&b&c: only a&b&!c; a vs b: 4 of 8
    assert dist.tolist() == [0.5, 0.125, 0.5, 0.0, 0.5]


def test_supports_are_bit_sets_of_inputs():
    aig, (x, y, z) = three_input_circuit()
    sup = node_supports(aig)
    assert sup.shape == (aig.num_vars, 1)
    assert sup[[0, 1, 2, 3, x, y, z], 0].tolist() == [0, 1, 2, 4, 3, 7, 3]


def pair_circuit():
    """Three level-2 nodes over {a, b, c}: a&b&c twice (two structures) and a&!(b&c)."""
    b = AigBuilder()
    a, bb, c = b.add_inputs(3, "i")
    left = b.and_(b.and_(a, bb), c)
    bc = b.and_(bb, c)
    right = b.and_(a, bc)
    other = b.and_(a, bc ^ 1)
    for lit in (left, right, other):
        b.add_output(lit)
    aig = b.build()
    return aig, [int(v) for v in aig.outputs >> 1]


def test_pairs_follow_deepgate2s_filter():
    aig, (left, right, other) = pair_circuit()
    values, patterns = node_responses(aig)
    loose = dict(min_level=2, min_support=3)
    pairs, dist = sample_tt_pairs(aig, values, patterns, PairParams(**loose))
    # probabilities 1/8, 1/8, 3/8: only the equivalent pair is within 0.05
    assert pairs.tolist() == [sorted([left, right])] and dist.tolist() == [0.0]
    # a wider probability gap admits (left, other) at distance 1/8 + 3/8 = 0.5,
    # which the middle band (0.2, 0.8) drops, and a narrower band keeps
    wide = PairParams(**loose, max_prob_gap=0.3)
    assert len(sample_tt_pairs(aig, values, patterns, wide)[0]) == 1
    kept = PairParams(**loose, max_prob_gap=0.3, skip_between=(0.6, 0.8))
    pairs, dist = sample_tt_pairs(aig, values, patterns, kept)
    assert len(pairs) == 3 and sorted(dist.tolist()) == [0.0, 0.5, 0.5]
    # DeepGate2's defaults need level 3 and 4 inputs: nothing here qualifies
    assert len(sample_tt_pairs(aig, values, patterns)[0]) == 0


def test_pairs_are_capped_by_a_seeded_sample():
    b = AigBuilder()
    ins = b.add_inputs(6, "i")
    for a, c, d, e in itertools.permutations(ins[:4]):  # 12 distinct level-3 ANDs of 4 inputs
        b.add_output(b.and_(b.and_(b.and_(a, c), d), e))
    aig = b.build()
    values, patterns = node_responses(aig)
    full = sample_tt_pairs(aig, values, patterns, PairParams(max_pairs=10_000))[0]
    assert len(full) == 12 * 11 // 2
    p1 = sample_tt_pairs(aig, values, patterns, PairParams(max_pairs=10, seed=1))
    p2 = sample_tt_pairs(aig, values, patterns, PairParams(max_pairs=10, seed=1))
    assert len(p1[0]) == 10 and np.array_equal(p1[0], p2[0])
    assert {tuple(p) for p in p1[0]} <= {tuple(p) for p in full}
    assert (p1[1] == 0).all()


def test_bad_params_are_refused():
    with pytest.raises(CircuitlabError):
        PairParams(skip_between=(0.8, 0.2))
    with pytest.raises(CircuitlabError):
        ResponseParams(exhaustive_inputs=20)
