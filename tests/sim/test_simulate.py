import numpy as np
import pytest
from hypothesis import given, settings

from circuitlab.aig import AigBuilder
from circuitlab.io import read_aiger
from circuitlab.sim import (
    exhaustive_patterns, node_signatures, random_patterns, signal_probabilities, simulate,
    simulate_nodes, table_bits, truth_tables,
)
from circuitlab.sim.simulate import _chunk_words
from strategies import random_aigs
from shared_data import shared_data


def eval_reference(aig, assignment):
    """Plain per-node evaluation, the oracle for the vectorised simulator."""
    val = [0] + list(assignment)
    for f0, f1 in aig.ands.tolist():
        val.append((val[f0 >> 1] ^ (f0 & 1)) & (val[f1 >> 1] ^ (f1 & 1)))
    return [val[o >> 1] ^ (o & 1) for o in aig.outputs.tolist()] + \
        [val[x >> 1] ^ (x & 1) for x in aig.latches[:, 0].tolist()]


def test_full_adder_truth_table():
    b = AigBuilder()
    x, y, c = b.add_inputs(3)
    b.add_output(b.xor(b.xor(x, y), c), "s")
    b.add_output(b.maj(x, y, c), "co")
    bits = table_bits(truth_tables(b.build()), 3)
    assert bits[0].tolist() == [0, 1, 1, 0, 1, 0, 0, 1]
    assert bits[1].tolist() == [0, 0, 0, 1, 0, 1, 1, 1]


def test_constant_outputs_and_padding():
    b = AigBuilder()
    x = b.add_input()
    b.add_output(1)
    b.add_output(0)
    b.add_output(x ^ 1)
    tables = truth_tables(b.build())
    assert tables.shape == (3, 1)
    assert tables[:, 0].tolist() == [0b11, 0, 0b01]  # bits above 2^n are zero


def test_exhaustive_patterns_enumerate_minterms():
    pats = exhaustive_patterns(8)
    bits = table_bits(pats, 8)
    for m in (0, 1, 77, 200, 255):
        assert [int(bits[i, m]) for i in range(8)] == [(m >> i) & 1 for i in range(8)]


@settings(max_examples=60, deadline=None)
@given(random_aigs(max_inputs=9, max_ands=50, latches=True))
def test_matches_per_node_reference(aig):
    n = aig.num_inputs + aig.num_latches
    bits = table_bits(truth_tables(aig), n)
    for m in range(0, 1 << n, max(1, (1 << n) // 37)):
        expect = eval_reference(aig, [(m >> i) & 1 for i in range(n)])
        assert bits[:, m].tolist() == expect


def test_chunked_simulation_equals_one_block():
    b = AigBuilder()
    xs = b.add_inputs(20)
    acc = xs[0]
    for x in xs[1:]:
        acc = b.xor(acc, b.and_(acc, x) ^ 1)
    b.add_output(acc)
    aig = b.build()
    pats = random_patterns(20, 37, seed=3)
    whole = simulate(aig, pats)
    tiny = simulate(aig, pats, memory_bytes=8 * aig.num_vars * 5)  # 5 words a chunk
    assert np.array_equal(whole, tiny)
    assert _chunk_words(aig, 37, 8 * aig.num_vars * 5, 1) == 5


def test_bad_pattern_shape_is_an_error():
    b = AigBuilder()
    b.add_output(b.and_(*b.add_inputs(2)))
    with pytest.raises(Exception, match="patterns must have shape"):
        simulate(b.build(), np.zeros((3, 1), dtype=np.uint64))


def test_signal_probabilities_of_and_tree():
    b = AigBuilder()
    xs = b.add_inputs(3)
    b.add_output(b.and_many(xs))
    aig = b.build()
    p = signal_probabilities(aig, num_words=512, seed=0)
    assert abs(p[aig.outputs[0] >> 1] - 1 / 8) < 0.01
    assert p[0] == 0
    assert node_signatures(aig, 2, seed=1).shape == (aig.num_vars, 2)


def test_simulate_nodes_rows():
    b = AigBuilder()
    x, y = b.add_inputs(2)
    b.add_output(b.and_(x, y ^ 1))
    vals = simulate_nodes(b.build(), exhaustive_patterns(2))
    assert vals.shape == (4, 1)
    assert int(vals[3, 0]) & 0xF == 0b0010


@pytest.mark.needs_data("aig", "iscas85")
@pytest.mark.parametrize("name", ["c432", "c6288"])
def test_real_circuit_matches_reference(name):
    aig = read_aiger(shared_data("aig", "iscas85", f"{name}.aig"))
    pats = random_patterns(aig.num_inputs, 2, seed=7)
    out = simulate(aig, pats)
    bits = table_bits(out, 7)  # first 128 patterns
    for k in (0, 5, 63, 64, 127):
        assignment = [(int(pats[i, k // 64]) >> (k % 64)) & 1 for i in range(aig.num_inputs)]
        assert bits[:, k].tolist() == eval_reference(aig, assignment)
