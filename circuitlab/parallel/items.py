"""A resumable parallel map with a content-hash disk cache: a process pool, Ray on request.

Each item is a pure function call ``func(payload) -> bytes`` whose result is
written atomically to ``<item_dir>/<key><suffix>`` by the driver as soon as
it arrives, so an interrupted build resumes where it stopped: an item whose
file exists is not computed again. The payload carries the item's inputs
(file bytes, not paths), so the same function runs on a Ray cluster whose
workers do not share this file system.

A failing item is skipped: its reason (one line, the error's message, never
a traceback) goes to the :class:`BuildReport` and to stderr.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from circuitlab.errors import describe, require_at_least
from circuitlab.fsutil import write_bytes_atomic
from circuitlab.parallel.pool import pmap

__all__ = ["BuildOptions", "BuildReport", "Item", "run_items"]


@dataclass(frozen=True)
class BuildOptions:
    """How to run the per-item work.

    Attributes:
        jobs: worker processes for the local pool (1: in this process).
        ray: ``None`` for the local pool; ``"auto"`` or a Ray cluster address
            (``ray://host:10001``, ``host:6379``) to map the items over Ray.
        progress: show a tqdm progress bar on stderr.
    """

    jobs: int = 2
    ray: str | None = None
    progress: bool = True

    def __post_init__(self):
        require_at_least(self.jobs, 1, "jobs")


@dataclass(frozen=True)
class Item:
    """One unit of work: ``name`` for reports, ``key`` names its result file.

    ``payload`` is the argument of the item function, or a callable making
    it, called only when the item is computed (reused items read nothing).
    """

    name: str
    key: str
    payload: object


@dataclass
class BuildReport:
    """What a build did.

    Attributes:
        computed: names of the items computed in this run.
        reused: names of the items whose result file already existed.
        failed: ``(name, reason)`` of the items skipped.
        seconds: wall-clock time of the item phase(s).
    """

    computed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def merge(self, other: "BuildReport") -> None:
        self.computed += other.computed
        self.reused += other.reused
        self.failed += other.failed
        self.seconds += other.seconds

    def to_json(self) -> dict:
        return {"computed": self.computed, "reused": self.reused,
                "failed": [list(f) for f in self.failed], "seconds": round(self.seconds, 3)}


def _call(func: Callable[[object], bytes], payload) -> tuple[bytes | None, str | None]:
    """``func(payload)``, or the one-line reason it failed."""
    try:
        return func(payload), None
    except Exception as exc:  # noqa: BLE001 -- any item failure is reported, not raised
        return None, describe(exc)


def run_items(func: Callable[[object], bytes], items: Sequence[Item], item_dir: Path,
              suffix: str, options: BuildOptions, what: str = "items") -> BuildReport:
    """Compute the items lacking a result file; return what was done.

    ``func`` must be a picklable module-level function. Results are written
    to ``item_dir / (item.key + suffix)``.
    """
    import time
    start = time.perf_counter()
    report = BuildReport()
    todo = []
    for item in items:
        if (item_dir / f"{item.key}{suffix}").exists():
            report.reused.append(item.name)
        else:
            todo.append(item)
    if options.ray is not None and todo:
        from circuitlab.parallel.ray_map import connect
        connect(options.ray)  # a bad address fails before the progress bar opens
    bar = None
    if options.progress and todo:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), desc=what, unit="item", file=sys.stderr)
    try:
        for item, (data, reason) in _results(func, todo, options):
            if reason is None:
                write_bytes_atomic(item_dir / f"{item.key}{suffix}", data)
                report.computed.append(item.name)
            else:
                report.failed.append((item.name, reason))
                message = f"skipped {item.name}: {reason}"
                (bar.write if bar is not None else print)(message, file=sys.stderr)
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    report.seconds = time.perf_counter() - start
    return report


def _payload(item: Item):
    return item.payload() if callable(item.payload) else item.payload


def _results(func, todo: list[Item], options: BuildOptions):
    """``(item, (bytes | None, reason | None))`` as each finishes."""
    if not todo:
        return
    if options.ray is not None:
        from circuitlab.parallel.ray_map import ray_results
        yield from ray_results(_call, func, todo, options.ray, _payload)
        return
    for k, result in pmap(_call, ((func, _payload(item)) for item in todo), options.jobs):
        yield todo[k], result
