import torch

from circuitlab.nn import InversionSAGEConv


def _reference(conv, x, edge_index, edge_attr):
    """Node by node: root term, mean over plain fan-ins, mean over complemented ones."""
    out = []
    for i in range(x.size(0)):
        plain = [s for (s, t), e in zip(edge_index.t().tolist(), edge_attr[:, 0].tolist())
                 if t == i and e == 0.0]
        inv = [s for (s, t), e in zip(edge_index.t().tolist(), edge_attr[:, 0].tolist())
               if t == i and e == 1.0]
        h = conv.plain.lin_r(x[i]) + conv.plain.lin_l.bias
        if plain:
            h = h + x[plain].mean(0) @ conv.plain.lin_l.weight.t()
        if inv:
            h = h + x[inv].mean(0) @ conv.inverted.lin_l.weight.t()
        out.append(h)
    return torch.stack(out)


def test_equals_the_node_by_node_definition():
    torch.manual_seed(0)
    conv = InversionSAGEConv(6, 5)
    x = torch.randn(7, 6)
    edge_index = torch.tensor([[0, 1, 0, 2, 3, 3, 4, 1], [3, 3, 4, 4, 5, 6, 6, 6]])
    edge_attr = torch.tensor([[0.], [1.], [1.], [1.], [0.], [0.], [1.], [0.]])
    with torch.no_grad():
        torch.testing.assert_close(conv(x, edge_index, edge_attr),
                                   _reference(conv, x, edge_index, edge_attr))


def test_no_complemented_edges():
    torch.manual_seed(0)
    conv = InversionSAGEConv(4, 4)
    x, edge_index = torch.randn(3, 4), torch.tensor([[0, 1], [2, 2]])
    with torch.no_grad():
        torch.testing.assert_close(conv(x, edge_index, torch.zeros(2, 1)),
                                   conv.plain(x, edge_index))
