"""Hyper-parameters of a graph encoder: :class:`EncoderConfig`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from circuitlab.data import ENCODINGS
from circuitlab.errors import ParamError, require, require_at_least, require_choice
from circuitlab.nn.input_codes import MAX_INPUT_CODES

BACKBONES = ("deepgcn", "sage", "gin", "dag")
"""Backbone names; :data:`~circuitlab.nn.ENCODERS` maps each to its class."""

POOLS = ("mean", "mean_max", "po_mean")
"""Graph read-outs of :meth:`~circuitlab.nn.Encoder.pool`."""

AGGREGATES = ("sum", "min")
"""How the ``"dag"`` backbone's forward sweep combines fan-in messages."""


@dataclass(frozen=True)
class EncoderConfig:
    """What :func:`~circuitlab.nn.build_encoder` builds; saved with every checkpoint.

    The defaults are the encoder of MGVGA (Wu et al., "Circuit
    Representation Learning with Masked Gate Modeling and Verilog-AIG
    Alignment", ICLR 2025, https://arxiv.org/abs/2502.12732; release
    github.com/wuhy68/MGVGA, ``num_encoder_layers = 7``, ``hidden_size = 64``).

    Attributes:
        backbone: registered name of the encoder class (``"deepgcn"``,
            ``"sage"``, ``"gin"``, ``"dag"``; see :data:`~circuitlab.nn.ENCODERS`).
        hidden: width ``H`` of the node states.
        layers: number of residual message-passing blocks.
        dropout: dropout on the input of each block's convolution, in [0, 1).
        encoding: graph encoding the encoder reads (``"not_nodes"`` or
            ``"edge_attr"``, see :func:`circuitlab.data.to_pyg`). Under
            ``"edge_attr"`` every convolution also reads the inversion flag
            of each edge; under ``"not_nodes"`` inversions are NOT nodes and
            the graphs must carry no ``edge_attr``.
        bidirectional: also pass messages fan-out -> fan-in (a second
            convolution per block on the reversed edges, outputs summed).
            Off by default: with it, a node's state depends on its
            descendants too, which leaks a masked node's type through its
            fan-out in masked gate modelling. Meant for downstream tasks.
        pool: graph read-out: ``"mean"`` over all nodes (MGVGA's embedding
            model), ``"mean_max"`` mean and max over all nodes concatenated
            (``2H`` wide), ``"po_mean"`` mean over the PO nodes (outputs and
            latch next states).
        input_codes: width of a fixed pseudo-random code added to each PI
            node's state, a function of the input's position only
            (:func:`~circuitlab.nn.input_codes.input_codes`: its values under
            that many random patterns); 0 for none, so inputs differ only by
            where they sit in the graph. Equivalent circuits over the same
            inputs (a design and its recipe versions, cones put on one leaf
            set) share their codes. 1 to 64 bits; the graphs must carry
            ``input_pos``.
        code_banks: the graph embedding (:meth:`~circuitlab.nn.Encoder.embed`)
            concatenates the read-outs under this many banks of input codes
            (bank ``b`` of :func:`~circuitlab.nn.input_codes.input_codes`),
            ``code_banks * input_codes`` patterns in all; 1 (the default)
            is one read-out. More than 1 needs ``input_codes``.
        aggregate: how the ``"dag"`` backbone's forward sweep combines a
            node's fan-in messages: ``"sum"``, or ``"min"`` (elementwise, an
            AND on messages in [0, 1]); the other backbones sum.
        gate_messages: the ``"dag"`` backbone computes each message with a
            map chosen by the type of the node it enters (DeepGate's
            separate AND and NOT aggregators); off: one map for all.
        sweep_norm: the ``"dag"`` backbone normalises each node's aggregated
            messages (LayerNorm) before its GRU update; off, the GRU reads
            the aggregate as it is, so the magnitudes a ``"min"`` sweep
            computes (an AND of the fan-ins' values) reach it unchanged.
    """

    backbone: str = "deepgcn"
    hidden: int = 64
    layers: int = 7
    dropout: float = 0.0
    encoding: str = "not_nodes"
    bidirectional: bool = False
    pool: str = "mean_max"
    input_codes: int = 0
    code_banks: int = 1
    aggregate: str = "sum"
    gate_messages: bool = False
    sweep_norm: bool = True

    def __post_init__(self):
        require_choice(self.backbone, BACKBONES, "backbone")
        for name in ("hidden", "layers"):
            value = getattr(self, name)
            require(isinstance(value, int) and not isinstance(value, bool), name,
                    f"must be an int, got {value!r}")
            require_at_least(value, 1, name)
        require_at_least(self.dropout, 0.0, "dropout")
        require(self.dropout < 1.0, "dropout", f"must be < 1, got {self.dropout!r}")
        require_choice(self.encoding, ENCODINGS, "encoding")
        require(isinstance(self.bidirectional, bool), "bidirectional",
                f"must be a bool, got {self.bidirectional!r}")
        require_choice(self.pool, POOLS, "pool")
        require_choice(self.aggregate, AGGREGATES, "aggregate")
        require(self.aggregate == "sum" or self.backbone == "dag", "aggregate",
                f"{self.aggregate!r} needs the 'dag' backbone")
        require(isinstance(self.gate_messages, bool), "gate_messages",
                f"must be a bool, got {self.gate_messages!r}")
        require(not self.gate_messages or self.backbone == "dag", "gate_messages",
                "needs the 'dag' backbone")
        require(isinstance(self.sweep_norm, bool), "sweep_norm",
                f"must be a bool, got {self.sweep_norm!r}")
        require(self.sweep_norm or self.backbone == "dag", "sweep_norm",
                "off needs the 'dag' backbone (the others have no sweep)")
        require(isinstance(self.input_codes, int) and not isinstance(self.input_codes, bool)
                and 0 <= self.input_codes <= MAX_INPUT_CODES, "input_codes",
                f"must be an int from 0 to {MAX_INPUT_CODES}, got {self.input_codes!r}")
        require(isinstance(self.code_banks, int) and not isinstance(self.code_banks, bool)
                and self.code_banks >= 1, "code_banks",
                f"must be an int >= 1, got {self.code_banks!r}")
        require(self.code_banks == 1 or self.input_codes > 0, "code_banks",
                "more than 1 needs input_codes")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EncoderConfig:
        unknown = sorted(set(d) - {f.name for f in fields(cls)})
        if unknown:
            raise ParamError(unknown[0], "is not a field of EncoderConfig")
        return cls(**d)
