"""A corpus of distinct Verilog-AIG pairs from the random RTL families, sharded on disk.

:func:`build_rtl_corpus` draws designs ``0, 1, 2, ...`` of a seed's stream
(:func:`~circuitlab.datasets.rtl_families.random_design`) in *shards* of
``shard_size`` consecutive draws. Each shard is one item of
:func:`circuitlab.parallel.run_items` (``root/items/<key>.shard``, keyed by
the seed, the draw range and the families), so shards build in parallel and
an interrupted build resumes from the shards already on disk. A shard file
(:mod:`circuitlab.datasets.shard` layout) holds, per draw, the Verilog
text, description, family, licence ``"generated"``, the normalised-text
and structural keys, the functional hash and, for each design that
synthesised and passed the test-only guard, its binary AIGER.

Deduplication is across the whole corpus: a pass over the shards in draw
order keeps a design when no earlier kept one has the same normalised
text or AIG structure, until ``count`` are kept; more shards are drawn
while too few are (at most ``20 * count`` draws). ``root/index.json``,
written last and atomically, lists the kept designs per shard and the
build report (duplicates, synthesis failures, test-only refusals).
"""

from __future__ import annotations

import functools
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from circuitlab.aig import Aig
from circuitlab.datasets.fingerprint import fingerprint
from circuitlab.datasets.rtl_families import FAMILIES
from circuitlab.datasets.shard import pack, unpack
from circuitlab.errors import CircuitlabError, FormatError, require_at_least
from circuitlab.fsutil import write_bytes_atomic
from circuitlab.io import parse_aiger
from circuitlab.parallel import BuildOptions, Item, run_items

__all__ = ["INDEX", "LICENCE", "SHARD_SUFFIX", "RtlCorpusReport", "build_rtl_corpus",
           "is_rtl_corpus", "read_index", "read_shard", "rtl_design_item", "rtl_design_items",
           "rtl_corpus_aigs", "rtl_shard"]

INDEX = "index.json"
SHARD_SUFFIX = ".shard"
LICENCE = "generated"
MAX_DRAWS_PER_PAIR = 20
"""Drawing stops after this many draws per wanted pair (a family set too small to fill it)."""


def rtl_shard(payload: dict) -> bytes:
    """Worker: draws ``start .. stop - 1`` of ``seed`` -> shard bytes.

    Every draw gets a metadata entry; ``blob`` is the index of its AIGER
    among the shard's blobs, ``None`` when it failed to synthesise
    (``failed``: the error's first line), repeats an earlier draw's text in
    this shard (``same_text``), or is test-only (``refused``).
    """
    from circuitlab.aig import depth
    from circuitlab.datasets.rtl_families import random_design
    from circuitlab.datasets.rtl_pairs import structural_key, synthesize_design, text_key
    from circuitlab.datasets.test_only import functional_hash, refusal
    from circuitlab.io.aiger import dump_aiger

    families = tuple(payload["families"])
    entries, blobs, texts = [], [], set()
    for index in range(payload["start"], payload["stop"]):
        design = random_design(payload["seed"], index, families)
        entry = {"index": index, "name": design.name, "family": design.family,
                 "description": design.description, "verilog": design.verilog,
                 "licence": LICENCE, "text_key": text_key(design.verilog), "blob": None}
        entries.append(entry)
        if entry["text_key"] in texts:
            entry["same_text"] = True
            continue
        texts.add(entry["text_key"])
        try:
            aig = synthesize_design(design, payload["timeout"])
        except CircuitlabError as exc:
            entry["failed"] = str(exc).splitlines()[0]
            continue
        entry.update(structural_key=structural_key(aig), function=functional_hash(aig),
                     inputs=aig.num_inputs, outputs=aig.num_outputs, latches=aig.num_latches,
                     ands=aig.num_ands, levels=depth(aig))
        reason = refusal(design.name, aig)
        if reason is not None:
            entry["refused"] = reason
            continue
        entry["blob"] = len(blobs)
        blobs.append(dump_aiger(aig, symbols=True, comments=False))
    return pack({"seed": payload["seed"], "designs": entries}, blobs)


