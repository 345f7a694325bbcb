"""QoR labels: the AND count and depth each recipe of a shared set leaves on each design.

The recipe set is the same for every design (recipe ``k`` is
:func:`~circuitlab.synth.recipes.random_recipe` ``(seed + k, length)``), so
that a recipe has a rank on every design and the mean-rank baseline exists.
(:class:`~circuitlab.datasets.RecipeCorpus` draws different recipes per
design and serves pre-training instead.)

Labels are cached on disk, one JSON file per (engine, circuit) under
``cache/qor-labels/<engine>/<hash>.json``, the circuit named by the SHA-256
of its AIGER bytes (names and comments left out) and each label keyed by
its recipe's canonical text: a second run with the same designs and
recipes runs no recipe, and a larger recipe set runs only the new ones.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from circuitlab.errors import CircuitlabError, require_at_least
from circuitlab.parallel import pmap
from circuitlab.aig.ops import depth
from circuitlab.fsutil import write_bytes_atomic
from circuitlab.io.aiger import parse_aiger
from circuitlab.io.aiger_write import dump_aiger

__all__ = ["RecipeLabelStats", "aig_key", "recipe_key", "recipe_labels", "shared_recipes"]

CACHE_FOLDER = "qor-labels"
CHUNK = 4
"""Recipes per worker call: small enough for a moving progress bar."""


def shared_recipes(count: int, seed: int = 0, length: int = 20) -> list[tuple[str, ...]]:
    """The shared recipe set: recipe ``k`` is ``random_recipe(seed + k, length)``, ``k < count``."""
    from circuitlab.synth.recipes import random_recipe  # loads aigverse: only when used
    require_at_least(count, 1, "recipes")
    require_at_least(seed, 0, "recipe_seed")
    return [tuple(random_recipe(seed + k, length)) for k in range(int(count))]


def recipe_key(recipe: Sequence[str]) -> str:
    """A recipe's canonical text, ``"; "``-separated (the cache key and the CSV column)."""
    from circuitlab.synth.recipes import parse_recipe  # loads aigverse: only when used
    return "; ".join(str(s) for s in parse_recipe(list(recipe)))


def aig_key(aig) -> str:
    """SHA-256 (hex) of ``aig``'s binary AIGER without names or comments."""
    return hashlib.sha256(dump_aiger(aig, symbols=False, comments=False)).hexdigest()


@dataclass
class RecipeLabelStats:
    """What :func:`recipe_labels` did.

    Attributes:
        computed: recipe runs done now.
        reused: labels read from the cache.
        seconds: wall-clock time of the whole call.
        cpu_seconds: CPU time of the recipe runs done now, summed over workers.
    """

    computed: int = 0
    reused: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    per_design: dict[str, float] = field(default_factory=dict)


def _label_chunk(aiger: bytes, recipes: list[str], engine: str,
                 timeout: float) -> list[tuple[int, int, float]]:
    """Worker: ``(ands, depth, cpu seconds)`` of each recipe on the circuit ``aiger``."""
    from circuitlab.synth.recipes import RecipeParams, run_recipe  # loads aigverse: only when used
    aig = parse_aiger(aiger)
    out = []
    for recipe in recipes:
        start = time.process_time()
        result, _ = run_recipe(aig, recipe, RecipeParams(engine=engine, timeout=timeout))
        out.append((result.num_ands, depth(result), time.process_time() - start))
    return out


def _label_chunk_or_error(aiger: bytes, recipes: list[str], engine: str,
                          timeout: float) -> list[tuple[int, int, float]] | str:
    """:func:`_label_chunk`, or the first line of the error a recipe raised."""
    try:
        return _label_chunk(aiger, recipes, engine, timeout)
    except CircuitlabError as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _read_cache(path: Path | None) -> dict[str, list]:
    if path is None or not path.exists():
        return {}
    try:
        return dict(json.loads(path.read_text())["labels"])
    except (ValueError, KeyError, TypeError):
        return {}  # an unreadable cache file is rebuilt


def _write_cache(path: Path | None, design: str, labels: dict[str, list]) -> None:
    if path is None:
        return
    write_bytes_atomic(path, json.dumps({"design": design, "labels": labels}).encode())


def recipe_labels(designs: Sequence, recipes: Sequence[Sequence[str]], engine: str = "aigverse",
                  cache: Path | None = None, jobs: int = 2, timeout: float = 600.0,
                  progress: bool = False) -> tuple[dict[str, np.ndarray], RecipeLabelStats]:
    """AND count and depth after every recipe on every design.

    Args:
        designs: :class:`~circuitlab.tasks.Design` items (``name``, ``aig``).
        recipes: the recipe set (lists of steps); every design gets all of them.
        engine: ``"aigverse"`` (in-process), ``"abc"`` or ``"auto"`` (resolved
            first; the engines' labels are cached apart).
        cache: folder of the label cache; ``None`` keeps nothing.
        jobs: worker processes (1: run here).
        timeout: seconds per recipe run.
        progress: show a progress bar over recipe runs.

    Returns:
        ``({design name: int64 [R, 2]}, stats)``: column 0 the AND count,
        column 1 the depth, rows in the order of ``recipes``.

    Raises:
        CircuitlabError: a recipe failed on a design (naming both).
    """
    from tqdm import tqdm

    from circuitlab.synth.recipes import resolve_engine  # loads aigverse: only when used
    require_at_least(jobs, 1, "jobs")
    engine = resolve_engine(engine)
    start = time.perf_counter()
    keys = [recipe_key(r) for r in recipes]
    stats = RecipeLabelStats()
    known: dict[str, dict[str, list]] = {}
    paths: dict[str, Path | None] = {}
    work: list[tuple[str, list[str]]] = []
    aigers: dict[str, bytes] = {}
    for design in designs:
        path = None if cache is None else (Path(cache) / CACHE_FOLDER / engine
                                           / f"{aig_key(design.aig)}.json")
        paths[design.name] = path
        known[design.name] = _read_cache(path)
        missing = [k for k in dict.fromkeys(keys) if k not in known[design.name]]
        stats.reused += len(set(keys)) - len(missing)
        if missing:
            aigers[design.name] = dump_aiger(design.aig, symbols=False, comments=False)
        work += [(design.name, missing[i:i + CHUNK]) for i in range(0, len(missing), CHUNK)]
    bar = tqdm(total=sum(len(c) for _, c in work), desc="QoR labels", unit="recipe",
               disable=not progress, leave=False)

    def done(name: str, chunk: list[str], results) -> None:
        for key, (ands, levels, cpu) in zip(chunk, results):
            known[name][key] = [int(ands), int(levels)]
            stats.cpu_seconds += cpu
            stats.per_design[name] = stats.per_design.get(name, 0.0) + cpu
        stats.computed += len(chunk)
        _write_cache(paths[name], name, known[name])
        bar.update(len(chunk))

    try:
        calls = ((aigers[name], chunk, engine, timeout) for name, chunk in work)
        for k, results in pmap(_label_chunk_or_error, calls, jobs):
            name, chunk = work[k]
            if isinstance(results, str):
                raise CircuitlabError(f"{name}: a recipe of [{chunk[0]} ...] failed with "
                                      f"{engine}: {results}")
            done(name, chunk, results)
    finally:
        bar.close()
    stats.seconds = time.perf_counter() - start
    labels = {d.name: np.array([known[d.name][k] for k in keys], dtype=np.int64).reshape(-1, 2)
              for d in designs}
    return labels, stats
