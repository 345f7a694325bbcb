"""What every task takes and returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from circuitlab.aig import Aig
from circuitlab.errors import CircuitlabError


@dataclass(frozen=True)
class Design:
    """One design of a task's split.

    Attributes:
        name: unique within an experiment (the file's stem).
        aig: its And-Inverter Graph (combinational or sequential).
        text: its Verilog source, when it came from RTL.
    """

    name: str
    aig: Aig
    text: str | None = None


@dataclass
class TaskResult:
    """One task run: the learned model's metrics next to its baseline's.

    Attributes:
        task: the task's name ("qor", "equivalence", "probes").
        metrics: headline metrics of the model on the test designs, each
            the mean of the per-design rows where the metric is per design.
        baseline: the same metrics for the task's non-learned baseline.
        rows: one dict per test design: ``{"design": name, "model": {...},
            "baseline": {...}}`` (a task whose metric is pooled over designs,
            such as ROC-AUC, also reports per-design rows where defined).
        info: anything else worth recording (sizes, thresholds, timings).
    """

    task: str
    metrics: dict[str, float]
    baseline: dict[str, float]
    rows: list[dict] = field(default_factory=list)
    info: dict = field(default_factory=dict)


def check_disjoint(train: Sequence[Design], test: Sequence[Design]) -> None:
    """Raise a :class:`CircuitlabError` naming every design in both splits."""
    both = sorted({d.name for d in train} & {d.name for d in test})
    if both:
        raise CircuitlabError(f"designs listed both for training and test: {', '.join(both)}")
