"""Graphs streamed from shard files, never the whole corpus in memory.

- :class:`ShardStream`: a :class:`torch.utils.data.IterableDataset` over
  shard files (:mod:`circuitlab.datasets.shard` layout: the RTL corpus's
  ``.shard`` files, a recipe corpus's per-recipe ``.item`` files). Each
  epoch visits the shards in a seeded order and yields their graphs
  through a seeded shuffle buffer: every graph once per epoch, the same
  order for the same ``(seed, epoch)``; memory holds one shard's bytes and
  at most ``buffer`` graphs.
- :class:`StreamBatchSampler`: endless node-budget batches of graphs from a
  stream, dealt to ranks, with the position in a :meth:`state_dict` (what
  :func:`circuitlab.pretrain.pretrain` uses when given a stream).
- :func:`rtl_stream`, :func:`recipe_stream`: the stream of a built corpus;
  :func:`corpus_stream` the same from a corpus folder of either kind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from torch.utils.data import IterableDataset, get_worker_info

from circuitlab.datasets.graphs import graph_of, read_item
from circuitlab.errors import CircuitlabError, require_at_least, require_choice

__all__ = ["ShardRef", "ShardStream", "StreamBatchSampler", "corpus_digest", "corpus_stream",
           "read_recipe_index", "recipe_stream", "rtl_stream"]

_RTL_FIELDS = ("name", "family", "description", "verilog", "licence")


@dataclass(frozen=True)
class ShardRef:
    """One shard file of a stream.

    Attributes:
        path: the file.
        keep: the blob indices to yield, in file order.
        fields: fields set on every graph of the shard (e.g. its design).
    """

    path: Path
    keep: tuple[int, ...]
    fields: dict = field(default_factory=dict)


def _blob_fields(meta: dict) -> dict[int, dict]:
    """Per-blob fields a shard's own metadata gives."""
    if "designs" in meta:  # an RTL corpus shard
        out = {}
        for entry in meta["designs"]:
            if entry.get("blob") is not None:
                f = {k: entry[k] for k in _RTL_FIELDS}
                f["design"] = f.pop("name")
                out[entry["blob"]] = f
        return out
    if "ands" in meta:  # a recipe trace: step k is blob k
        return {k: {"step": k, "ands": a, "levels": d}
                for k, (a, d) in enumerate(zip(meta["ands"], meta["depths"]))}
    return {}


class ShardStream(IterableDataset):
    """The graphs of ``shards``, shard by shard, through a seeded shuffle buffer.

    Epoch ``e`` permutes the shards and each shard's graphs with a
    generator seeded by ``(seed, e)``, then passes the graphs through a
    buffer of ``buffer`` graphs from which a uniformly drawn one is yielded
    as each new one arrives (``buffer=1``: shard order, no mixing across
    shards). Under a :class:`~torch.utils.data.DataLoader` with workers,
    worker ``w`` of ``W`` reads shards ``w, w + W, ...`` of the epoch's order.

    Each graph is :func:`~circuitlab.data.to_pyg` of its AIGER in
    ``encoding`` with the shard's fields, the blob's own (an RTL design's
    ``design``, ``family``, ``description``, ``verilog``, ``licence``; a
    recipe step's ``step``, ``ands``, ``levels``) and ``name``
    (``<design>`` or ``<design>#<step>``), then ``transform`` if given.

    Args:
        shards: the shard files and the blobs to yield from each.
        encoding: ``"not_nodes"`` or ``"edge_attr"``.
        seed: seed of the shuffles.
        buffer: shuffle buffer size in graphs (>= 1).
        transform: applied to each graph as it is yielded.
    """

    def __init__(self, shards: Sequence[ShardRef], encoding: str = "not_nodes", seed: int = 0,
                 buffer: int = 1024, transform=None):
        from circuitlab.data import ENCODINGS
        require_choice(encoding, ENCODINGS, "encoding")
        require_at_least(seed, 0, "seed")
        require_at_least(buffer, 1, "buffer")
        self.shards = list(shards)
        if not self.shards or not any(s.keep for s in self.shards):
            raise CircuitlabError("the stream has no graphs")
        self.encoding, self.seed, self.buffer = encoding, int(seed), int(buffer)
        self.transform = transform
        self.epoch = 0

    def __len__(self) -> int:
        return sum(len(s.keep) for s in self.shards)

    def set_epoch(self, epoch: int) -> None:
        """Use epoch ``epoch``'s order on the next iteration."""
        self.epoch = int(epoch)

    def _graphs(self, ref: ShardRef, rng: np.random.Generator) -> Iterator:
        meta, blobs = read_item(ref.path)
        per_blob = _blob_fields(meta)
        for k in rng.permutation(len(ref.keep)):
            blob = ref.keep[int(k)]
            if blob >= len(blobs):
                raise CircuitlabError(f"{ref.path}: has no graph {blob}")
            fields = {**ref.fields, **per_blob.get(blob, {})}
            design = fields.get("design", ref.path.stem)
            fields["name"] = design if "step" not in fields else f"{design}#{fields['step']}"
            yield graph_of(blobs[blob], self.encoding, fields, None, str(ref.path))

    def __iter__(self) -> Iterator:
        rng = np.random.default_rng([self.seed, self.epoch])
        order = rng.permutation(len(self.shards))
        info = get_worker_info()
        if info is not None:
            order = order[info.id::info.num_workers]
        buffer: list = []
        for s in order:
            for graph in self._graphs(self.shards[int(s)], rng):
                if len(buffer) < self.buffer:
                    buffer.append(graph)
                    continue
                j = int(rng.integers(len(buffer)))
                out, buffer[j] = buffer[j], graph
                yield self._out(out)
        for j in rng.permutation(len(buffer)):
            yield self._out(buffer[int(j)])

    def _out(self, graph):
        return graph if self.transform is None else self.transform(graph)