@dataclass
class RtlCorpusReport:
    """What :func:`build_rtl_corpus` did.

    Attributes:
        kept: distinct designs in the corpus (at most the ``count`` asked for).
        drawn: draws examined by the deduplication pass.
        shards: shard files the corpus uses.
        same_text, same_structure: draws dropped as duplicates.
        failed: ``(name, first line)`` of draws Yosys rejected.
        refused: ``(name, reason)`` of test-only draws (suite, design, by name or function).
        computed, reused: shard items built in this run / found on disk.
        seconds: wall-clock time.
    """

    kept: int = 0
    drawn: int = 0
    shards: int = 0
    same_text: int = 0
    same_structure: int = 0
    failed: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    computed: int = 0
    reused: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        out = dict(self.__dict__)
        out["seconds"] = round(self.seconds, 3)
        return out


def _shard_items(seed: int, shard_size: int, families: tuple[str, ...], first: int,
                 last: int, timeout: float) -> list[Item]:
    items = []
    for k in range(first, last):
        start, stop = k * shard_size, (k + 1) * shard_size
        key = fingerprint("rtl-shard", seed, start, stop, list(families))
        items.append(Item(f"shard {k}", f"rtl-{seed}-{k:05d}-{key}",
                          {"seed": seed, "start": start, "stop": stop,
                           "families": list(families), "timeout": timeout}))
    return items


def read_shard(path: Path) -> tuple[dict, list[bytes]]:
    """The metadata and AIGER blobs of a shard file."""
    return unpack(path.read_bytes(), str(path))


def _select(paths: list[Path], count: int, report: RtlCorpusReport) -> list[dict]:
    """The deduplication pass: per shard, the blob indices of the designs kept."""
    texts: set[str] = set()
    shapes: set[str] = set()
    chosen = []
    for path in paths:
        if report.kept >= count:
            break
        meta, _ = read_shard(path)
        keep = []
        for entry in meta["designs"]:
            if report.kept >= count:
                break
            report.drawn += 1
            if entry.get("same_text") or entry["text_key"] in texts:
                report.same_text += 1
                continue
            texts.add(entry["text_key"])
            if "failed" in entry:
                report.failed.append([entry["name"], entry["failed"]])
                continue
            if entry["structural_key"] in shapes:
                report.same_structure += 1
                continue
            shapes.add(entry["structural_key"])
            if "refused" in entry:
                report.refused.append([entry["name"], entry["refused"]])
                continue
            keep.append(entry["blob"])
            report.kept += 1
        chosen.append({"file": path.name, "keep": keep})
    return chosen


def build_rtl_corpus(root: str | Path, count: int, seed: int = 0, shard_size: int = 256,
                     families: tuple[str, ...] = tuple(FAMILIES),
                     options: BuildOptions = BuildOptions(), timeout: float = 120.0
                     ) -> RtlCorpusReport:
    """Build (or resume) the corpus of ``count`` distinct pairs under ``root``.

    Returns:
        The report; ``kept < count`` when ``20 * count`` draws did not give
        enough distinct designs.

    Raises:
        CircuitlabError: an unknown family, or ``root`` holds a corpus of
            another seed or family set.
    """
    require_at_least(count, 1, "count")
    require_at_least(seed, 0, "seed")
    require_at_least(shard_size, 1, "shard_size")
    families = tuple(families)
    for name in families:
        if name not in FAMILIES:
            raise CircuitlabError(f"unknown RTL family {name!r}; choose from "
                                  f"{', '.join(FAMILIES)}")
    root = Path(root)
    _check_same_corpus(root, seed, families)
    item_dir = root / "items"
    start = time.perf_counter()
    shards = math.ceil(count / shard_size)
    limit = math.ceil(MAX_DRAWS_PER_PAIR * count / shard_size)
    built, computed, reused = 0, 0, 0
    while True:
        items = _shard_items(seed, shard_size, families, 0, shards, timeout)
        done = run_items(rtl_shard, items[built:], item_dir, SHARD_SUFFIX, options,
                         what="RTL shards")
        computed, reused = computed + len(done.computed), reused + len(done.reused)
        if done.failed:
            reasons = "; ".join(f"{n}: {r}" for n, r in done.failed[:3])
            raise CircuitlabError(f"{root}: {len(done.failed)} RTL shard(s) could not be "
                                  f"built ({reasons})")
        report = RtlCorpusReport(computed=computed, reused=reused)
        chosen = _select([item_dir / f"{i.key}{SHARD_SUFFIX}" for i in items], count, report)
        if report.kept >= count or shards >= limit:
            break
        rate = max(report.kept / max(report.drawn, 1), 0.05)
        built = shards
        shards = min(limit, shards + math.ceil((count - report.kept) / rate / shard_size))
    report.shards = len(chosen)
    report.seconds = time.perf_counter() - start
    index = {"kind": "rtl", "seed": seed, "count": count, "shard_size": shard_size,
             "families": list(families), "licence": LICENCE, "shards": chosen,
             "report": report.to_json()}
    write_bytes_atomic(root / INDEX, json.dumps(index, indent=1).encode())
    return report


