import pytest
from torch_geometric.nn import GINConv, GINEConv

from circuitlab.data import ENCODINGS
from circuitlab.nn import EncoderConfig, GINEncoder


def _by_hand(hidden, layers, edge_attr, bidirectional):
    conv = (2 * (hidden * hidden + hidden)      # MLP: two Linear(H, H) with bias
            + 1                                 # learned epsilon
            + (2 * hidden if edge_attr else 0))  # GINE's Linear(1, H) with bias
    block = conv * (2 if bidirectional else 1) + 2 * hidden
    return 6 * hidden + layers * block


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("hidden,layers", [(64, 7), (16, 2)])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_parameter_count_by_hand(encoding, hidden, layers, bidirectional):
    enc = GINEncoder(EncoderConfig(backbone="gin", hidden=hidden, layers=layers,
                                   encoding=encoding, bidirectional=bidirectional))
    assert enc.num_parameters() == _by_hand(hidden, layers, encoding == "edge_attr",
                                            bidirectional)


@pytest.mark.parametrize("encoding,conv", [("not_nodes", GINConv), ("edge_attr", GINEConv)])
def test_convolution_per_encoding(encoding, conv):
    enc = GINEncoder(EncoderConfig(backbone="gin", encoding=encoding))
    assert all(type(layer.conv) is conv and layer.conv.eps.requires_grad
               for layer in enc.layers)
