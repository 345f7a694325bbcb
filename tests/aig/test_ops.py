import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aig import (
    Aig, AigBuilder, cleanup, compose, cone, depth, disjoint_union, fanout_counts, levels, miter,
    relabel, renumber, split_union, strash,
)
from circuitlab.errors import CircuitlabError
from circuitlab.sim import table_bits, truth_tables
from strategies import random_aigs


def chain():
    b = AigBuilder()
    x, y, z = b.add_inputs(3)
    n1 = b.and_(x, y)
    n2 = b.and_(n1, z)
    b.and_(x, z ^ 1)  # dangling
    b.add_output(n2, "f")
    b.add_output(n1 ^ 1, "g")
    return b.build()


def test_levels_depth_fanouts():
    aig = chain()
    assert levels(aig).tolist() == [0, 0, 0, 0, 1, 2, 1]
    assert depth(aig) == 2
    assert fanout_counts(aig).tolist() == [0, 2, 1, 2, 2, 1, 0]


def test_cleanup_drops_dangling_nodes():
    aig = chain()
    clean = cleanup(aig)
    assert clean.num_ands == 2 and clean.num_inputs == 3
    assert np.array_equal(truth_tables(clean), truth_tables(aig))


def test_cone_keeps_support_only():
    aig = chain()
    g = cone(aig, ["g"])
    assert g.num_inputs == 2 and g.num_ands == 1 and g.input_names == ("i0", "i1")
    f = cone(aig, [0], keep_all_inputs=True)
    assert f.num_inputs == 3 and f.num_ands == 2
    with pytest.raises(CircuitlabError, match="no output named"):
        cone(aig, ["nope"])


def test_strash_merges_duplicates():
    # Two identical AND nodes, written without hashing.
    aig = Aig(2, [[4, 2], [4, 2], [8, 6]], [10])
    s = strash(aig)
    assert s.num_ands == 1  # n3 ∧ n3 folds to n3
    assert np.array_equal(truth_tables(s), truth_tables(aig))


@settings(max_examples=40, deadline=None)
@given(random_aigs(max_inputs=7, max_ands=40))
def test_strash_cleanup_preserve_function(aig):
    ref = truth_tables(aig)
    assert np.array_equal(truth_tables(strash(aig)), ref)
    assert np.array_equal(truth_tables(cleanup(aig)), ref)
    assert not truth_tables(miter(aig, strash(aig))).any()


def test_miter_of_different_functions_is_nonzero():
    b1, b2 = AigBuilder(), AigBuilder()
    b1.add_output(b1.and_(*b1.add_inputs(2)))
    b2.add_output(b2.or_(*b2.add_inputs(2)))
    m = miter(b1.build(), b2.build(), single_output=True)
    assert table_bits(truth_tables(m), 2)[0].tolist() == [0, 1, 1, 0]


def test_compose_feeds_outputs_to_inputs():
    b = AigBuilder()
    x, y = b.add_inputs(2)
    b.add_output(b.xor(x, y))
    b.add_output(b.and_(x, y))
    half = b.build()
    inv = AigBuilder()
    p, q = inv.add_inputs(2)
    inv.add_output(p ^ 1)
    inv.add_output(inv.or_(p, q))
    both = compose(half, inv.build())
    bits = table_bits(truth_tables(both), 2)
    assert bits[0].tolist() == [1, 0, 0, 1] and bits[1].tolist() == [0, 1, 1, 1]
    with pytest.raises(CircuitlabError, match="compose"):
        compose(half, chain())


@settings(max_examples=50, deadline=None)
@given(st.lists(random_aigs(max_inputs=4, max_ands=9, max_outputs=2), min_size=1, max_size=5))
def test_union_round_trip(drawn):
    aigs = [cleanup(a) for a in drawn] + [Aig(2, [], [3, 4])]  # constant and a bare input
    union = disjoint_union(aigs)
    assert union.num_inputs == sum(a.num_inputs for a in aigs)
    parts = split_union(union, [(a.num_inputs, a.num_outputs) for a in aigs])
    assert all(p.structurally_equal(a, names=False) for p, a in zip(parts, aigs))
    mixed = Aig(4, [[6, 2]], [10, 8])  # an AND reading inputs of both parts
    with pytest.raises(CircuitlabError, match="mixes"):
        split_union(mixed, [(2, 1), (2, 1)])


def test_renumber_keeps_complements():
    new_var = np.array([0, 5, 2, 9])
    assert renumber(np.array([[0, 1], [2, 3], [6, 7]]), new_var).tolist() == [
        [0, 1], [10, 11], [18, 19]]


def _inputs_of(minterm: int, n: int) -> list[int]:
    return [(minterm >> k) & 1 for k in range(n)]


@settings(max_examples=40, deadline=None)
@given(random_aigs(max_inputs=6, max_ands=30, max_outputs=3), st.randoms(use_true_random=False))
def test_relabel_computes_the_transformed_function(aig, rnd):
    n, o = aig.num_inputs, aig.num_outputs
    inputs = rnd.sample(range(n), n)
    negate = [rnd.random() < 0.5 for _ in range(n)]
    outputs = rnd.sample(range(o), o)
    moved = relabel(aig, inputs, negate, outputs)
    assert moved.num_ands == aig.num_ands
    old, new = table_bits(truth_tables(aig), n), table_bits(truth_tables(moved), n)
    for m in range(2 ** n):
        y = _inputs_of(m, n)
        x = [y[inputs[k]] ^ negate[k] for k in range(n)]
        old_m = sum(bit << k for k, bit in enumerate(x))
        assert [new[j][m] for j in range(o)] == [old[outputs[j]][old_m] for j in range(o)]


@settings(max_examples=25, deadline=None)
@given(random_aigs(max_inputs=6, max_ands=30, max_outputs=2), st.randoms(use_true_random=False))
def test_equivalent_circuits_relabelled_alike_stay_equivalent(aig, rnd):
    n = aig.num_inputs
    args = (rnd.sample(range(n), n), [rnd.random() < 0.5 for _ in range(n)],
            rnd.sample(range(aig.num_outputs), aig.num_outputs))
    a, b = relabel(aig, *args), relabel(strash(aig), *args)
    assert not truth_tables(miter(a, b)).any()


def test_relabel_moves_names_and_refuses_a_non_permutation():
    aig = chain()
    moved = relabel(aig, [2, 0, 1], [False, True, False], [1, 0])
    assert moved.input_names == (aig.input_names[1], aig.input_names[2], aig.input_names[0])
    assert moved.output_names == ("g", "f")
    with pytest.raises(CircuitlabError, match="inputs must permute"):
        relabel(aig, [0, 0, 1])
    with pytest.raises(CircuitlabError, match="outputs must permute"):
        relabel(aig, [0, 1, 2], outputs=[0])
    with pytest.raises(CircuitlabError, match="negate needs 3"):
        relabel(aig, [0, 1, 2], [True])
