"""The backbone names and :func:`build_encoder`."""

from __future__ import annotations

from circuitlab.nn.dag import DAGEncoder
from circuitlab.nn.deepgcn import DeepGCNEncoder
from circuitlab.nn.encoder import Encoder
from circuitlab.nn.encoder_config import EncoderConfig
from circuitlab.nn.gin import GINEncoder
from circuitlab.nn.sage import SAGEEncoder

ENCODERS: dict[str, type[Encoder]] = {
    cls.backbone: cls for cls in (DeepGCNEncoder, SAGEEncoder, GINEncoder, DAGEncoder)
}
"""Encoder class of each ``EncoderConfig.backbone`` name: "deepgcn", "sage", "gin", "dag"."""


def build_encoder(config: EncoderConfig) -> Encoder:
    """A freshly initialised encoder of ``config.backbone`` with ``config``."""
    return ENCODERS[config.backbone](config)
