"""The interface of every graph encoder of an AIG: :class:`Encoder`."""

from __future__ import annotations

import copy
import itertools
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

import numpy as np
import torch
from torch import Tensor, nn
from torch_geometric.data import Batch, Data
from torch_geometric.nn import DeepGCNLayer, global_max_pool, global_mean_pool

from circuitlab.data import NUM_NODE_TYPES
from circuitlab.errors import CircuitlabError
from circuitlab.nn.bidirectional_conv import BidirectionalConv
from circuitlab.nn.encoder_config import EncoderConfig
from circuitlab.nn.input_codes import node_codes

MASK_TYPE = NUM_NODE_TYPES
"""Input type index 5: a learned "masked" node type, one past the
:class:`~circuitlab.data.NodeType` vocabulary (PI 0, PO 1, AND 2, NOT 3,
CONST 4). Masked gate modelling writes it into ``node_type`` in place of the
type to be predicted."""

NUM_INPUT_TYPES = NUM_NODE_TYPES + 1
"""Rows of the node-type embedding: the five node types and :data:`MASK_TYPE`."""


class Encoder(nn.Module, ABC):
    r"""A stack of residual message-passing blocks over an AIG graph.

    Every backbone shares the skeleton of the MGVGA encoder (Wu et al.,
    "Circuit Representation Learning with Masked Gate Modeling and
    Verilog-AIG Alignment", ICLR 2025, https://arxiv.org/abs/2502.12732):
    a node-type embedding, then ``layers`` blocks
    :class:`~torch_geometric.nn.DeepGCNLayer` with ``block="res+"``, each
    :math:`x \leftarrow x + \mathrm{conv}(\mathrm{dropout}(\mathrm{ReLU}(
    \mathrm{LayerNorm}(x))))`, with a ReLU between consecutive blocks (none
    after the last). Subclasses only choose the convolution
    (:meth:`make_conv`). LayerNorm works per node, so a graph's states do
    not depend on the other graphs of its batch.

    Direction: messages flow along ``edge_index`` as given, fan-in ->
    fan-out (``flow="source_to_target"``), so the state of node ``v``
    depends only on its transitive fan-in cone (``v`` included): the input
    types of those nodes and, under ``"edge_attr"``, the inversion flags of
    the edges between them. Masking a node's type therefore changes only
    the states of its transitive fan-out.
    With ``config.bidirectional`` each block adds a second convolution over
    the reversed edges (see :class:`BidirectionalConv`).

    Edge inversions: under ``config.encoding == "edge_attr"`` the
    convolutions also read ``edge_attr`` (``[E, 1]``, 1.0 on a complemented
    edge); under ``"not_nodes"`` they are NOT nodes and no edge features
    are read.

    Args:
        config: the hyper-parameters; ``config.backbone`` must name this class.

    Shapes:
        - **input:** a :class:`~circuitlab.data.AigData` or a
          :class:`~torch_geometric.data.Batch` of them with ``N`` nodes,
          ``E`` edges, ``B`` graphs; optionally ``node_type`` ``[N]`` int64
          overriding the batch's (values ``0 .. 5``, 5 = :data:`MASK_TYPE`).
        - **forward output:** node states ``[N, H]``.
        - **pool output:** graph embeddings ``[B, pool_dim]``.
        - **embed output:** graph embeddings ``[B, embedding_dim]``.

    Centring: ``readout_centre`` (a buffer, ``[pool_dim]``, zero until
    :meth:`fit_readout_centre`) is the mean read-out of the training
    graphs; :meth:`readout` and :meth:`embed` subtract it, so two unrelated
    circuits' embeddings are not near-parallel by a component every graph
    shares. Checkpoints without it load with zeros.
    """

    backbone: str = ""
    """The name :data:`~circuitlab.nn.ENCODERS` registers the subclass under."""

    def __init__(self, config: EncoderConfig):
        super().__init__()
        if config.backbone != self.backbone:
            raise CircuitlabError(f"{type(self).__name__} is the {self.backbone!r} backbone, "
                                  f"the config asks for {config.backbone!r}")
        self.config = config
        self.node_embedding = nn.Embedding(NUM_INPUT_TYPES, config.hidden)
        if config.input_codes:
            self.input_code = nn.Linear(config.input_codes, config.hidden, bias=False)
        self.layers = nn.ModuleList(self._block() for _ in range(config.layers))
        self.register_buffer("readout_centre", torch.zeros(self.pool_dim))

    @property
    def uses_edge_attr(self) -> bool:
        """Whether the convolutions read the inversion flag of each edge."""
        return self.config.encoding == "edge_attr"

    @property
    def pool_dim(self) -> int:
        """Width of the graph embedding that :meth:`pool` returns."""
        return 2 * self.config.hidden if self.config.pool == "mean_max" else self.config.hidden

    @property
    def embedding_dim(self) -> int:
        """Width of the graph embedding that :meth:`embed` returns."""
        return self.pool_dim * self.config.code_banks

    @abstractmethod
    def make_conv(self) -> nn.Module:
        """A new convolution of one block.

        It is called as ``conv(x, edge_index)``, or ``conv(x, edge_index,
        edge_attr)`` when :attr:`uses_edge_attr`, with ``x`` ``[N, H]``,
        ``edge_index`` ``[2, E]``, ``edge_attr`` ``[E, 1]``, and returns
        ``[N, H]``; a node's output may depend only on itself and its
        sources along ``edge_index``.
        """

    def _block(self) -> DeepGCNLayer:
        conv = self.make_conv()
        if self.config.bidirectional:
            conv = BidirectionalConv(conv, self.make_conv())
        return DeepGCNLayer(conv, nn.LayerNorm(self.config.hidden), nn.ReLU(),
                            block="res+", dropout=self.config.dropout)

    def forward(self, batch: Data, node_type: Tensor | None = None) -> Tensor:
        """Node states ``[N, H]`` of ``batch``.

        Args:
            batch: one graph or a batch, in the encoding of ``config.encoding``.
            node_type: input types ``[N]`` to use instead of
                ``batch.node_type`` (e.g. with some set to :data:`MASK_TYPE`).

        Raises:
            CircuitlabError: the graphs are not in ``config.encoding``.
        """
        edges = self._edges(batch)
        x = self.initial_states(batch, node_type)
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x, *edges)
            if i < last:
                x = x.relu()
        return x

    def initial_states(self, batch: Data, node_type: Tensor | None = None) -> Tensor:
        """``[N, H]``: each node's type embedding, plus its input's code on PI nodes.

        The codes come from each graph's ``code_bank`` (bank 0 without one,
        see :func:`~circuitlab.nn.input_codes.node_codes`).

        Raises:
            CircuitlabError: ``config.input_codes`` is set and ``batch`` has
                no ``input_pos`` (graphs built before the field existed).
        """
        x = self.node_embedding(batch.node_type if node_type is None else node_type)
        if not self.config.input_codes:
            return x
        position = getattr(batch, "input_pos", None)
        if position is None or position.numel() != x.size(0):
            raise CircuitlabError("the encoder codes its inputs (input_codes = "
                                  f"{self.config.input_codes}) but the graphs carry no "
                                  "input_pos: rebuild them with circuitlab.data.to_pyg")
        pi = torch.nonzero(position >= 0).flatten()
        codes = node_codes(batch, pi, self.config.input_codes).to(x.device, x.dtype)
        return x.index_add(0, pi, self.input_code(codes))

    def pool(self, node_states: Tensor, batch: Data) -> Tensor:
        """Graph embeddings ``[B, pool_dim]`` from node states ``[N, H]``.

        The read-out is ``config.pool``: ``"mean"`` over all nodes,
        ``"mean_max"`` mean then max over all nodes (``2H`` wide),
        ``"po_mean"`` mean over the PO nodes (zero for a graph without any).
        """
        index = getattr(batch, "batch", None)
        if index is None:
            index = torch.zeros(node_states.size(0), dtype=torch.long, device=node_states.device)
        size = int(getattr(batch, "num_graphs", 1) or 1)
        if self.config.pool == "mean":
            return global_mean_pool(node_states, index, size)
        if self.config.pool == "mean_max":
            return torch.cat([global_mean_pool(node_states, index, size),
                              global_max_pool(node_states, index, size)], dim=-1)
        po = batch.po_node
        return global_mean_pool(node_states[po], index[po], size)

    def bank_states(self, batch: Data) -> list[Tensor]:
        """Node states ``[N, H]`` under each code bank, ``config.code_banks`` of them.

        With one bank, ``[self(batch)]`` (under the batch's own ``code_bank``
        if it carries one); with ``K``, the states with the inputs coded by
        banks ``0 .. K-1``, as if the circuit were simulated under ``K``
        times as many patterns. The ``K`` copies go through the encoder as
        one batch (one sweep over the levels, not ``K``); ``batch`` is left
        as it was.
        """
        banks = self.config.code_banks
        if banks == 1:
            return [self(batch)]
        graphs = batch.to_data_list() if isinstance(batch, Batch) else [batch]
        copies = Batch.from_data_list(graphs * banks)
        copies.code_bank = torch.arange(banks, device=batch.edge_index.device
                                        ).repeat_interleave(len(graphs))
        return list(self(copies).split(batch.num_nodes))

    def readout(self, node_states: Tensor, batch: Data) -> Tensor:
        """:meth:`pool` minus ``readout_centre``: ``[B, pool_dim]``."""
        return self.pool(node_states, batch) - self.readout_centre

    def embed(self, batch: Data) -> Tensor:
        """Graph embeddings ``[B, embedding_dim]``: :meth:`readout` under each bank, concatenated."""
        return torch.cat([self.readout(x, batch) for x in self.bank_states(batch)], dim=-1)

    @torch.no_grad()
    def fit_readout_centre(self, graphs: Iterable[Data], limit: int = 1024) -> int:
        """Set ``readout_centre`` to the mean :meth:`pool` of ``graphs`` under each bank.

        A sequence gives ``limit`` graphs spread evenly over it (all when it
        is shorter); another iterable (a shuffled stream) its first
        ``limit``. Dropout is off while it runs; the mode is restored.

        Returns:
            how many graphs the mean is over.
        """
        if isinstance(graphs, Sequence):
            picks = np.unique(np.linspace(0, len(graphs) - 1, min(limit, len(graphs)))
                              .round().astype(int)) if len(graphs) else []
            chosen = [graphs[int(k)] for k in picks]
        else:
            chosen = list(itertools.islice(graphs, limit))
        if not chosen:
            raise CircuitlabError("no graph to take the read-out centre from")
        was_training = self.training
        self.eval()
        device = self.readout_centre.device
        total = torch.zeros_like(self.readout_centre)
        for graph in chosen:
            graph = copy.copy(graph).to(device)  # the caller's graph stays where it is
            total += torch.stack([self.pool(x, graph)[0] for x in
                                  self.bank_states(graph)]).mean(0)
        self.readout_centre.copy_(total / len(chosen))
        self.train(was_training)
        return len(chosen)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        state_dict.setdefault(prefix + "readout_centre", torch.zeros(self.pool_dim))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def num_parameters(self) -> int:
        """Number of scalar parameters (all are trainable)."""
        return sum(p.numel() for p in self.parameters())

    def _edges(self, batch: Data) -> tuple[Tensor, ...]:
        encoding = getattr(batch, "encoding", None)
        found = {encoding} if isinstance(encoding, str) else set(encoding or ())
        if found - {self.config.encoding}:
            raise CircuitlabError(f"the encoder reads the {self.config.encoding!r} encoding, "
                                  f"the graphs are in {', '.join(sorted(map(repr, found)))}")
        edge_attr = getattr(batch, "edge_attr", None)
        if not self.uses_edge_attr:
            if edge_attr is not None:
                raise CircuitlabError("the graphs carry edge_attr but the encoder reads the "
                                      "'not_nodes' encoding, which would ignore it")
            return (batch.edge_index,)
        if edge_attr is None or edge_attr.dim() != 2 or edge_attr.size(1) != 1:
            raise CircuitlabError("the 'edge_attr' encoding needs edge_attr of shape [E, 1], got "
                                  f"{None if edge_attr is None else tuple(edge_attr.shape)}")
        return batch.edge_index, edge_attr.to(self.node_embedding.weight.dtype)
