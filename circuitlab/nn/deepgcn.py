"""The DeeperGCN encoder of MGVGA: :class:`DeepGCNEncoder`."""

from __future__ import annotations

from torch import nn
from torch_geometric.nn import GENConv

from circuitlab.nn.encoder import Encoder


class DeepGCNEncoder(Encoder):
    r"""MGVGA's encoder: residual blocks of :class:`~torch_geometric.nn.GENConv`.

    As in the MGVGA release (github.com/wuhy68/MGVGA,
    ``aigmae/modeling_vgmae.py``, ``AIGMAEBlock``) each block's convolution is
    ``GENConv(H, H, aggr="softmax", t=1.0, learn_t=True, num_layers=2,
    norm="layer")``: softmax aggregation of :math:`\mathrm{ReLU}(x_j +
    e_{ji}) + \epsilon` over the fan-ins with a learned inverse temperature,
    added to :math:`x_i`, then a bias-free MLP ``H -> 2H -> H`` with a
    LayerNorm and a ReLU in between. Under the ``"edge_attr"`` encoding,
    :math:`e_{ji}` is a learned vector (``lin_edge``, ``[1] -> [H]``, no
    bias) times the inversion flag; under ``"not_nodes"`` it is absent.
    With the defaults (7 blocks, ``H = 64``) the encoder has 117,767
    parameters: the count of MGVGA's encoder from the release's config
    (117,703, with a 5-row embedding: 4 types and padding) plus one row,
    as the embedding here has 6 (5 types and
    :data:`~circuitlab.nn.MASK_TYPE`; MGVGA masks encoder states, not inputs).

    Wu et al., "Circuit Representation Learning with Masked Gate Modeling
    and Verilog-AIG Alignment", ICLR 2025, https://arxiv.org/abs/2502.12732;
    GENConv from Li et al., "DeeperGCN: All You Need to Train Deeper GCNs",
    https://arxiv.org/abs/2006.07739.

    Args:
        config: hyper-parameters with ``backbone == "deepgcn"``.

    Shapes:
        - **input:** a graph or batch with ``N`` nodes and ``B`` graphs.
        - **forward output:** node states ``[N, H]``.
        - **pool output:** ``[B, pool_dim]``.
    """

    backbone = "deepgcn"

    def make_conv(self) -> nn.Module:
        hidden = self.config.hidden
        return GENConv(hidden, hidden, aggr="softmax", t=1.0, learn_t=True, num_layers=2,
                       norm="layer", edge_dim=1 if self.uses_edge_attr else None)
