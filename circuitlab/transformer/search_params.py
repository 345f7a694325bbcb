"""How the transformer's search runs (:func:`circuitlab.transformer.search.search`).

Apart from the search so that commands can build and check it without torch.
"""

from __future__ import annotations

from dataclasses import dataclass

from circuitlab.errors import require_at_least, require_choice, require_positive

__all__ = ["METHODS", "SearchParams"]

METHODS = ("greedy", "sample", "beam", "mcts")


@dataclass(frozen=True)
class SearchParams:
    """How to search.

    Args:
        method: one of :data:`METHODS`.
        budget: candidates per circuit: samples (``sample``), beam width
            (``beam``) or simulations, i.e. model rollouts (``mcts``);
            ignored by ``greedy``.
        temperature: sampling temperature.
        c_puct: exploration constant of MCTS.
        batch_size: circuits decoded together.
        seed: seeds sampling.
    """

    method: str = "greedy"
    budget: int = 16
    temperature: float = 1.0
    c_puct: float = 1.5
    batch_size: int = 128
    seed: int = 0

    def __post_init__(self):
        require_choice(self.method, METHODS, "method")
        require_at_least(self.budget, 1, "budget")
        require_at_least(self.batch_size, 1, "batch_size")
        require_positive(self.temperature, "temperature")
        require_at_least(self.c_puct, 0, "c_puct")
        require_at_least(self.seed, 0, "seed")
