"""RecipeCorpus: designs x seeded random recipes, every intermediate AIG kept."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import torch
from torch_geometric.data import Dataset

from circuitlab.parallel import BuildOptions, BuildReport, Item, run_items
from circuitlab.datasets.fingerprint import fingerprint
from circuitlab.datasets.folder_dataset import ITEM_SUFFIX, design_items
from circuitlab.datasets.graphs import graph_of, read_item
from circuitlab.datasets.guard import refused_items
from circuitlab.datasets.layout import SourceLayout
from circuitlab.datasets.shard import pack
from circuitlab.datasets.sources import (
    AIGER_SUFFIXES,
    VERILOG_SUFFIXES,
    list_sources,
    source_digests,
    synthesize_item,
)
from circuitlab.errors import CircuitlabError, require_at_least, require_choice
from circuitlab.fsutil import atomic_path, write_bytes_atomic
from circuitlab.aig import depth
from circuitlab.io.aiger import dump_aiger, parse_aiger

__all__ = ["RecipeCorpus", "recipe_payload", "recipe_seed", "trace_item"]


def recipe_seed(corpus_seed: int, design: str, index: int) -> int:
    """The seed of recipe ``index`` of ``design``: a 63-bit hash of the three."""
    text = f"{corpus_seed}/{design}/{index}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little") >> 1


def recipe_payload(design: str, index: int, corpus_seed: int, length: int, engine: str,
                   timeout: float) -> dict:
    """What :func:`trace_item` needs for recipe ``index`` of ``design``, less its ``aiger``."""
    from circuitlab.synth.recipes import random_recipe  # loads aigverse: only when used
    seed = recipe_seed(corpus_seed, design, index)
    return {"design": design, "steps": random_recipe(seed, length), "engine": engine,
            "timeout": timeout, "seed": seed, "index": index}


def trace_item(payload: dict) -> bytes:
    """Worker: design AIGER + recipe -> item bytes (every step's AIGER and QoR)."""
    # loads aigverse: only when used
    from circuitlab.synth.recipes import RecipeParams, trace_recipe
    aig = parse_aiger(payload["aiger"], payload["design"])
    params = RecipeParams(engine=payload["engine"], timeout=payload["timeout"])
    trace = trace_recipe(aig, payload["steps"], params)
    meta = {"ands": [t.num_ands for t in trace], "depths": [depth(t) for t in trace]}
    return pack(meta, [dump_aiger(t, symbols=False, comments=False) for t in trace])


class RecipeCorpus(SourceLayout, Dataset):
    r"""The OpenABC-D-style corpus: every AIG along random synthesis recipes.

    For each design of ``source`` (Verilog, synthesised with Yosys, or
    ``.aig``/``.aag``/``.bench``, or the designs of an RTL corpus built by
    :func:`~circuitlab.datasets.rtl_corpus.build_rtl_corpus`) and each
    recipe index ``r < recipes``, a
    recipe of ``length`` steps is drawn by
    :func:`circuitlab.synth.recipes.random_recipe` with the seed
    :func:`recipe_seed` ``(seed, design, r)``, and run keeping the AIG
    after every step (:func:`~circuitlab.synth.recipes.trace_recipe`: one
    ABC process per recipe, or aigverse in-process). The dataset holds
    ``length + 1`` graphs per recipe, step 0 being the design itself.

    Reference: Chowdhury et al., "OpenABC-D: A Large-Scale Dataset For
    Machine Learning Guided Integrated Circuit Synthesis", 2021,
    https://arxiv.org/abs/2110.11292

    Storage: per-recipe item files in ``root/items`` (binary AIGER of every
    step, encoding-independent; the build resumes from them), which
    :meth:`get` encodes on demand; only with a ``pre_transform`` or
    ``pre_filter`` is one processed shard per (design, recipe) written to
    ``root/processed/<fingerprint>/shards`` and loaded lazily instead (the
    last shard read is cached). ``index.json``, written last, lists
    the shards. A test-only design (:mod:`~circuitlab.datasets.test_only`)
    gets no recipe and is listed in :attr:`refused` (``(name, reason)``).

    Fields added to each :class:`~circuitlab.data.AigData`:
        - **design** ``str``: the source file's stem.
        - **recipe_id** ``[1]`` int64: the recipe index ``r``.
        - **recipe_seed** ``[1]`` int64: the seed the recipe was drawn with.
        - **step** ``[1]`` int64: steps applied, ``0 .. length``.
        - **recipe** ``str``: the whole recipe, ``"; "``-separated.
        - **final_ands**, **final_depth** ``[1]`` int64: AND count and depth
          after the last step (the recipe's QoR label, the same on all steps).

    Args:
        root: dataset folder.
        source: folder of designs.
        recipes: recipes per design.
        seed: corpus seed.
        length: steps per recipe.
        engine: ``"auto"``, ``"abc"`` or ``"aigverse"`` (resolved before
            hashing: ABC and aigverse corpora are kept apart).
        encoding, transform, pre_transform, pre_filter: as in
            :class:`~circuitlab.datasets.VerilogAigDataset`.
        options: :class:`~circuitlab.datasets.BuildOptions`.
        timeout: seconds per recipe.
    """

    def __init__(self, root: str, source: str, recipes: int = 4, seed: int = 0,
                 length: int = 20, engine: str = "auto", encoding: str = "not_nodes",
                 transform=None, pre_transform=None, pre_filter=None,
                 options: BuildOptions = BuildOptions(), timeout: float = 600.0,
                 log: bool = False, force_reload: bool = False):
        from circuitlab.data import ENCODINGS  # loads torch, torch_geometric: only when used
        from circuitlab.synth.recipes import resolve_engine  # loads aigverse: only when used
        require_choice(encoding, ENCODINGS, "encoding")
        require_at_least(recipes, 1, "recipes")
        require_at_least(seed, 0, "seed")
        require_at_least(length, 1, "length")
        self.source = Path(source)
        self.recipes, self.seed, self.length = int(recipes), int(seed), int(length)
        self.engine = resolve_engine(engine)
        self.encoding, self.options, self.timeout = encoding, options, timeout
        from circuitlab.datasets.rtl_corpus import INDEX, is_rtl_corpus, rtl_design_items
        if is_rtl_corpus(self.source):
            self.rtl_items, digest = rtl_design_items(self.source)
            self.files, self.digests = [self.source / INDEX], {INDEX: digest}
        else:
            self.rtl_items = None
            self.files = list_sources(self.source, VERILOG_SUFFIXES + AIGER_SUFFIXES)
            self.digests = dict(source_digests(self.files))
        self.refused: list[tuple[str, str]] = []
        self.key = fingerprint("corpus", "test-only guard", sorted(self.digests.items()),
                               encoding,
                               repr(pre_transform), repr(pre_filter), self.recipes,
                               self.seed, self.length, self.engine)
        self.report = BuildReport()
        self._shard: tuple[str, list] | None = None
        super().__init__(root, transform, pre_transform, pre_filter, log=log,
                         force_reload=force_reload)
        index = json.loads((Path(self.processed_dir) / "index.json").read_text())
        self.shards = index["shards"]
        self.refused = [tuple(r) for r in index.get("refused", [])]
        if not self.report.computed and not self.report.reused:
            failed = [tuple(f) for f in index["report"]["failed"]]
            self.report = BuildReport(index["report"]["computed"], index["report"]["reused"],
                                      failed, index["report"]["seconds"])
        self._starts = []
        total = 0
        for shard in self.shards:
            self._starts.append(total)
            total += shard["graphs"]
        self._total = total

    @property
    def raw_file_names(self) -> list[str]:
        return [p.name for p in self.files]

    @property
    def processed_file_names(self) -> list[str]:
        return ["index.json"]

    def process(self) -> None:
        item_dir = self.item_dir
        if self.rtl_items is not None:
            from circuitlab.datasets.rtl_corpus import rtl_design_item
            designs = self.rtl_items
            report = run_items(rtl_design_item, designs, item_dir, ITEM_SUFFIX, self.options,
                               what="designs")
        else:
            designs = design_items(self.files, self.digests)
            report = run_items(synthesize_item, designs, item_dir, ITEM_SUFFIX, self.options,
                               what="designs")
        refused = refused_items(designs, item_dir, ITEM_SUFFIX)
        self.refused = sorted(refused.items())
        recipes: list[Item] = []
        for design in designs:
            path = item_dir / f"{design.key}{ITEM_SUFFIX}"
            if not path.exists() or design.name in refused:
                continue
            name = Path(design.name).stem
            for r in range(self.recipes):
                payload = recipe_payload(name, r, self.seed, self.length, self.engine,
                                         self.timeout)
                key = fingerprint("trace", design.key, payload["steps"], self.engine)
                recipes.append(Item(f"{name} recipe {r}", f"{name}-r{r}-{key}",
                                    _TracePayload(path, payload)))
        report.merge(run_items(trace_item, recipes, item_dir, ITEM_SUFFIX, self.options,
                               what="recipes"))
        self.report = report
        shards = []
        for item in recipes:
            path = item_dir / f"{item.key}{ITEM_SUFFIX}"
            if path.exists():
                shard = self._write_shard(item, path)
                if shard is not None:
                    shards.append(shard)
        if not shards:
            raise CircuitlabError(f"{self.source}: no recipe could be run "
                                  f"({len(report.failed)} failed, "
                                  f"{len(self.refused)} test-only)")
        index = {"shards": shards, "report": report.to_json(),
                 "refused": [list(r) for r in self.refused]}
        write_bytes_atomic(Path(self.processed_dir) / "index.json",
                           json.dumps(index, indent=1).encode())

    def _write_shard(self, item: Item, path: Path) -> dict | None:
        meta, blobs = read_item(path)
        info = item.payload.info
        fields = {"design": info["design"], "recipe_id": info["index"],
                  "recipe_seed": info["seed"], "recipe": "; ".join(info["steps"]),
                  "final_ands": meta["ands"][-1], "final_depth": meta["depths"][-1]}
        entry = {"graphs": len(blobs), "design": info["design"], "recipe_id": info["index"],
                 "recipe_seed": info["seed"], "recipe": fields["recipe"],
                 "final_ands": fields["final_ands"], "final_depth": fields["final_depth"]}
        if self.pre_transform is None and self.pre_filter is None:
            # nothing to precompute: get() encodes from the item file (173 B per graph
            # there, about 14 kB in a .pt shard)
            return {"file": f"{item.key}.pt", "item": path.name, **entry}
        graphs = []
        for step, blob in enumerate(blobs):
            data = graph_of(blob, self.encoding, {**fields, "step": step},
                            self.pre_transform, str(path))
            if self.pre_filter is None or self.pre_filter(data):
                graphs.append(data)
        if not graphs:
            return None
        name = f"{item.key}.pt"
        target = Path(self.processed_dir) / "shards" / name
        with atomic_path(target) as tmp:
            torch.save(graphs, tmp)
        return {**entry, "file": name, "graphs": len(graphs)}

    def len(self) -> int:
        return self._total

    def get(self, idx: int):
        import bisect
        k = bisect.bisect_right(self._starts, idx) - 1
        shard = self.shards[k]
        name = shard["file"]
        if self._shard is None or self._shard[0] != name:
            if "item" in shard:
                self._shard = (name, read_item(self.item_dir / shard["item"]))
            else:
                path = Path(self.processed_dir) / "shards" / name
                self._shard = (name, torch.load(path, weights_only=False))
        step = idx - self._starts[k]
        if "item" not in shard:
            return self._shard[1][step]
        fields = {f: shard[f] for f in ("design", "recipe_id", "recipe_seed", "recipe",
                                        "final_ands", "final_depth")}
        return graph_of(self._shard[1][1][step], self.encoding, {**fields, "step": step},
                        None, shard["item"])


class _TracePayload:
    """A recipe's payload; the design's AIGER is read only when the item runs."""

    def __init__(self, design_item: Path, info: dict):
        self.design_item = design_item
        self.info = info

    def __call__(self) -> dict:
        _, blobs = read_item(self.design_item)
        return {**self.info, "aiger": blobs[0]}
