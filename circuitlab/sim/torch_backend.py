"""The level-by-level simulation of :mod:`circuitlab.sim.simulate` in torch.

Runs on a GPU when one is given (``device="cuda"``) and matches the numpy
backend bit for bit: words are carried as int64 (torch's bitwise operations
on int64 are the same bits as on uint64) and viewed back as uint64.
"""

from __future__ import annotations

import numpy as np
import torch

from circuitlab.aig.aig import Aig
from circuitlab.sim.schedule import schedule
from circuitlab.sim.simulate import _check_patterns


class TorchSimulator:
    """A circuit's level schedule moved to ``device`` once, for repeated runs."""

    def __init__(self, aig: Aig, device: str | torch.device = "cpu"):
        self.aig = aig
        self.device = torch.device(device)
        dev = self.device
        self.levels = [
            (torch.as_tensor(lv.nodes, device=dev), torch.as_tensor(lv.fanin0, device=dev),
             torch.as_tensor(lv.fanin1, device=dev),
             torch.as_tensor(lv.neg0.view(np.int64), device=dev),
             torch.as_tensor(lv.neg1.view(np.int64), device=dev))
            for lv in schedule(aig)]
        roots = np.concatenate([aig.outputs, aig.latches[:, 0]])
        self.root_vars = torch.as_tensor(roots >> 1, device=dev)
        self.root_neg = torch.as_tensor(-(roots & 1), device=dev)[:, None]

    def simulate_nodes(self, patterns: torch.Tensor) -> torch.Tensor:
        """Shapes: patterns ``[I + L, W]`` int64 on ``device``; returns ``[num_vars, W]``."""
        aig = self.aig
        values = torch.empty((aig.num_vars, patterns.shape[1]), dtype=torch.int64,
                             device=self.device)
        values[0] = 0
        values[1:aig.first_and_var] = patterns
        for nodes, f0, f1, n0, n1 in self.levels:
            values[nodes] = (values[f0] ^ n0) & (values[f1] ^ n1)
        return values

    def simulate(self, patterns: torch.Tensor) -> torch.Tensor:
        """Shapes: patterns ``[I + L, W]`` int64; returns ``[O + L, W]`` int64."""
        values = self.simulate_nodes(patterns)
        return values[self.root_vars] ^ self.root_neg


def simulate_torch(aig: Aig, patterns: np.ndarray, device: str = "cpu") -> np.ndarray:
    """Same contract as :func:`circuitlab.sim.simulate`, computed with torch.

    Shapes:
        patterns: ``[I + L, W]`` uint64; returns ``[O + L, W]`` uint64.
    """
    patterns = _check_patterns(aig, patterns)
    sim = TorchSimulator(aig, device)
    words = torch.as_tensor(np.ascontiguousarray(patterns).view(np.int64), device=sim.device)
    return sim.simulate(words).cpu().numpy().view(np.uint64)