class StreamBatchSampler:
    """Endless batches of graphs (lists of :class:`~circuitlab.data.AigData`) of at most
    ``budget`` nodes each, packed greedily from ``stream`` epoch after epoch.

    Batches are dealt round-robin to ``world_size`` ranks; a round short of
    one batch per rank at an epoch's end is dropped, so all ranks take the
    same number. The position is :meth:`state_dict` (``epoch``, ``offset``:
    this rank's batches taken in the epoch); :meth:`load_state_dict`
    replays the epoch's stream up to it, so a resumed run draws the batch
    an uninterrupted one would have.

    Raises:
        CircuitlabError: a graph over ``budget`` nodes (naming it), or an
            epoch with no batch for a rank.
    """

    def __init__(self, stream: ShardStream, budget: int, rank: int = 0, world_size: int = 1):
        require_at_least(budget, 1, "node_budget")
        self.stream, self.budget = stream, int(budget)
        self.rank, self.world_size = rank, world_size
        self.epoch, self.offset = 0, 0

    def _epoch(self, epoch: int) -> Iterator[list]:
        self.stream.set_epoch(epoch)
        current, nodes, round_, dealt = [], 0, [], 0
        for graph in self.stream:
            if graph.num_nodes > self.budget:
                raise CircuitlabError(f"{getattr(graph, 'name', 'a graph')} has "
                                      f"{graph.num_nodes} nodes, over the node budget of "
                                      f"{self.budget} per batch; raise node_budget or drop it")
            if current and nodes + graph.num_nodes > self.budget:
                round_.append(current)
                current, nodes = [], 0
                if len(round_) == self.world_size:
                    dealt += 1
                    yield round_[self.rank]
                    round_ = []
            current.append(graph)
            nodes += graph.num_nodes
        round_.append(current)
        if len(round_) == self.world_size:
            dealt += 1
            yield round_[self.rank]
        if dealt == 0:
            raise CircuitlabError(f"an epoch of the stream cannot feed {self.world_size} "
                                  "ranks; lower node_budget")

    def __iter__(self) -> Iterator[list]:
        batches = self._epoch(self.epoch)
        for _ in range(self.offset):
            next(batches)
        while True:
            for batch in batches:
                self.offset += 1
                yield batch
            self.epoch, self.offset = self.epoch + 1, 0
            batches = self._epoch(self.epoch)

    def state_dict(self) -> dict:
        return {"epoch": self.epoch, "offset": self.offset}

    def load_state_dict(self, state: dict) -> None:
        self.epoch, self.offset = int(state["epoch"]), int(state["offset"])


def rtl_stream(root: str | Path, **kwargs) -> ShardStream:
    """The stream of the RTL corpus built in ``root``
    (:func:`~circuitlab.datasets.rtl_corpus.build_rtl_corpus`).

    ``kwargs`` go to :class:`ShardStream`.
    """
    from circuitlab.datasets.rtl_corpus import SHARD_SUFFIX, read_index
    root = Path(root)
    index = read_index(root)
    refs = [ShardRef(root / "items" / s["file"], tuple(s["keep"])) for s in index["shards"]]
    missing = [r.path for r in refs if not r.path.is_file()]
    if missing:
        raise CircuitlabError(f"{missing[0]}: listed in {root}/index.json but missing; "
                              f"rebuild the corpus (*{SHARD_SUFFIX} files are its shards)")
    return ShardStream(refs, **kwargs)


