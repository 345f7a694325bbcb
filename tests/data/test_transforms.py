import torch

from circuitlab.aig import Aig
from circuitlab.data import NUM_NODE_TYPES, OneHotNodeType, to_pyg


def test_one_hot_node_type_leaves_its_input_alone():
    g = to_pyg(Aig(2, [[2, 5]], [6]))
    before = g.node_type.clone()
    out = OneHotNodeType()(g)
    assert "x" not in g and torch.equal(g.node_type, before)
    assert out.x.shape == (g.num_nodes, NUM_NODE_TYPES) and out.x.dtype == torch.float32
    assert torch.equal(out.x.argmax(1), g.node_type) and (out.x.sum(1) == 1).all()
