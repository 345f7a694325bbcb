"""The shared machinery of the folder datasets: one graph per source file."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from torch_geometric.data import InMemoryDataset

from circuitlab.parallel import BuildOptions, BuildReport, Item, run_items
from circuitlab.datasets.fingerprint import fingerprint
from circuitlab.datasets.graphs import graph_of, read_item
from circuitlab.datasets.guard import refused_items
from circuitlab.datasets.layout import SourceLayout
from circuitlab.datasets.sources import (
    design_payload,
    list_sources,
    source_digests,
    synthesize_item,
)
from circuitlab.errors import CircuitlabError, require_choice
from circuitlab.fsutil import write_bytes_atomic

__all__ = ["FolderDataset", "design_items"]

ITEM_SUFFIX = ".item"


def design_items(files: list[Path], digests: dict[str, str]) -> list[Item]:
    """One build item per source file, keyed by its content (and description's)."""
    items = []
    for path in files:
        desc = path.with_suffix(".txt").name
        key = fingerprint("design", path.name, digests[path.name], digests.get(desc))
        items.append(Item(path.name, f"{path.stem}-{key}", partial(design_payload, path)))
    return items


class FolderDataset(SourceLayout, InMemoryDataset):
    """One :class:`~circuitlab.data.AigData` per file of a source folder.

    ``raw_dir`` is the source folder itself; item results (the AIGER of each
    design, independent of the encoding) live in ``root/items``, and the
    processed graphs in ``root/processed/<fingerprint>/data.pt``, the
    fingerprint covering the source files' contents, the encoding,
    ``repr(pre_transform)``, ``repr(pre_filter)`` and the builder version.
    A file that fails is skipped and listed in :attr:`report`: the report of
    the build that made the processed files (read back when they are reused).
    A test-only design (:mod:`~circuitlab.datasets.test_only`) is skipped and
    listed in :attr:`refused` (``(name, reason)``).
    """

    suffixes: tuple[str, ...] = ()
    kind = ""

    def __init__(self, root: str, source: str, encoding: str = "not_nodes",
                 transform=None, pre_transform=None, pre_filter=None,
                 options: BuildOptions = BuildOptions(), log: bool = False,
                 force_reload: bool = False):
        from circuitlab.data import ENCODINGS  # loads torch, torch_geometric: only when used
        require_choice(encoding, ENCODINGS, "encoding")
        self.source = Path(source)
        self.encoding = encoding
        self.options = options
        self.files = list_sources(self.source, self.suffixes)
        self.digests = dict(source_digests(self.files))
        self.key = fingerprint(self.kind, "test-only guard", sorted(self.digests.items()), encoding,
                               repr(pre_transform), repr(pre_filter))
        self.report = BuildReport()
        self.refused: list[tuple[str, str]] = []
        super().__init__(root, transform, pre_transform, pre_filter, log=log,
                         force_reload=force_reload)
        import torch

        from circuitlab.data import AigData  # loads torch, torch_geometric: only when used
        torch.serialization.add_safe_globals([AigData])  # our own class: safe to unpickle
        self.load(self.processed_paths[0])
        report = Path(self.processed_dir) / "report.json"
        if not self.report.computed and not self.report.reused and report.exists():
            saved = json.loads(report.read_text())
            self.refused = [tuple(r) for r in saved.pop("refused", [])]
            self.report = BuildReport(**{k: v if k != "failed" else [tuple(f) for f in v]
                                         for k, v in saved.items()})

    @property
    def raw_file_names(self) -> list[str]:
        return [p.name for p in self.files]

    @property
    def processed_file_names(self) -> list[str]:
        return ["data.pt"]

    def process(self) -> None:
        items = design_items(self.files, self.digests)
        self.report = run_items(synthesize_item, items, self.item_dir, ITEM_SUFFIX,
                                self.options, what=f"{self.kind} designs")
        refused = refused_items(items, self.item_dir, ITEM_SUFFIX)
        self.refused = sorted(refused.items())
        data_list = []
        for item in items:
            path = self.item_dir / f"{item.key}{ITEM_SUFFIX}"
            if not path.exists() or item.name in refused:
                continue
            meta, blobs = read_item(path)
            data = graph_of(blobs[0], self.encoding, meta, self.pre_transform, str(path))
            if self.pre_filter is None or self.pre_filter(data):
                data_list.append(data)
        if not data_list:
            raise CircuitlabError(f"{self.source}: no design could be built "
                                  f"({len(self.report.failed)} failed, "
                                  f"{len(self.refused)} test-only)")
        self.save(data_list, self.processed_paths[0])
        saved = {**self.report.to_json(), "refused": [list(r) for r in self.refused]}
        write_bytes_atomic(Path(self.processed_dir) / "report.json",
                           json.dumps(saved, indent=1).encode())
