"""The shared runner: every (seed, encoder, task) cell of a config, one JSON line each.

:func:`run_experiment` loads the designs once, then for each seed and
encoder cell builds (or loads from the cache) the encoder and calls each
task's ``run``; after each task it appends one line to the results file:

``format``, ``config_hash``, ``git_revision``, ``config`` (the resolved
config, :meth:`ExperimentConfig.to_dict`), ``seed``, ``encoder``,
``encoder_info`` (where the weights came from), ``task``, ``status``
(``"ok"`` or ``"error"``), ``error`` (the error's line, or ``null``),
``metrics``, ``baseline``, ``rows`` (per test design), ``info`` (the
task's), ``wall_s`` and ``cpu_s`` (the task's wall-clock seconds and the
CPU seconds of this process and its ended worker processes; on a shared
machine the CPU seconds tell what an idle machine would take).

A cell that fails records its error line and the run goes on. A rerun
skips the cells that already have an ``"ok"`` line of the same
``config_hash``, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from circuitlab.datasets.test_only import check_training_corpus
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import read_utf8
from circuitlab.protocol.config import ExperimentConfig
from circuitlab.protocol.designs import load_designs
from circuitlab.protocol.registry import resolve_task
from circuitlab.pipeline import git_revision
from circuitlab.protocol.encoders import cell_encoder

FORMAT = "circuitlab-experiment/1"


@dataclass(frozen=True)
class RunSummary:
    """How many cells ran and succeeded, failed, or were already done."""

    ok: int
    failed: int
    skipped: int


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run_experiment(config: ExperimentConfig,
                   log: Callable[[str], None] = _stderr) -> RunSummary:
    """Run every cell of ``config`` not yet done; append its line to ``config.results``.

    Raises:
        CircuitlabError: a design that does not load (before any cell runs),
            or a results file that is not this runner's JSON lines.
        TestOnlyError: a training design is a test-only benchmark (by its
            function; by its name too unless it is one of the project's
            designs), before any cell runs.
    """

    digest = config.config_hash()
    done = completed(config.results, digest)
    tasks = [(name, params, resolve_task(name)[0]) for name, params in config.tasks]
    total = len(config.seeds) * len(config.encoders) * len(tasks)
    todo = [(s, c.name, t) for s in config.seeds for c in config.encoders for t, _, _ in tasks
            if (s, c.name, t) not in done]
    log(f"experiment {config.path} (config {digest}): {total} cells, {total - len(todo)} "
        f"already in {config.results}")
    if not todo:
        return RunSummary(0, 0, total)
    t0 = time.perf_counter()
    designs = load_designs(list(config.train) + list(config.test), config.cache)
    train, test = designs[:len(config.train)], designs[len(config.train):]
    # the project's own designs name themselves: only their function can match
    check_training_corpus([(d.name, d.aig) for d in train],
                          allow=[s.name for s in config.train if "/" not in s.spec])
    log(f"designs: {len(train)} train, {len(test)} test ({time.perf_counter() - t0:.1f} s)")
    base = {"format": FORMAT, "config_hash": digest, "git_revision": git_revision(),
            "config": config.to_dict()}
    ok = failed = 0
    step = total - len(todo)
    for seed in config.seeds:
        for cell in config.encoders:
            pending = [t for t in tasks if (seed, cell.name, t[0]) not in done]
            if not pending:
                continue
            t1, c1 = time.perf_counter(), _cpu()
            try:
                encoder, info = cell_encoder(cell, seed, train, config.cache)
                info["build_s"] = round(time.perf_counter() - t1, 2)
                info["build_cpu_s"] = round(_cpu() - c1, 2)
                error = None
                log(f"seed {seed} {cell.name}: encoder {info['source']} in "
                    f"{info['build_s']:.1f} s, {info['build_cpu_s']:.1f} s CPU")
            except Exception as exc:  # a cell's failure is recorded, the run goes on
                encoder, info, error = None, {}, _error_line(exc)
            for name, params, run in pending:
                step += 1
                line = {**base, "seed": seed, "encoder": cell.name, "encoder_info": info,
                        "task": name}
                t2, c2 = time.perf_counter(), _cpu()
                if error is None:
                    line.update(_run_task(run, encoder, train, test, params, seed,
                                          config.cache / "tasks" / name))
                else:
                    line.update(status="error", error=f"encoder: {error}")
                line["wall_s"] = round(time.perf_counter() - t2, 2)
                line["cpu_s"] = round(_cpu() - c2, 2)
                append_line(config.results, line)
                if line["status"] == "ok":
                    ok += 1
                    log(f"[{step}/{total}] seed {seed} {cell.name} {name}: ok in "
                        f"{line['wall_s']:.1f} s, {line['cpu_s']:.1f} s CPU "
                        f"({_headline(line['metrics'])})")
                else:
                    failed += 1
                    log(f"[{step}/{total}] seed {seed} {cell.name} {name}: FAILED: "
                        f"{line['error']}")
    return RunSummary(ok, failed, total - len(todo))


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (worker pools)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _run_task(run, encoder, train, test, params, seed, cache) -> dict:
    try:
        result = run(encoder, train, test, params, seed, cache)
        return {"status": "ok", "error": None, "metrics": dict(result.metrics),
                "baseline": dict(result.baseline), "rows": list(result.rows),
                "info": dict(result.info)}
    except Exception as exc:  # a cell's failure is recorded, the run goes on
        return {"status": "error", "error": _error_line(exc)}


def _error_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, CircuitlabError):
        return text
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}{where}: {text}"


def _headline(metrics: dict) -> str:
    return ", ".join(f"{k} {v:.4g}" if isinstance(v, (int, float)) else f"{k} {v}"
                     for k, v in list(metrics.items())[:3])


def _jsonable(value):
    """numpy scalars and arrays, paths and tuples as JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def append_line(path: Path, line: dict) -> None:
    """Append ``line`` as one JSON line (one write, flushed to disk)."""
    text = json.dumps(line, default=_jsonable, allow_nan=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def read_lines(path: Path) -> list[dict]:
    """The records of a results file; a last line cut short by a crash is dropped.

    Raises:
        CircuitlabError: the file is missing, or a complete line is not a
            JSON object of this runner (naming the file and line).
    """
    text = read_utf8(path, "results file")
    lines = text.split("\n")
    records = []
    for k, line in enumerate(lines[:-1], start=1):  # the part after the last newline is cut
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise CircuitlabError(f"{path}:{k}: not a JSON line") from None
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            raise CircuitlabError(f"{path}:{k}: not a line of `circuitlab experiment run`")
        records.append(record)
    return records


def completed(path: Path, digest: str) -> set[tuple[int, str, str]]:
    """``(seed, encoder, task)`` of the ``"ok"`` lines of config ``digest`` in ``path``.

    A last line cut short by a crash is removed from the file, so the next
    line appended starts on a line of its own.
    """
    path = Path(path)
    if not path.exists():
        return set()
    text = path.read_text()
    if text and not text.endswith("\n"):
        from circuitlab.fsutil import write_bytes_atomic
        write_bytes_atomic(path, text[:text.rfind("\n") + 1].encode())
    return {(r["seed"], r["encoder"], r["task"]) for r in read_lines(path)
            if r.get("config_hash") == digest and r.get("status") == "ok"}
