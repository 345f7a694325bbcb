import subprocess
import sys

import numpy as np
import pytest
import torch
from graph_oracle import evaluate
from hypothesis import given, settings
from shared_data import shared_data
from strategies import random_aigs

from circuitlab.aig import Aig, fanout_counts, levels
from circuitlab.data import ENCODINGS, NodeType, to_pyg
from circuitlab.data.reference import to_pyg_reference
from circuitlab.errors import CircuitlabError
from circuitlab.io import read_aiger
from circuitlab.sim import random_patterns, simulate, simulate_nodes

C, PI, AND, NOT, PO = (int(t) for t in (NodeType.CONST, NodeType.PI, NodeType.AND,
                                        NodeType.NOT, NodeType.PO))


def _edges(data):
    return data.edge_index.tolist()


# --- tiny circuits, exact graphs ------------------------------------------

def test_and_with_one_inverted_input():
    aig = Aig(2, [[2, 5]], [6])  # o = i0 & !i1
    g = to_pyg(aig, "not_nodes")
    assert g.num_nodes == 6 and g.num_edges == 4 and int(g.num_nots) == 1
    assert g.node_type.tolist() == [C, PI, PI, AND, NOT, PO]
    assert _edges(g) == [[1, 4, 3, 2], [3, 3, 5, 4]]
    assert g.level.tolist() == [0, 0, 0, 2, 1, 3]
    assert g.fanin.tolist() == [0, 0, 0, 2, 1, 1]
    assert g.fanout.tolist() == [0, 1, 1, 1, 1, 0]
    e = to_pyg(aig, "edge_attr")
    assert e.num_nodes == 5 and e.num_edges == 3 and int(e.num_nots) == 0
    assert e.node_type.tolist() == [C, PI, PI, AND, PO]
    assert _edges(e) == [[1, 2, 3], [3, 3, 4]]
    assert e.edge_attr.tolist() == [[0.0], [1.0], [0.0]]
    assert e.level.tolist() == [0, 0, 0, 1, 2]


def test_output_that_is_a_complemented_input():
    aig = Aig(1, [], [3])
    g = to_pyg(aig, "not_nodes")
    assert g.node_type.tolist() == [C, PI, NOT, PO]
    assert _edges(g) == [[2, 1], [3, 2]]
    assert g.po_node.tolist() == [3]
    e = to_pyg(aig, "edge_attr")
    assert e.node_type.tolist() == [C, PI, PO]
    assert _edges(e) == [[1], [2]] and e.edge_attr.tolist() == [[1.0]]


def test_constant_outputs_read_the_const_node():
    aig = Aig(0, [], [0, 1])  # false, true
    g = to_pyg(aig, "not_nodes")
    assert g.node_type.tolist() == [C, NOT, PO, PO]
    assert _edges(g) == [[0, 1, 0], [2, 3, 1]]
    assert g.level.tolist() == [0, 1, 1, 2]
    assert g.fanout.tolist() == [2, 1, 0, 0]
    e = to_pyg(aig, "edge_attr")
    assert e.node_type.tolist() == [C, PO, PO]
    assert _edges(e) == [[0, 0], [1, 2]] and e.edge_attr.tolist() == [[0.0], [1.0]]


def test_const_node_is_present_when_unused():
    g = to_pyg(Aig(1, [], [2]), "not_nodes")
    assert g.node_type.tolist() == [C, PI, PO] and g.fanout[0] == 0


def test_latch_is_cut_into_marked_pseudo_pi_and_pseudo_po():
    # v1 = input, v2 = latch (reset 1), v3 = v1 & v2; output v3, next state !v3
    aig = Aig(1, [[2, 4]], [6], latches=[[7, 1]])
    g = to_pyg(aig, "not_nodes")
    assert g.node_type.tolist() == [C, PI, PI, AND, NOT, PO, PO]
    assert g.is_latch.tolist() == [False, False, True, False, False, False, True]
    assert _edges(g) == [[1, 2, 3, 4, 3], [3, 3, 5, 6, 4]]
    assert g.po_node.tolist() == [5, 6] and g.latch_init.tolist() == [1]
    assert [int(g[k]) for k in ("num_inputs", "num_latches", "num_ands", "num_outputs",
                                "num_nots")] == [1, 1, 1, 1, 1]
    e = to_pyg(aig, "edge_attr")
    assert e.node_type.tolist() == [C, PI, PI, AND, PO, PO]
    assert e.is_latch.tolist() == [False, False, True, False, False, True]
    assert e.edge_attr[:, 0].tolist() == [0, 0, 0, 1]


