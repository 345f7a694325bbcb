"""Graph and node embeddings of circuits from a pre-trained encoder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from circuitlab.errors import CircuitlabError, require_at_least


@dataclass(frozen=True)
class EncodeParams:
    """How circuits are encoded.

    Attributes:
        checkpoint: a pre-training checkpoint; ``None`` is the shipped encoder.
        node_budget: most nodes of one circuit's graph (inputs, ANDs, outputs,
            and NOT nodes in the ``not_nodes`` encoding); a larger one is an error.
    """

    checkpoint: Path | None = None
    node_budget: int = 200_000

    def __post_init__(self):
        require_at_least(self.node_budget, 1, "node_budget")


def encode_aigs(aigs: Sequence, encoder, node_budget: int = 200_000,
                names: Sequence[str] | None = None, nodes: bool = False):
    """Graph embeddings ``[F, P]`` (``P = encoder.embedding_dim``) of ``aigs``, one row each.

    Each circuit is encoded alone (so a row never depends on the others),
    in ``encoder.config.encoding``, with gradients off.

    Returns:
        ``(graphs, node_states)``: a float32 numpy array ``[F, P]``, and (with
        ``nodes``) a list of ``[N_f, H * K]`` float32 arrays (the states under
        each of the encoder's ``K = config.code_banks`` code banks side by
        side), else ``None``.

    Raises:
        CircuitlabError: a graph has more than ``node_budget`` nodes.
    """
    import numpy as np
    import torch

    from circuitlab.data import to_pyg  # loads torch, torch_geometric: only when used

    names = list(names) if names is not None else [f"circuit {k}" for k in range(len(aigs))]
    rows, states = [], []
    encoder.eval()
    with torch.no_grad():
        for name, aig in zip(names, aigs):
            graph = to_pyg(aig, encoder.config.encoding)
            if graph.num_nodes > node_budget:
                raise CircuitlabError(f"{name}: {graph.num_nodes} nodes, over the node budget "
                                      f"of {node_budget} (--node-budget)")
            banks = encoder.bank_states(graph)
            rows.append(torch.cat([encoder.readout(x, graph) for x in banks], dim=-1)[0].numpy())
            if nodes:
                states.append(torch.cat(banks, dim=-1).numpy().astype(np.float32))
    width = encoder.embedding_dim
    graphs = np.stack(rows).astype(np.float32) if rows else np.zeros((0, width), np.float32)
    return graphs, (states if nodes else None)
