"""Tiny random AIG graphs for the pre-training tests (``from pretrain_graphs import tiny_graphs``)."""

from __future__ import annotations

import random

import torch

from circuitlab.aig import FALSE, AigBuilder
from circuitlab.data import to_pyg
from circuitlab.pretrain import with_text_tokens


def tiny_graphs(count: int = 12, seed: int = 0, text_dim: int = 0, text_tokens: int = 1,
                encoding: str = "not_nodes", ands: tuple[int, int] = (8, 30)) -> list:
    """``count`` random AIGs as AigData, with random text tokens when ``text_dim``."""
    rng = random.Random(seed)
    graphs = []
    for _ in range(count):
        b = AigBuilder()
        pool = [FALSE] + b.add_inputs(rng.randint(3, 8))
        for _ in range(rng.randint(*ands)):
            x, y = rng.choice(pool[-8:]), rng.choice(pool)
            pool.append(b.and_(x ^ rng.randint(0, 1), y ^ rng.randint(0, 1)))
        for _ in range(rng.randint(1, 3)):
            b.add_output(pool[-1 - rng.randint(0, 3)] ^ rng.randint(0, 1))
        graph = to_pyg(b.build(), encoding)
        if text_dim:
            gen = torch.Generator().manual_seed(rng.randint(0, 2**31))
            graph = with_text_tokens(graph, torch.randn(text_tokens, text_dim, generator=gen))
        graphs.append(graph)
    return graphs
