"""The metrics of a run: a CSV file, rewritten atomically, and its plot."""

from __future__ import annotations

import csv
from pathlib import Path

from circuitlab.fsutil import atomic_path

__all__ = ["MetricsLog"]


class MetricsLog:
    """Rows of ``(step, metrics...)`` kept in memory and in ``path`` (CSV).

    Every :meth:`flush` rewrites the file atomically, so it is never
    half-written. On resume, :meth:`resume` keeps only the rows up to the
    checkpoint's step. Values read back are numbers (``step`` an int, the
    others floats) where they parse as such.

    Args:
        path: the CSV file.
        columns: its columns, ``"step"`` first; a row's missing column is empty.
        accuracy: what the accuracy columns (names ending in ``acc``) measure,
            the label of the plot's right-hand axis.
    """

    def __init__(self, path: str | Path, columns: list[str] | tuple[str, ...],
                 accuracy: str = "accuracy"):
        self.path, self.columns, self.accuracy = Path(path), list(columns), accuracy
        self.rows: list[dict] = []

    def resume(self, step: int) -> None:
        """Read the rows of ``path`` up to ``step`` (none when the file is missing)."""
        if not self.path.exists():
            self.rows = []
            return
        with open(self.path, newline="") as f:
            rows = [{k: _number(k, v) for k, v in r.items()} for r in csv.DictReader(f)]
        self.rows = [r for r in rows if r["step"] <= step]

    def append(self, row: dict) -> None:
        self.rows.append({c: row.get(c, "") for c in self.columns})

    def flush(self) -> None:
        with atomic_path(self.path) as tmp, open(tmp, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns)
            writer.writeheader()
            writer.writerows(self.rows)

    def plot(self, path: str | Path) -> bool:
        """Losses (log scale) and accuracies against the step, as a PNG.

        Returns:
            whether it was written: ``False`` where matplotlib (the ``plot``
            extra) is not installed.
        """
        try:
            import matplotlib
        except ImportError:
            return False
        matplotlib.use("Agg")
        from matplotlib import pyplot as plt

        steps = [int(r["step"]) for r in self.rows]
        losses = [c for c in self.columns if c.endswith("loss")]
        accs = [c for c in self.columns if c.endswith("acc")]
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        for c in losses:
            left.plot(steps, [_float(r[c]) for r in self.rows], label=c)
        left.set(xlabel="step", ylabel="loss", yscale="log", title="losses")
        for c in accs:
            right.plot(steps, [_float(r[c]) for r in self.rows], label=c)
        right.set(xlabel="step", ylabel=self.accuracy, ylim=(0, 1), title="accuracies")
        for ax in (left, right):
            ax.legend(fontsize=7)
        fig.tight_layout()
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=100)
        plt.close(fig)
        return True


def _number(column: str, text: str):
    if column == "step":
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def _float(value) -> float:
    return float(value) if value != "" else float("nan")
