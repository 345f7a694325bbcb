import torch
from torch_geometric.nn import GINEConv, SAGEConv

from circuitlab.nn import BidirectionalConv


def test_sums_a_conv_along_and_one_against_the_edges():
    torch.manual_seed(0)
    fwd, bwd = SAGEConv(4, 3), SAGEConv(4, 3)
    conv = BidirectionalConv(fwd, bwd)
    x, edge_index = torch.randn(5, 4), torch.tensor([[0, 1, 2, 2], [2, 2, 3, 4]])
    with torch.no_grad():
        torch.testing.assert_close(conv(x, edge_index),
                                   fwd(x, edge_index) + bwd(x, edge_index[[1, 0]]))
        # Node 0 is a source: only the backward conv hears its fan-out.
        assert not torch.allclose(conv(x, edge_index)[0], fwd(x, edge_index)[0])


def test_edge_features_follow_their_edges():
    torch.manual_seed(0)
    mlp = lambda: torch.nn.Linear(4, 4)  # noqa: E731
    fwd, bwd = GINEConv(mlp(), edge_dim=1), GINEConv(mlp(), edge_dim=1)
    x, edge_index = torch.randn(4, 4), torch.tensor([[0, 1, 2], [2, 2, 3]])
    edge_attr = torch.tensor([[1.], [0.], [1.]])
    with torch.no_grad():
        torch.testing.assert_close(
            BidirectionalConv(fwd, bwd)(x, edge_index, edge_attr),
            fwd(x, edge_index, edge_attr) + bwd(x, torch.stack([edge_index[1], edge_index[0]]),
                                               edge_attr))
