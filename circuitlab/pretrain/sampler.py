"""Mini-batches of whole graphs packed up to a node budget: :class:`NodeBudgetBatchSampler`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch

from circuitlab.errors import CircuitlabError
from circuitlab.training.seeding import step_seed


class NodeBudgetBatchSampler:
    """Endless, seeded batches of graph indices with at most ``budget`` nodes each.

    Each epoch shuffles the graphs with a generator seeded by ``(seed,
    epoch)`` and packs them greedily, in that order, into batches (a batch
    is closed when the next graph would overflow it). The batches of an
    epoch are dealt round-robin to ``world_size`` ranks, each rank taking
    the same number (the remainder is dropped), like
    :class:`torch.utils.data.DistributedSampler` with ``drop_last``.

    The position (``epoch``, ``offset``: batches of this rank already taken
    in the epoch) is :meth:`state_dict`, so a resumed run continues with the
    next batch it would have drawn.

    Args:
        sizes: node count of each graph.
        budget: most nodes in one batch.
        seed: seed of the shuffles.
        rank, world_size: this process's share of the batches.
        names: name of each graph, for the error message (default: its index).

    Raises:
        CircuitlabError: a graph has more than ``budget`` nodes (naming it),
            or an epoch yields no batch for a rank.
    """

    def __init__(self, sizes: Sequence[int], budget: int, seed: int = 0, rank: int = 0,
                 world_size: int = 1, names: Sequence[str] | None = None):
        self.sizes = [int(s) for s in sizes]
        self.budget, self.seed = int(budget), int(seed)
        self.rank, self.world_size = rank, world_size
        if not self.sizes:
            raise CircuitlabError("no graphs to pre-train on")
        for k, size in enumerate(self.sizes):
            if size > self.budget:
                name = names[k] if names is not None else f"graph {k}"
                raise CircuitlabError(f"{name} has {size} nodes, over the node budget of "
                                      f"{self.budget} per batch; raise node_budget or drop it")
        self.epoch, self.offset = 0, 0
        self._batches = self._epoch_batches(0)

    def _epoch_batches(self, epoch: int) -> list[list[int]]:
        gen = torch.Generator().manual_seed(step_seed(self.seed, epoch))
        order = torch.randperm(len(self.sizes), generator=gen).tolist()
        batches, current, nodes = [], [], 0
        for k in order:
            if current and nodes + self.sizes[k] > self.budget:
                batches.append(current)
                current, nodes = [], 0
            current.append(k)
            nodes += self.sizes[k]
        batches.append(current)
        per_rank = len(batches) // self.world_size
        if per_rank == 0:
            raise CircuitlabError(f"{len(batches)} batch(es) per epoch cannot feed "
                                  f"{self.world_size} ranks; lower node_budget")
        return batches[self.rank:per_rank * self.world_size:self.world_size]

    def __iter__(self) -> Iterator[list[int]]:
        while True:
            if self.offset >= len(self._batches):
                self.epoch, self.offset = self.epoch + 1, 0
                self._batches = self._epoch_batches(self.epoch)
            batch = self._batches[self.offset]
            self.offset += 1
            yield batch

    def batches_per_epoch(self) -> int:
        return len(self._batches)

    def state_dict(self) -> dict:
        return {"epoch": self.epoch, "offset": self.offset}

    def load_state_dict(self, state: dict) -> None:
        self.epoch, self.offset = int(state["epoch"]), int(state["offset"])
        self._batches = self._epoch_batches(self.epoch)
