import pytest
import torch
from torch_geometric.data import Batch
from torch_geometric.loader import DataLoader

from circuitlab.aig import Aig
from circuitlab.data import ENCODINGS, NODE_INDEX_FIELDS, AigData, to_pyg


def _three_graphs(encoding):
    aigs = [
        Aig(1, [[2, 4]], [6], latches=[[7, 1]]),            # a latch
        Aig(0, [], [0, 1]),                                  # constants only
        Aig(3, [[2, 5], [3, 6], [8, 9]], [10, 11, 4]),      # inverted edges, 3 outputs
    ]
    return [to_pyg(a, encoding) for a in aigs]


def _same(a, b):
    return torch.equal(a, b) if torch.is_tensor(a) else a == b


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_batch_offsets_every_index_field(encoding):
    graphs = _three_graphs(encoding)
    assert len({g.num_nodes for g in graphs}) == 3
    batch = Batch.from_data_list(graphs)
    offsets = [0, graphs[0].num_nodes, graphs[0].num_nodes + graphs[1].num_nodes]
    assert batch.ptr.tolist() == offsets + [sum(g.num_nodes for g in graphs)]
    for key in graphs[0].keys():
        if key == "num_nodes":
            continue
        parts = [g[key] for g in graphs]
        if key == "encoding":
            assert batch[key] == parts
            continue
        if key in NODE_INDEX_FIELDS:
            parts = [p + off for p, off in zip(parts, offsets)]
        expected = torch.cat(parts, dim=-1 if key == "edge_index" else 0)
        assert torch.equal(batch[key], expected), key
    assert batch.batch.tolist() == [k for k, g in enumerate(graphs) for _ in range(g.num_nodes)]
    # the batched index fields still point at the right nodes
    assert torch.equal(batch.node_type[batch.po_node],
                       torch.cat([g.node_type[g.po_node] for g in graphs]))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_unbatch_round_trips(encoding):
    graphs = _three_graphs(encoding)
    back = Batch.from_data_list(graphs).to_data_list()
    for g, h in zip(graphs, back):
        assert isinstance(h, AigData)
        assert sorted(g.keys()) == sorted(h.keys())
        assert all(_same(g[k], h[k]) for k in g.keys())


def test_data_loader_batches_like_from_data_list():
    graphs = _three_graphs("not_nodes")
    (loaded,) = list(DataLoader(graphs, batch_size=3))
    direct = Batch.from_data_list(graphs)
    assert sorted(loaded.keys()) == sorted(direct.keys())
    assert all(_same(loaded[k], direct[k]) for k in direct.keys())