def test_unknown_encoding_is_a_typed_error():
    with pytest.raises(CircuitlabError, match="unknown graph encoding 'nots'"):
        to_pyg(Aig(1, [], [2]), "nots")


def test_core_does_not_import_torch():
    code = "import sys, circuitlab, circuitlab.aig; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --- random circuits: the graph is the circuit ----------------------------

def _counts_hold(aig, g, encoding):
    lits = np.concatenate([aig.ands.ravel(), aig.outputs, aig.latches[:, 0]])
    nots = int((lits & 1).sum()) if encoding == "not_nodes" else 0
    roots = aig.num_outputs + aig.num_latches
    assert int(g.num_nots) == nots
    assert g.num_nodes == aig.num_vars + nots + roots
    assert g.num_edges == 2 * aig.num_ands + roots + nots
    assert torch.bincount(g.node_type, minlength=5).tolist() == [
        aig.num_inputs + aig.num_latches, roots, aig.num_ands, nots, 1]
    assert int(g.is_latch.sum()) == 2 * aig.num_latches


@settings(max_examples=60, deadline=None)
@given(random_aigs(latches=True))
def test_graph_evaluates_like_the_aig(aig):
    patterns = random_patterns(aig.num_inputs + aig.num_latches, 2, seed=7)
    for encoding in ENCODINGS:
        g = to_pyg(aig, encoding)
        _counts_hold(aig, g, encoding)
        var_values, po_values = evaluate(g, patterns)
        assert np.array_equal(po_values, simulate(aig, patterns))
        assert np.array_equal(var_values, simulate_nodes(aig, patterns))


@settings(max_examples=60, deadline=None)
@given(random_aigs(latches=True))
def test_levels_degrees_and_reference(aig):
    for encoding in ENCODINGS:
        g = to_pyg(aig, encoding)
        assert g.validate(raise_on_error=True)
        src, dst = g.edge_index
        n = g.num_nodes
        # level: 0 at sources, else one above the highest fan-in
        above = torch.full((n,), -1, dtype=torch.int64).scatter_reduce(
            0, dst, g.level[src], reduce="amax")
        assert torch.equal(g.level, above + 1)
        assert torch.equal(g.fanin, torch.bincount(dst, minlength=n))
        assert torch.equal(g.fanout, torch.bincount(src, minlength=n))
        expected_fanin = {C: 0, PI: 0, AND: 2, NOT: 1, PO: 1}
        assert g.fanin.tolist() == [expected_fanin[t] for t in g.node_type.tolist()]
        assert g.fanout[g.var_node].tolist() == fanout_counts(aig).tolist()
        assert (g.fanout[g.node_type == NOT] == 1).all()
        if encoding == "edge_attr":
            assert g.level[g.var_node].tolist() == levels(aig).tolist()
        ref = to_pyg_reference(aig, encoding)
        assert sorted(g.keys()) == sorted(ref.keys())
        for key in g.keys():
            assert (torch.equal(g[key], ref[key]) if torch.is_tensor(g[key])
                    else g[key] == ref[key]), key


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_unfolded_constant_fanins_evaluate(encoding):
    # AIGER files may hold ANDs reading the constant; the builder would fold them
    aig = Aig(1, [[1, 2], [0, 3], [1, 1]], [4, 6, 8, 1], latches=[[5, 2]])
    g = to_pyg(aig, encoding)
    _counts_hold(aig, g, encoding)
    patterns = random_patterns(2, 1, seed=5)
    var_values, po_values = evaluate(g, patterns)
    assert np.array_equal(po_values, simulate(aig, patterns))
    assert np.array_equal(var_values, simulate_nodes(aig, patterns))


def test_not_node_levels_sit_above_aig_levels():
    # a chain of ANDs each reading the previous one complemented
    aig = Aig(2, [[2, 4], [7, 2], [9, 4]], [10])
    g = to_pyg(aig, "not_nodes")
    assert g.level[g.var_node].tolist() == [0, 0, 0, 1, 3, 5]
    assert levels(aig).tolist() == [0, 0, 0, 1, 2, 3]


@pytest.mark.needs_data("aig", "epfl_arithmetic")
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_epfl_circuit_matches_simulation_and_reference(encoding):
    aig = read_aiger(shared_data("aig", "epfl_arithmetic", "bar.aig"))
    g = to_pyg(aig, encoding)
    patterns = random_patterns(aig.num_inputs, 1, seed=3)
    assert np.array_equal(evaluate(g, patterns)[1], simulate(aig, patterns))
    ref = to_pyg_reference(aig, encoding)
    for key in g.keys():
        if torch.is_tensor(g[key]):
            assert torch.equal(g[key], ref[key]), key
