"""Item results -> PyG graphs (the assembly step shared by the datasets)."""

from __future__ import annotations

from pathlib import Path

from circuitlab.datasets.shard import unpack
from circuitlab.io.aiger import parse_aiger

__all__ = ["graph_of", "read_item"]


def read_item(path: Path) -> tuple[dict, list[bytes]]:
    return unpack(path.read_bytes(), str(path))


def graph_of(aiger: bytes, encoding: str, fields: dict, pre_transform=None, source: str = ""):
    """:func:`circuitlab.data.to_pyg` of AIGER bytes, ``fields`` set on the graph.

    Integer fields become ``[1]`` int64 tensors (so they batch into ``[B]``);
    strings stay strings (batched into lists).
    """
    import torch

    from circuitlab.data import to_pyg  # loads torch, torch_geometric: only when used
    data = to_pyg(parse_aiger(aiger, source), encoding)
    for name, value in fields.items():
        data[name] = torch.tensor([value], dtype=torch.long) if isinstance(value, int) else value
    return pre_transform(data) if pre_transform is not None else data
