"""The level-by-level encoder: its levels, and one sweep reaching any depth."""

import pytest
import torch

from circuitlab.aig import AigBuilder
from circuitlab.data import NodeType, to_pyg
from circuitlab.errors import ParamError
from circuitlab.nn import MASK_TYPE, EncoderConfig, build_encoder
from circuitlab.nn.dag import topological_levels


def test_levels_follow_the_longest_path():
    edges = torch.tensor([[0, 1, 2, 3, 0], [2, 2, 3, 4, 4]])
    assert topological_levels(edges, 6).tolist() == [0, 0, 1, 2, 3, 0]


def test_a_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        topological_levels(torch.tensor([[0, 1], [1, 0]]), 2)


def _chain(depth: int):
    """An AND chain ``depth`` deep over inputs x0..x_depth, one output."""
    b = AigBuilder()
    xs = b.add_inputs(depth + 1)
    lit = xs[0]
    for x in xs[1:]:
        lit = b.and_(lit, x ^ 1)
    b.add_output(lit)
    return b.build()


@pytest.mark.parametrize("encoding", ["not_nodes", "edge_attr"])
def test_one_sweep_carries_the_first_input_to_a_deep_output(encoding):
    graph = to_pyg(_chain(10), encoding)
    torch.manual_seed(0)
    dag = build_encoder(EncoderConfig(backbone="dag", encoding=encoding, hidden=8,
                                      layers=1)).eval()
    torch.manual_seed(0)
    gcn = build_encoder(EncoderConfig(backbone="deepgcn", encoding=encoding, hidden=8,
                                      layers=3)).eval()
    po = int(torch.nonzero(graph.node_type == NodeType.PO).flatten()[0])
    node_type = graph.node_type.clone()
    node_type[1] = MASK_TYPE  # the first input (node 0 is the constant), 10 ANDs up
    with torch.no_grad():
        assert not torch.equal(dag(graph)[po], dag(graph, node_type)[po])
        assert torch.equal(gcn(graph)[po], gcn(graph, node_type)[po])


def test_the_backward_sweep_carries_an_output_to_the_first_input():
    graph = to_pyg(_chain(10), "not_nodes")
    torch.manual_seed(0)
    enc = build_encoder(EncoderConfig(backbone="dag", hidden=8, layers=1,
                                      bidirectional=True)).eval()
    po = int(torch.nonzero(graph.node_type == NodeType.PO).flatten()[0])
    node_type = graph.node_type.clone()
    node_type[po] = MASK_TYPE
    with torch.no_grad():
        assert not torch.equal(enc(graph)[1], enc(graph, node_type)[1])


def _level_one(second_inverted: bool, **config):
    """A one-round DAG encoder of ``x0 & x1`` (or ``x0 & ~x1``), level 1's message, its fan-ins.

    Without an inversion level 1 is the AND alone; with one, the NOT node alone.
    """
    b = AigBuilder()
    x = b.add_inputs(2)
    b.add_output(b.and_(x[0], x[1] ^ int(second_inverted)))
    graph = to_pyg(b.build(), "not_nodes")
    torch.manual_seed(0)
    enc = build_encoder(EncoderConfig(backbone="dag", hidden=8, layers=1, **config)).eval()
    seen = []
    enc.layers[0][0].norm.register_forward_hook(lambda module, args, out: seen.append(args[0]))
    with torch.no_grad():
        enc(graph)
    kind = NodeType.NOT if second_inverted else NodeType.AND
    node = int(torch.nonzero(graph.node_type == kind).flatten()[0])
    fanins = graph.edge_index[0][graph.edge_index[1] == node]
    return enc, seen[0][0], enc.node_embedding(graph.node_type)[fanins].detach()


@pytest.mark.parametrize("aggregate", ["sum", "min"])
def test_the_forward_sweep_combines_fan_ins_as_configured(aggregate):
    enc, seen, fanins = _level_one(False, aggregate=aggregate)
    with torch.no_grad():
        messages = torch.relu(enc.layers[0][0].message(fanins))
    want = messages.min(0).values if aggregate == "min" else messages.sum(0)
    assert torch.allclose(seen, want)


def test_min_needs_the_dag_backbone():
    with pytest.raises(ParamError, match="aggregate"):
        EncoderConfig(backbone="deepgcn", aggregate="min")


def test_gate_messages_choose_the_map_by_the_receiving_type():
    enc, seen, fanins = _level_one(True, gate_messages=True)
    with torch.no_grad():
        maps = enc.layers[0][0].message(fanins[0]).view(-1, 8)
    assert torch.allclose(seen, torch.relu(maps[int(NodeType.NOT)]))
    assert not torch.allclose(seen, torch.relu(maps[int(NodeType.AND)]))


@pytest.mark.parametrize("sweep_norm", [True, False])
def test_sweep_norm_decides_what_the_gru_reads(sweep_norm):
    b = AigBuilder()
    x = b.add_inputs(2)
    b.add_output(b.and_(x[0], x[1]))
    graph = to_pyg(b.build(), "not_nodes")
    torch.manual_seed(0)
    enc = build_encoder(EncoderConfig(backbone="dag", hidden=8, layers=1, aggregate="min",
                                      sweep_norm=sweep_norm)).eval()
    sweep = enc.layers[0][0]
    read = []
    sweep.update.register_forward_hook(lambda module, args, out: read.append(args[0]))
    with torch.no_grad():
        enc(graph)
        node = int(torch.nonzero(graph.node_type == NodeType.AND).flatten()[0])
        fanins = graph.edge_index[0][graph.edge_index[1] == node]
        raw = torch.relu(sweep.message(enc.node_embedding(graph.node_type)[fanins])).min(0).values
    want = torch.nn.functional.layer_norm(raw, (8,), sweep.norm.weight, sweep.norm.bias) \
        if sweep_norm else raw
    assert torch.allclose(read[0][0], want, atol=1e-6)


def test_sweep_norm_off_needs_the_dag_backbone():
    with pytest.raises(ParamError, match="sweep_norm"):
        EncoderConfig(backbone="deepgcn", sweep_norm=False)
