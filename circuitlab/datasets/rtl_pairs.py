"""Distinct Verilog-AIG pairs from the random RTL families, deduplicated twice.

A design is kept when no earlier one has the same *normalised text*
(comments and the module name dropped, white space collapsed) nor, after
Yosys, the same *structural hash* (:func:`structural_key`: the strashed AIG
without names, as binary AIGER, through :func:`~circuitlab.datasets.fingerprint.fingerprint`).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from circuitlab.aig import Aig, strash
from circuitlab.datasets.fingerprint import fingerprint
from circuitlab.datasets.rtl_families import FAMILIES, RtlDesign, random_design
from circuitlab.errors import CircuitlabError, require_at_least
from circuitlab.io import dump_aiger
from circuitlab.synth.verilog_source import strip_comments

__all__ = ["PairStats", "distinct_pairs", "normalised_text", "structural_key", "synthesize_design",
           "text_key"]

_MODULE_NAME = re.compile(r"\bmodule\s+[A-Za-z_][A-Za-z0-9_$]*")


def normalised_text(verilog: str) -> str:
    """``verilog`` without comments, its module names replaced by ``M``, white space collapsed."""
    text = _MODULE_NAME.sub("module M", strip_comments(verilog))
    return " ".join(text.split())


def text_key(verilog: str) -> str:
    """SHA-1 (hex) of :func:`normalised_text`."""
    return hashlib.sha1(normalised_text(verilog).encode()).hexdigest()


def structural_key(aig: Aig) -> str:
    """A content hash of ``aig``'s structure: its strashed AND graph, interface
    sizes and latches, names and comments ignored (16 hex digits)."""
    data = dump_aiger(strash(aig), symbols=False, comments=False)
    return fingerprint("aig-structure", hashlib.sha256(data).hexdigest())


def synthesize_design(design: RtlDesign, timeout: float = 120.0) -> Aig:
    """``design`` through Yosys (:func:`circuitlab.synth.synthesize`), top = its module."""
    from circuitlab.synth import synthesize  # looked up at call time: tests stand in for it
    with tempfile.TemporaryDirectory(prefix="circuitlab-rtl-") as tmp:
        path = Path(tmp) / f"{design.name}.v"
        path.write_text(design.verilog)
        return synthesize(path, top=design.name, timeout=timeout, blackbox_unknown=False)


@dataclass
class PairStats:
    """What :func:`distinct_pairs` did: designs drawn, duplicates by text and by
    structure, synthesis failures (with their first lines), seconds."""

    drawn: int = 0
    kept: int = 0
    same_text: int = 0
    same_structure: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def distinct_pairs(seed: int, count: int, families: tuple[str, ...] = tuple(FAMILIES),
                   max_draws: int | None = None, timeout: float = 120.0,
                   stats: PairStats | None = None) -> Iterator[tuple[RtlDesign, Aig]]:
    """Yield up to ``count`` distinct ``(design, aig)`` pairs from the stream of ``seed``.

    Designs are drawn in index order (:func:`random_design`), so a seed
    always yields the same pairs. Drawing stops after ``max_draws`` designs
    (default ``20 * count``). A design Yosys rejects is counted in
    ``stats.failed`` and skipped.
    """
    require_at_least(count, 0, "count")
    for name in families:
        if name not in FAMILIES:
            raise CircuitlabError(f"unknown RTL family {name!r}; choose from "
                                  f"{', '.join(FAMILIES)}")
    stats = PairStats() if stats is None else stats
    texts: set[str] = set()
    shapes: set[str] = set()
    start = time.perf_counter()
    limit = 20 * count if max_draws is None else max_draws
    index = 0
    while stats.kept < count and index < limit:
        design = random_design(seed, index, families)
        index += 1
        stats.drawn += 1
        key = text_key(design.verilog)
        if key in texts:
            stats.same_text += 1
            continue
        texts.add(key)
        try:
            aig = synthesize_design(design, timeout)
        except CircuitlabError as exc:
            stats.failed.append(f"{design.name}: {str(exc).splitlines()[0]}")
            continue
        shape = structural_key(aig)
        if shape in shapes:
            stats.same_structure += 1
            continue
        shapes.add(shape)
        stats.kept += 1
        stats.seconds = time.perf_counter() - start
        yield design, aig
    stats.seconds = time.perf_counter() - start
