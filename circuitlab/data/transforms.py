"""Transforms of :class:`~circuitlab.data.AigData` graphs (never in place)."""

from __future__ import annotations

import torch
from torch_geometric.transforms import BaseTransform

from circuitlab.data.aig_data import AigData
from circuitlab.data.node_type import NUM_NODE_TYPES


class OneHotNodeType(BaseTransform):
    """Adds ``x``: the one-hot ``node_type``, for layers that take features.

    Returns a new graph; the input keeps its fields unchanged.

    Shapes:
        adds **x** ``[N, NUM_NODE_TYPES]`` float32.
    """

    def forward(self, data: AigData) -> AigData:
        out = data.clone()
        out.x = torch.nn.functional.one_hot(data.node_type, NUM_NODE_TYPES).to(torch.float32)
        return out
