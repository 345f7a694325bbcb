"""The metrics of a run: a CSV file, rewritten atomically, and its plot."""

from __future__ import annotations

import csv
from pathlib import Path

from circuitlab.fsutil import atomic_path


class MetricsLog:
    """Rows of ``(step, metrics...)`` kept in memory and in ``path`` (CSV).

    Every :meth:`flush` rewrites the file atomically, so it is never
    half-written. On resume, :meth:`resume` keeps only the rows up to the
    checkpoint's step.
    """

    def __init__(self, path: str | Path, columns: list[str]):
        self.path, self.columns = Path(path), columns
        self.rows: list[dict] = []

    def resume(self, step: int) -> None:
        if not self.path.exists():
            return
        with open(self.path, newline="") as f:
            rows = list(csv.DictReader(f))
        self.rows = [r for r in rows if int(r["step"]) <= step]

    def append(self, row: dict) -> None:
        self.rows.append({c: row.get(c, "") for c in self.columns})

    def flush(self) -> None:
        with atomic_path(self.path) as tmp, open(tmp, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns)
            writer.writeheader()
            writer.writerows(self.rows)

    def plot(self, path: str | Path) -> None:
        """Losses and accuracies against the step, as a PNG (matplotlib, Agg)."""
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib import pyplot as plt

        steps = [int(r["step"]) for r in self.rows]
        losses = [c for c in self.columns if c.endswith("loss")]
        accs = [c for c in self.columns if c.endswith("acc")]
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        for c in losses:
            left.plot(steps, [float(r[c]) for r in self.rows], label=c)
        left.set(xlabel="step", ylabel="loss", yscale="log", title="losses")
        for c in accs:
            right.plot(steps, [float(r[c]) for r in self.rows], label=c)
        right.set(xlabel="step", ylabel="accuracy at masked nodes", ylim=(0, 1),
                  title="type reconstruction")
        for ax in (left, right):
            ax.legend(fontsize=7)
        fig.tight_layout()
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=100)
        plt.close(fig)