def _check_same_corpus(root: Path, seed: int, families: tuple[str, ...]) -> None:
    path = root / INDEX
    if not path.exists():
        return
    index = read_index(root)
    if index["seed"] != seed or tuple(index["families"]) != families:
        raise CircuitlabError(f"{path}: a corpus of seed {index['seed']} and families "
                              f"{','.join(index['families'])} is there already; "
                              "build into another --root")


def is_rtl_corpus(folder: str | Path) -> bool:
    """Whether ``folder`` holds an RTL corpus (its ``index.json``)."""
    return (Path(folder) / INDEX).is_file()


def read_index(root: str | Path) -> dict:
    """``root/index.json`` of an RTL corpus.

    Raises:
        FormatError: it is missing, unreadable or not an RTL corpus index.
    """
    path = Path(root) / INDEX
    try:
        index = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise FormatError(path, f"not an RTL corpus index ({exc})") from None
    if not isinstance(index, dict) or index.get("kind") != "rtl" or "shards" not in index:
        raise FormatError(path, "not an RTL corpus index")
    return index


@functools.lru_cache(maxsize=2)
def _cached_shard(path: str) -> tuple[dict, list[bytes]]:
    """One shard read once while its designs are handed out in a row."""
    return read_shard(Path(path))


def rtl_design_item(payload: dict) -> bytes:
    """Worker: an RTL corpus design -> a design item (its metadata and AIGER), as
    :func:`~circuitlab.datasets.sources.synthesize_item` makes of a Verilog file."""
    return pack(payload["meta"], [payload["aiger"]])


class _DesignPayload:
    def __init__(self, path: Path, blob: int):
        self.path, self.blob = path, blob

    def __call__(self) -> dict:
        meta, blobs = _cached_shard(str(self.path))
        entry = next(e for e in meta["designs"] if e.get("blob") == self.blob)
        info = {"design": entry["name"], "top": entry["name"], "verilog": entry["verilog"],
                "description": entry["description"], "family": entry["family"],
                "licence": entry["licence"]}
        return {"meta": info, "aiger": blobs[self.blob]}


def rtl_design_items(root: str | Path) -> tuple[list[Item], str]:
    """One design item per design of the RTL corpus in ``root`` (for
    :func:`rtl_design_item`), and a fingerprint of the corpus's index.

    Raises:
        FormatError: ``root`` holds no RTL corpus index.
        CircuitlabError: a shard the index lists is missing.
    """
    root = Path(root)
    index = read_index(root)
    items = []
    for shard in index["shards"]:
        path = root / "items" / shard["file"]
        if not path.is_file():
            raise CircuitlabError(f"{path}: listed in {root / INDEX} but missing; rebuild "
                                  "the RTL corpus")
        meta, _ = read_shard(path)
        names = {e["blob"]: e for e in meta["designs"] if e.get("blob") is not None}
        for blob in shard["keep"]:
            entry = names[blob]
            key = fingerprint("rtl-design", entry["text_key"], entry["structural_key"])
            items.append(Item(entry["name"], f"{entry['name']}-{key}",
                              _DesignPayload(path, blob)))
    digest = fingerprint("rtl-corpus", index["seed"], index["families"],
                         [(s["file"], s["keep"]) for s in index["shards"]])
    return items, digest


def rtl_corpus_aigs(root: str | Path, limit: int | None = None) -> list[tuple[str, Aig]]:
    """``(name, AIG)`` of the first ``limit`` designs (all by default) of the RTL corpus
    in ``root``, in the index's order.

    Raises:
        FormatError: ``root`` holds no RTL corpus index.
        CircuitlabError: a shard the index lists is missing.
    """
    out: list[tuple[str, Aig]] = []
    items, _ = rtl_design_items(root)
    for item in items[:limit]:
        payload = item.payload()
        out.append((payload["meta"]["design"], parse_aiger(payload["aiger"], item.name)))
    return out
