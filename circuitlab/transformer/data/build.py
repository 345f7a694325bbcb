"""Building training pairs in parallel, reproducibly, with a cache.

:func:`build_pair_dataset` turns a :class:`DataSpec` into a
:class:`~.dataset.PairDataset`: sources are generated (``"random"``,
``"truth"``: :mod:`.generate`) or cut from real circuits (``"windows"``:
:mod:`circuitlab.aig.windows`), labelled by :func:`.labels.label_circuits` in worker
processes, and cached in ``cache_dir/<kind>-<hash>.npz``. The hash covers
every field of the spec, the contents (not the paths) of the window
sources, whether ABC is used, and the ``fits_key`` naming the ``fits``
filter; a present file is reused as is.

Determinism: work is cut into units of ``spec.labels.batch_size``
circuits that do not depend on the worker count, and every unit is
generated and labelled from the seed alone, so the same spec gives a
byte-identical cache whatever ``workers`` is. The exception is
``&deepsyn`` with a time limit (``-T``), whose result depends on the
machine's speed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from tqdm import tqdm

from circuitlab.aig.aig import Aig
from circuitlab.aig.windows import find_windows
from circuitlab.errors import CircuitlabError
from circuitlab.io.aiger import dump_aiger, parse_aiger, read_aiger
from circuitlab.parallel import pmap
from circuitlab.synth.abc import abc_available
import circuitlab.transformer.data.generate as generate
from circuitlab.transformer.data.dataset import PairDataset, function_key
from circuitlab.transformer.data.labels import SOURCE, LabelParams, label_circuits

__all__ = ["KINDS", "DataSpec", "build_pair_dataset", "cache_path"]

KINDS = ("random", "truth", "windows")
CACHE_VERSION = 1


@dataclass(frozen=True)
class DataSpec:
    """What pairs to build.

    Attributes:
        kind: ``"random"`` (:func:`.generate.random_circuits`), ``"truth"``
            (:func:`.generate.truth_circuits`) or ``"windows"``
            (:func:`circuitlab.aig.windows.find_windows` on ``sources``).
        count: pairs wanted (windows: at most this many; see :func:`build_pair_dataset`).
        seed: non-negative seed of everything random.
        num_inputs, num_outputs: circuit interface (windows: the most
            leaves and outputs).
        ands: ``(lowest, highest)`` ANDs drawn (random), accepted (truth),
            or inside a window (windows: ``min_ands``, ``max_ands``).
        sources: AIGER files to cut windows from (windows only).
        labels: how labels are found.
    """

    kind: str
    count: int
    seed: int = 0
    num_inputs: int = 8
    num_outputs: int = 2
    ands: tuple[int, int] = (20, 60)
    sources: tuple[str, ...] = ()
    labels: LabelParams = LabelParams()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise CircuitlabError(f"unknown data kind {self.kind!r}; choose one of "
                                  f"{', '.join(KINDS)}")
        for name in ("count", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise CircuitlabError(f"{name} must be a non-negative integer, got {value!r}")
        object.__setattr__(self, "ands", generate.check_sizes(self.num_inputs,
                                                              self.num_outputs, self.ands))
        if isinstance(self.sources, (str, os.PathLike)):
            raise CircuitlabError("sources must be a sequence of paths, not one path")
        object.__setattr__(self, "sources", tuple(str(s) for s in self.sources))
        if self.kind == "windows":
            if not self.sources:
                raise CircuitlabError("windows need at least one source circuit (sources=...)")
            if self.num_inputs < 2:
                raise CircuitlabError("windows need num_inputs >= 2")
        elif self.sources:
            raise CircuitlabError(f"sources are used by kind 'windows' only, not {self.kind!r}")
        if not isinstance(self.labels, LabelParams):
            raise CircuitlabError("labels must be a LabelParams")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "count": int(self.count), "seed": int(self.seed),
                "num_inputs": int(self.num_inputs), "num_outputs": int(self.num_outputs),
                "ands": list(self.ands), "sources": list(self.sources),
                "labels": self.labels.to_dict()}


def cache_path(spec: DataSpec, cache_dir: str | os.PathLike, fits_key: str | None = None) -> Path:
    """Where :func:`build_pair_dataset` caches ``spec``."""
    key = {"version": CACHE_VERSION, **spec.to_dict(), "fits": fits_key,
           "abc": abc_available() if spec.labels.use_abc is None else spec.labels.use_abc,
           "sources": [_file_digest(p) for p in spec.sources]}
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    return Path(cache_dir) / f"{spec.kind}-{digest}.npz"


def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise CircuitlabError(f"window source {path}: cannot read: "
                              f"{exc.strerror or exc}") from None


def build_pair_dataset(spec: DataSpec, cache_dir: str | os.PathLike, workers: int = 2,
                progress: bool = True, fits: Callable[[Aig], bool] | None = None,
                fits_key: str | None = None) -> PairDataset:
    """The pairs of ``spec``, from the cache when present, else built and cached.

    Windows: each source gives up to ``ceil(count / len(sources))`` windows
    (seed ``[seed, j]`` for source ``j``); they are merged round-robin and
    deduplicated by truth table across sources, so fewer than ``count``
    pairs come back when the sources hold fewer distinct windows.

    Args:
        spec: what to build.
        cache_dir: folder of the cache files (created when missing).
        workers: processes generating and labelling; 1 works in-process.
        progress: show a tqdm progress bar.
        fits: the label filter of :func:`.labels.label_circuits`; it must be
            picklable (a module-level function or a bound method of a
            picklable object) when ``workers > 1``.
        fits_key: a name for ``fits`` that goes into the cache hash (required
            with ``fits``: change it when the filter changes).

    Raises:
        CircuitlabError: bad arguments, or an unreadable window source.
    """
    if not isinstance(workers, int) or workers < 1:
        raise CircuitlabError(f"workers must be a positive integer, got {workers!r}")
    if fits is not None and not fits_key:
        raise CircuitlabError("a fits filter needs a fits_key naming it (it enters the "
                              "cache hash)")
    path = cache_path(spec, cache_dir, fits_key if fits is not None else None)
    if path.exists():
        return PairDataset.load(path)
    units, origins = _units(spec)
    total = sum(u[2] for u in units)
    results: list[dict | None] = [None] * len(units)
    with tqdm(total=total, desc=f"{spec.kind} pairs", unit="circuit",
              disable=not progress) as bar:
        # spawn: safe beside threads (torch, aigverse); a worker that cannot
        # start breaks the pool with an error instead of hanging
        for k, result in pmap(_work, [(spec, unit, fits) for unit in units], workers,
                              spawn=True):
            results[k] = result
            bar.update(units[k][2])
    dataset = PairDataset(_assemble(spec, results, origins))
    dataset.save(path)
    return dataset


def _units(spec: DataSpec) -> tuple[list[tuple], list[str]]:
    """Work units ``(kind, payload, size)`` of at most ``batch_size`` circuits."""
    size = spec.labels.batch_size
    if spec.kind != "windows":
        return ([("gen", start, min(size, spec.count - start))
                 for start in range(0, spec.count, size)], [spec.kind])
    windows = _windows(spec)
    units = []
    for start in range(0, len(windows), size):
        chunk = windows[start:start + size]
        units.append(("aig", [(dump_aiger(w.aig, symbols=False, comments=False), origin,
                               w.roots[0]) for origin, w in chunk], len(chunk)))
    return units, [Path(p).name for p in spec.sources]


def _windows(spec: DataSpec) -> list:
    per_source = -(-spec.count // len(spec.sources))
    found = []
    for j, src in enumerate(spec.sources):
        aig = read_aiger(src)
        found.append(find_windows(aig, per_source, seed=[spec.seed, j],
                                  max_inputs=spec.num_inputs, max_outputs=spec.num_outputs,
                                  min_ands=spec.ands[0], max_ands=spec.ands[1]))
    merged, seen = [], set()
    for k in range(per_source):
        for j, ws in enumerate(found):
            if k < len(ws) and len(merged) < spec.count:
                key = (len(ws[k].leaves), ws[k].tables)
                if key not in seen:
                    seen.add(key)
                    merged.append((j, ws[k]))
    return merged


def _work(spec: DataSpec, unit: tuple, fits) -> dict:
    """Generate (or parse) and label one unit; arrays for :func:`_assemble`."""
    what, payload, n = unit
    if what == "gen":
        make = generate.random_circuits if spec.kind == "random" else generate.truth_circuits
        sources = make(n, spec.seed, spec.num_inputs, spec.num_outputs, spec.ands, start=payload)
        index = list(range(payload, payload + n))
        origin = [0] * n
    else:
        sources = [parse_aiger(blob, "window") for blob, _, _ in payload]
        origin = [o for _, o, _ in payload]
        index = [root for _, _, root in payload]
    labels = label_circuits(sources, spec.labels, fits)
    return {"sources": [dump_aiger(a, symbols=False, comments=False) for a in sources],
            "labels": [dump_aiger(lab.aig, symbols=False, comments=False) for lab in labels],
            "source_ands": [a.num_ands for a in sources],
            "label_ands": [lab.aig.num_ands for lab in labels],
            "best": [lab.best for lab in labels], "fits": [lab.fits for lab in labels],
            "ands": [dict(lab.ands) for lab in labels], "index": index, "origin": origin,
            "function": [function_key(a) for a in sources]}


def _assemble(spec: DataSpec, results: list[dict], origins: list[str]) -> dict[str, np.ndarray]:
    use_abc = abc_available() if spec.labels.use_abc is None else spec.labels.use_abc
    names = [SOURCE, *spec.labels.candidate_names(bool(use_abc))]
    col = {n: k for k, n in enumerate(names)}

    def cat(key):
        return [x for r in results for x in r[key]]

    arrays: dict[str, np.ndarray] = {}
    for what in ("source", "label"):
        blobs = cat(f"{what}s")
        arrays[f"{what}_data"] = np.frombuffer(b"".join(blobs), dtype=np.uint8)
        arrays[f"{what}_offsets"] = np.concatenate(
            [[0], np.cumsum([len(b) for b in blobs])]).astype(np.int64)
    n = len(arrays["source_offsets"]) - 1
    cand = np.full((n, len(names) - 1), -1, dtype=np.int64)
    for k, ands in enumerate(cat("ands")):
        for name, count in ands.items():
            cand[k, col[name] - 1] = count
    arrays.update(
        source_ands=np.array(cat("source_ands"), dtype=np.int64).reshape(n),
        label_ands=np.array(cat("label_ands"), dtype=np.int64).reshape(n),
        best=np.array([col[b] for b in cat("best")], dtype=np.int64).reshape(n),
        fits=np.array(cat("fits"), dtype=bool).reshape(n),
        index=np.array(cat("index"), dtype=np.int64).reshape(n),
        origin=np.array(cat("origin"), dtype=np.int64).reshape(n),
        function=np.frombuffer(b"".join(cat("function")), dtype=np.uint8).reshape(n, 16),
        candidate_ands=cand, candidates=np.array(names), origins=np.array(origins),
        spec=np.array(json.dumps(spec.to_dict(), sort_keys=True)))
    return arrays