def recipe_stream(corpus, distinct: bool = True, **kwargs) -> ShardStream:
    """The stream of a built :class:`~circuitlab.datasets.RecipeCorpus`: the steps of
    every recipe, read from its item files (not its processed ``.pt`` shards).

    With ``distinct`` each circuit is yielded once: a step whose AIG (its
    AIGER bytes) equals an earlier one, in this recipe or in any recipe
    before it, is left out (one pass over the item files, keeping a 20-byte
    digest per distinct graph). Graphs carry ``design``, ``recipe_id``,
    ``final_ands``, ``final_depth``, ``step``, ``ands`` and ``levels``;
    ``kwargs`` go to :class:`ShardStream` (``encoding`` defaults to the
    corpus's).
    """
    kwargs.setdefault("encoding", corpus.encoding)
    return ShardStream(_recipe_refs(corpus.shards, Path(corpus.item_dir), distinct), **kwargs)


def _recipe_refs(shards: Sequence[dict], item_dir: Path, distinct: bool) -> list[ShardRef]:
    """One :class:`ShardRef` per recipe of a recipe corpus's index ``shards``."""
    import hashlib

    from circuitlab.datasets.folder_dataset import ITEM_SUFFIX
    refs, seen = [], set()
    for shard in shards:
        path = item_dir / f"{Path(shard['file']).stem}{ITEM_SUFFIX}"
        if not path.is_file():
            raise CircuitlabError(f"{path}: a recipe of the corpus's index is missing; "
                                  "rebuild the corpus")
        keep = tuple(range(len(shard["recipe"].split("; ")) + 1))  # step 0, then each step
        if distinct:
            _, blobs = read_item(path)
            keep = []
            for k, blob in enumerate(blobs):
                digest = hashlib.sha1(blob).digest()
                if digest not in seen:
                    seen.add(digest)
                    keep.append(k)
            keep = tuple(keep)
        fields = {"design": shard["design"], "recipe_id": shard["recipe_id"],
                  "final_ands": shard["final_ands"], "final_depth": shard["final_depth"]}
        refs.append(ShardRef(path, keep, fields))
    return refs


def corpus_stream(root: str | Path, distinct: bool = True, **kwargs) -> ShardStream:
    """The stream of the corpus built in ``root``, whichever kind it is.

    An RTL corpus (``circuitlab dataset build rtl``: ``root/index.json``) gives
    :func:`rtl_stream`; a recipe corpus (``circuitlab dataset build recipes``:
    ``root/processed/<build>/index.json``, one build) the steps of its recipes
    as :func:`recipe_stream` does, ``distinct`` the same. ``kwargs`` go to
    :class:`ShardStream`.

    Raises:
        CircuitlabError: ``root`` holds neither, a recipe corpus root holds
            several builds or an unfinished one, or a listed file is missing.
    """
    from circuitlab.datasets.rtl_corpus import is_rtl_corpus
    root = Path(root)
    if is_rtl_corpus(root):
        return rtl_stream(root, **kwargs)
    shards = read_recipe_index(root)
    return ShardStream(_recipe_refs(shards, root / "items", distinct), **kwargs)


def corpus_digest(root: str | Path) -> str:
    """The SHA-256 of the index of the corpus built in ``root`` (either kind): it
    changes whenever the graphs :func:`corpus_stream` yields may.

    Raises:
        CircuitlabError: as :func:`corpus_stream`.
    """
    import hashlib

    from circuitlab.datasets.rtl_corpus import INDEX, is_rtl_corpus
    root = Path(root)
    index = root / INDEX if is_rtl_corpus(root) else _recipe_index_path(root)
    return hashlib.sha256(index.read_bytes()).hexdigest()


def read_recipe_index(root: str | Path) -> list[dict]:
    """The recipes of the recipe corpus built in ``root``: one dict per recipe
    (``design``, ``recipe_id``, ``recipe``, ``final_ands``, ``graphs``, its
    ``file``; the item file ``root/items/<file stem>.item`` holds its steps).

    Raises:
        CircuitlabError: ``root`` is no built corpus, holds several builds or
            an unfinished one, or its index is unreadable.
    """
    import json

    index_path = _recipe_index_path(root)
    try:
        return list(json.loads(index_path.read_text())["shards"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CircuitlabError(f"{index_path}: not a recipe corpus index ({exc})") from None


def _recipe_index_path(root: str | Path) -> Path:
    """The index of the one finished build of the recipe corpus in ``root``."""
    root = Path(root)
    processed = root / "processed"
    builds = sorted(p for p in processed.iterdir() if p.is_dir()) if processed.is_dir() else []
    if not builds:
        raise CircuitlabError(f"{root}: not a built corpus (no index.json of an RTL corpus, "
                              "no processed/ of a recipe corpus); build it with "
                              "'circuitlab dataset build rtl|recipes'")
    if len(builds) > 1:
        raise CircuitlabError(f"{processed}: holds {len(builds)} builds "
                              f"({', '.join(b.name for b in builds)}); stream one corpus "
                              "per root")
    index_path = builds[0] / "index.json"
    if not index_path.is_file():
        raise CircuitlabError(f"{builds[0]}: the build did not finish (no index.json); "
                              "rerun 'circuitlab dataset build recipes' to resume it")
    return index_path
