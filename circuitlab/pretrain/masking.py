"""Random node masks, a fixed fraction of each graph of a batch."""

from __future__ import annotations

import torch
from torch import Tensor


def random_node_mask(batch_index: Tensor, num_graphs: int, ratio: float,
                     generator: torch.Generator) -> Tensor:
    """A bool mask ``[N]`` choosing ``floor(n_g * ratio)`` nodes of each graph ``g``.

    As the MGVGA release (``data_helper.py``: ``randperm(n)[:int(n * ratio)]``
    per graph), every node type can be chosen. The draw is one uniform
    number per node from ``generator`` (on the CPU, so a seed gives the same
    masks on any device); the nodes with the smallest numbers in each graph
    are masked.

    Shapes:
        - **batch_index** ``[N]`` int64: graph of each node, sorted (PyG's ``batch``).
        - **output** ``[N]`` bool.
    """
    device = batch_index.device
    index = batch_index.cpu()
    counts = torch.bincount(index, minlength=num_graphs)
    start = torch.cumsum(counts, 0) - counts
    keys = torch.rand(index.numel(), generator=generator, dtype=torch.float64) + index
    order = torch.argsort(keys)
    rank = torch.empty_like(order)
    rank[order] = torch.arange(order.numel())
    rank -= start[index]
    quota = torch.floor(counts.double() * ratio).long()
    return (rank < quota[index]).to(device)
