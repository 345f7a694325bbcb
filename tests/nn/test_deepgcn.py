import pytest
import torch
from torch_geometric.nn import DeepGCNLayer, GENConv, Linear
from torch_geometric.nn.aggr import SoftmaxAggregation

from circuitlab.data import ENCODINGS
from circuitlab.nn import DeepGCNEncoder, EncoderConfig


def _by_hand(hidden, layers, edge_attr, bidirectional):
    conv = (hidden * 2 * hidden          # MLP Linear H -> 2H, no bias
            + 2 * 2 * hidden             # LayerNorm(2H) weight and bias
            + 2 * hidden * hidden        # MLP Linear 2H -> H, no bias
            + 1                          # learned softmax temperature t
            + (hidden if edge_attr else 0))  # lin_edge [1] -> [H], no bias
    block = conv * (2 if bidirectional else 1) + 2 * hidden  # + the block's LayerNorm(H)
    return 6 * hidden + layers * block   # + embedding of 5 node types and MASK


def test_mgvga_defaults_have_about_0_12_m_parameters():
    enc = DeepGCNEncoder(EncoderConfig())
    assert enc.num_parameters() == _by_hand(64, 7, False, False) == 117_767
    # MGVGA's encoder: the same blocks and a 5-row embedding (4 types + padding).
    assert enc.num_parameters() - 64 == 117_703


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("hidden,layers", [(64, 7), (32, 3), (8, 1)])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_parameter_count_by_hand(encoding, hidden, layers, bidirectional):
    enc = DeepGCNEncoder(EncoderConfig(hidden=hidden, layers=layers, encoding=encoding,
                                       bidirectional=bidirectional))
    assert enc.num_parameters() == _by_hand(hidden, layers, encoding == "edge_attr",
                                            bidirectional)


def test_blocks_are_mgvga_s():
    enc = DeepGCNEncoder(EncoderConfig())
    assert len(enc.layers) == 7
    for layer in enc.layers:
        assert isinstance(layer, DeepGCNLayer) and layer.block == "res+"
        assert isinstance(layer.norm, torch.nn.LayerNorm) and layer.norm.normalized_shape == (64,)
        conv = layer.conv
        assert isinstance(conv, GENConv) and conv.flow == "source_to_target"
        assert isinstance(conv.aggr_module, SoftmaxAggregation)
        assert conv.aggr_module.learn and conv.aggr_module.t.requires_grad
        linears = [m for m in conv.mlp if isinstance(m, Linear)]
        shapes = [(m.in_channels, m.out_channels, m.bias) for m in linears]
        assert shapes == [(64, 128, None), (128, 64, None)]
        assert any(isinstance(m, torch.nn.LayerNorm) for m in conv.mlp)
