"""Graph encoders of AIGs (the GNN side of MGVGA).

One interface, :class:`Encoder`: built from a frozen :class:`EncoderConfig`
by :func:`build_encoder`, ``encoder(batch) -> [N, H]`` node states with
messages flowing fan-in -> fan-out, ``encoder.pool(states, batch) -> [B, H']``.
Backbones: ``"deepgcn"`` (MGVGA's, :class:`DeepGCNEncoder`), ``"sage"``,
``"gin"``, ``"dag"`` (level by level, :class:`DAGEncoder`). The shipped pre-trained encoder: :func:`load_default_encoder`
(:mod:`circuitlab.nn.pretrained`). Wu et al., ICLR 2025, https://arxiv.org/abs/2502.12732.
"""

from circuitlab.nn.bidirectional_conv import BidirectionalConv
from circuitlab.nn.dag import DAGEncoder
from circuitlab.nn.deepgcn import DeepGCNEncoder
from circuitlab.nn.encoder import MASK_TYPE, NUM_INPUT_TYPES, Encoder
from circuitlab.nn.encoder_config import POOLS, EncoderConfig
from circuitlab.nn.gin import GINEncoder
from circuitlab.nn.inversion_sage_conv import InversionSAGEConv
from circuitlab.nn.pretrained import DEFAULT_CHECKPOINT, load_default_encoder, load_encoder
from circuitlab.nn.registry import ENCODERS, build_encoder
from circuitlab.nn.sage import SAGEEncoder

__all__ = ["DEFAULT_CHECKPOINT", "ENCODERS", "MASK_TYPE", "NUM_INPUT_TYPES", "POOLS",
           "BidirectionalConv", "DAGEncoder", "DeepGCNEncoder", "Encoder", "EncoderConfig", "GINEncoder",
           "InversionSAGEConv", "SAGEEncoder", "build_encoder", "load_default_encoder",
           "load_encoder"]
