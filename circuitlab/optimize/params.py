"""What :func:`circuitlab.optimize.small.optimize_circuits` runs, checked without torch.

:class:`OptimizeParams` is the flow's parameters; :class:`OptimizeCounts`
the command line's two counts where 0 turns a step off, from which it
builds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from circuitlab.errors import require_at_least, require_choice
from circuitlab.exact.shrink import ShrinkParams
from circuitlab.synth.recipes import ENGINES
from circuitlab.synth.vocabulary import check_deepsyn_options
from circuitlab.transformer.search_params import SearchParams

__all__ = ["OptimizeCounts", "OptimizeParams", "deepsyn_steps"]


@dataclass(frozen=True)
class OptimizeParams:
    """Args:
        search: the transformer's search (method, budget, seed); best-of-16
            sampling by default, what ``circuitlab optimize`` runs.
        classical: also run ``resyn2`` / ``compress2rs`` (and ``&deepsyn``),
            and search again from the smallest of their results.
        polish: with ``classical``, also run ``resyn2`` / ``compress2rs`` on
            every distinct circuit the searches finished.
        engine: the classical engine ("auto", "abc", "aigverse").
        deepsyn: options of ABC's ``&deepsyn``, run on the source with the
            scripts when ABC is the engine (``None``: not run). ``-J 100``
            stops after 100 steps without improvement, so, unlike ``-T``,
            the result does not depend on the machine's speed.
        exact: budget of the SAT search below the smallest candidate
            (``None``: no SAT search).
        jobs: worker processes of the SAT search (the result does not
            depend on it: the budget counts conflicts, not seconds).
    """

    search: SearchParams = SearchParams(method="sample", budget=16)
    classical: bool = True
    polish: bool = True
    engine: str = "auto"
    deepsyn: str | None = "-J 100"
    exact: ShrinkParams | None = ShrinkParams()
    jobs: int = 1

    def __post_init__(self) -> None:
        require_choice(self.engine, ENGINES, "engine")
        require_at_least(self.jobs, 1, "jobs")
        if self.deepsyn is not None:
            check_deepsyn_options(self.deepsyn, "deepsyn")


def deepsyn_steps(options: str | None) -> int:
    """The ``-J`` of ``&deepsyn`` options (0 for ``None``)."""
    if options is None:
        return 0
    match = re.search(r"-J\s*(\d+)", options)
    return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class OptimizeCounts:
    """Two counts of ``circuitlab optimize``, each 0 to turn its step off.

    Attributes:
        deepsyn_steps: ``&deepsyn -J``: steps without improvement before it
            stops (0: not run).
        conflicts_per_call: conflict budget of each SAT call of the exact
            search below the best candidate (0: no SAT search).
    """

    deepsyn_steps: int
    conflicts_per_call: int

    def __post_init__(self) -> None:
        require_at_least(self.deepsyn_steps, 0, "deepsyn_steps")
        require_at_least(self.conflicts_per_call, 0, "conflicts_per_call")

    @property
    def exact(self) -> ShrinkParams | None:
        """:attr:`OptimizeParams.exact` for these counts."""
        return ShrinkParams(conflicts_per_call=self.conflicts_per_call) \
            if self.conflicts_per_call else None
