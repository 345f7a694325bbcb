"""The pre-training model: MGM, VGA and GraphMAE heads on one encoder."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.data import Data

from circuitlab.errors import CircuitlabError
from circuitlab.nn import MASK_TYPE, build_encoder
from circuitlab.pretrain.config import PretrainConfig
from circuitlab.pretrain.heads import AlignBlock, GraphDecoder, NodeHeads, reconstruction_losses
from circuitlab.pretrain.masking import random_node_mask
from circuitlab.pretrain.objective_contrast import contrast_loss, view_embeddings
from circuitlab.pretrain.objective_prob import ProbHead, prob_loss
from circuitlab.pretrain.objective_sim import SimHead, sim_loss
from circuitlab.pretrain.objective_ttd import PairHead, ttd_loss

TEXT_TOKENS = "text_tokens"
"""Graph field of the design's text tokens: ``[1, M, D]`` float per graph, so
that PyG batching (concatenation along dim 0, the default of
:class:`~circuitlab.data.AigData`) gives ``[B, M, D]``."""


class PretrainModel(nn.Module):
    r"""An :class:`~circuitlab.nn.Encoder` with the decoders of its objectives.

    MGVGA (Wu et al., "Circuit Representation Learning with Masked Gate
    Modeling and Verilog-AIG Alignment", ICLR 2025,
    https://arxiv.org/abs/2502.12732; release github.com/wuhy68/MGVGA,
    ``aigmae/modeling_vgmae.py``):

    - **MGM** (masked gate modelling in latent space): encode the unmasked
      graph; replace the latents of ``mgm_mask_ratio`` of the nodes (of any
      type, as the release) by a learned mask vector; decode with one more
      message-passing block (:class:`GraphDecoder`, fan-in -> fan-out);
      predict the masked nodes' type (cross-entropy) and their ``fanin`` and
      ``fanout`` (Huber). The release regresses both degrees (its
      ``indegree`` counts ``edge_index[0]``, i.e. the fan-out; its
      ``outdegree`` the fan-in); here both are named for what they count.
    - **VGA** (Verilog-AIG alignment): set ``vga_mask_ratio`` of the input
      types to :data:`~circuitlab.nn.MASK_TYPE`; encode with the same
      encoder; let the node states cross-attend to the ``M`` text tokens of
      their design (``cross_layers`` :class:`AlignBlock`); predict types and
      degrees of the masked nodes (the release predicts types only).
    - **GraphMAE** (the ablation baseline): the input masking of VGA, a
      :class:`GraphDecoder` instead of the text, the same targets.

    ``"mgm+vga"`` sums the two losses. The functional objectives
    (``contrast``, ``prob``, ``ttd``, ``func`` for these three, and
    ``sim``) read the node states of one unmasked encoder pass, shared
    between them, and add their weighted losses
    (:mod:`~circuitlab.pretrain.objective_contrast`,
    :mod:`~circuitlab.pretrain.objective_prob`,
    :mod:`~circuitlab.pretrain.objective_ttd`,
    :mod:`~circuitlab.pretrain.objective_sim`); their targets are not
    inputs, so a bidirectional encoder leaks none of them.

    Leakage: with messages only fan-in -> fan-out, a node's encoder state
    depends on its fan-in cone alone, so neither decoder sees a masked
    node's own type (tested). The graph's structure stays visible, and it
    tells much of the type (an AND has two fan-ins, a PI none), as in the
    release.

    Args:
        config: the run's hyper-parameters.

    Shapes:
        - **input:** a :class:`~torch_geometric.data.Batch` of
          :class:`~circuitlab.data.AigData` (with ``text_tokens`` ``[B, M, D]``
          when the method uses text).
        - **output:** the scalar loss and a dict of detached scalar metrics.
    """

    def __init__(self, config: PretrainConfig):
        super().__init__()
        self.config = config
        self.encoder = build_encoder(config.encoder)
        hidden = config.encoder.hidden
        methods = set(config.objectives)
        if "mgm" in methods:
            self.mask_latent = nn.Parameter(torch.randn(hidden) * 0.02)
            self.mgm_decoder = GraphDecoder(self.encoder)
            self.mgm_heads = NodeHeads(hidden)
        if "vga" in methods:
            self.vga_decoder = nn.ModuleList(
                AlignBlock(hidden, config.text_dim, config.cross_heads)
                for _ in range(config.cross_layers))
            self.vga_heads = NodeHeads(hidden)
        if "graphmae" in methods:
            self.mae_decoder = GraphDecoder(self.encoder)
            self.mae_heads = NodeHeads(hidden)
        if "prob" in methods:
            self.prob_head = ProbHead(hidden)
        if "ttd" in methods:
            self.ttd_head = PairHead(hidden)
        if "sim" in methods:
            self.sim_head = SimHead(hidden, config.encoder.input_codes)

    def forward(self, batch: Data, generator: torch.Generator) -> tuple[Tensor, dict]:
        """The summed loss of ``config.method`` and its metrics; masks drawn from ``generator``."""
        index, size = batch_index(batch)
        total, metrics = 0.0, {}
        for method in self.config.masked_objectives:
            ratio = getattr(self.config, f"{method}_mask_ratio")
            mask = random_node_mask(index, size, ratio, generator)
            _, decoded = getattr(self, f"{method}_decode")(batch, mask)
            heads = self.mae_heads if method == "graphmae" else getattr(self, f"{method}_heads")
            loss, found = reconstruction_losses(method, *heads(decoded), batch, mask,
                                                self.config.degree_weight)
            total = total + loss
            metrics.update(found)
        if self.config.functional_objectives:
            loss, found = self.functional_losses(batch)
            total = total + loss
            metrics.update(found)
        metrics["loss"] = total.detach()
        return total, metrics

    def functional_losses(self, batch: Data) -> tuple[Tensor, dict]:
        """The weighted sum of the functional objectives' losses on one unmasked pass."""
        config = self.config
        states = self.encoder(batch)
        total, metrics = 0.0, {}
        for objective in config.functional_objectives:
            if objective == "contrast":
                loss, found = contrast_loss(view_embeddings(self.encoder, states, batch),
                                            batch.view_func, config.contrast_temperature)
            elif objective == "prob":
                loss, found = prob_loss(self.prob_head, states, batch)
            elif objective == "sim":
                loss, found = sim_loss(self.sim_head, states, batch, config.encoder.input_codes)
            else:
                loss, found = ttd_loss(self.ttd_head, states, batch)
            total = total + getattr(config, f"{objective}_weight") * loss
            metrics.update(found)
        return total, metrics

    def mgm_decode(self, batch: Data, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Decoder input ``[N, H]`` (mask vector at ``mask``) and decoder output ``[N, H]``."""
        latents = self.encoder(batch)
        masked = torch.where(mask[:, None], self.mask_latent.to(latents.dtype), latents)
        return masked, self.mgm_decoder(masked, *self._edges(batch))

    def vga_decode(self, batch: Data, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Decoder input (encoder states of the input-masked graph) and output, ``[N, H]``."""
        states = self.encoder(batch, node_type=masked_types(batch, mask))
        tokens = self._tokens(batch)
        index, _ = batch_index(batch)
        x = states
        for block in self.vga_decoder:
            x = block(x, index, tokens)
        return states, x

    def graphmae_decode(self, batch: Data, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Decoder input (encoder states of the input-masked graph) and output, ``[N, H]``."""
        states = self.encoder(batch, node_type=masked_types(batch, mask))
        return states, self.mae_decoder(states, *self._edges(batch))

    def _edges(self, batch: Data) -> tuple[Tensor, ...]:
        if not self.encoder.uses_edge_attr:
            return (batch.edge_index,)
        return batch.edge_index, batch.edge_attr.to(self.mask_dtype)

    @property
    def mask_dtype(self) -> torch.dtype:
        return self.encoder.node_embedding.weight.dtype

    def _tokens(self, batch: Data) -> Tensor:
        tokens = getattr(batch, TEXT_TOKENS, None)
        _, size = batch_index(batch)
        want = (size, self.config.text_tokens, self.config.text_dim)
        if tokens is None or tuple(tokens.shape) != want:
            got = None if tokens is None else tuple(tokens.shape)
            raise CircuitlabError(f"the {self.config.method} objective needs {TEXT_TOKENS} of "
                                  f"shape [1, M={want[1]}, D={want[2]}] on every graph "
                                  f"(batched {list(want)}), got {got}")
        return tokens.to(self.mask_dtype)


def masked_types(batch: Data, mask: Tensor) -> Tensor:
    """``batch.node_type`` with :data:`~circuitlab.nn.MASK_TYPE` at ``mask``."""
    return torch.where(mask, torch.full_like(batch.node_type, MASK_TYPE), batch.node_type)


def batch_index(batch: Data) -> tuple[Tensor, int]:
    """The graph of each node ``[N]`` and the number of graphs (one for a lone graph)."""
    index = getattr(batch, "batch", None)
    if index is None:
        return torch.zeros(batch.num_nodes, dtype=torch.long,
                           device=batch.node_type.device), 1
    return index, int(batch.num_graphs)


def with_text_tokens(graph: Data, tokens: Tensor) -> Data:
    """A copy of ``graph`` carrying ``tokens`` as ``text_tokens`` ``[1, M, D]``.

    ``tokens`` is ``[M, D]`` (an LLM's per-token states) or ``[D]`` (one
    vector per design, ``M = 1``, as the MGVGA release); stored float32.
    """
    if tokens.dim() == 1:
        tokens = tokens[None]
    if tokens.dim() != 2:
        raise CircuitlabError(f"text tokens must be [M, D] or [D], got {list(tokens.shape)}")
    out = graph.clone()
    out[TEXT_TOKENS] = tokens.detach().to(torch.float32)[None]
    return out
