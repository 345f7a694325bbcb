import pytest
from torch_geometric.nn import SAGEConv

from circuitlab.data import ENCODINGS
from circuitlab.nn import EncoderConfig, InversionSAGEConv, SAGEEncoder


def _by_hand(hidden, layers, edge_attr, bidirectional):
    sage = 2 * hidden * hidden + hidden  # lin_l with bias, lin_r without
    conv = sage + (hidden * hidden if edge_attr else 0)  # + complemented fan-ins' lin_l
    block = conv * (2 if bidirectional else 1) + 2 * hidden
    return 6 * hidden + layers * block


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("hidden,layers", [(64, 7), (16, 2)])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_parameter_count_by_hand(encoding, hidden, layers, bidirectional):
    enc = SAGEEncoder(EncoderConfig(backbone="sage", hidden=hidden, layers=layers,
                                    encoding=encoding, bidirectional=bidirectional))
    assert enc.num_parameters() == _by_hand(hidden, layers, encoding == "edge_attr",
                                            bidirectional)


@pytest.mark.parametrize("encoding,conv", [("not_nodes", SAGEConv),
                                           ("edge_attr", InversionSAGEConv)])
def test_convolution_per_encoding(encoding, conv):
    enc = SAGEEncoder(EncoderConfig(backbone="sage", encoding=encoding))
    assert all(type(layer.conv) is conv for layer in enc.layers)
