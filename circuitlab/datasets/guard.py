"""The test-only guard over built design items (:mod:`circuitlab.datasets.test_only`).

Every training corpus builder passes its designs through :func:`refused_items`
before using them: a test-only design (ITC'99, EPFL random_control, RTLLM,
by name or by the functional hash of its AIG) is skipped and listed in the
build report, never trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from circuitlab.datasets.graphs import read_item
from circuitlab.parallel import Item

__all__ = ["refused_items"]


def refused_items(items: Sequence[Item], item_dir: Path, suffix: str) -> dict[str, str]:
    """``{item name: reason}`` of the built design items that are test-only.

    The file name, the design name and (for Verilog) the top module are each
    checked by name; the item's AIG by function. Items without a result file
    (failed builds) are not checked.
    """
    from circuitlab.datasets.test_only import refusal
    from circuitlab.io.aiger import parse_aiger
    out = {}
    for item in items:
        path = item_dir / f"{item.key}{suffix}"
        if not path.exists():
            continue
        meta, blobs = read_item(path)
        names = [item.name] + [meta[k] for k in ("design", "top") if meta.get(k)]
        reason = next((r for r in (refusal(n, None) for n in names) if r is not None), None)
        if reason is None:
            reason = refusal(item.name, parse_aiger(blobs[0], str(path)))
        if reason is not None:
            out[item.name] = reason
    return out
