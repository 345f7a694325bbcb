"""ShardStream: every graph once per epoch, reproducible under a seed, one shard at a time;
pretrain trains from a stream and resumes it exactly."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
import torch

from circuitlab.aig import FALSE, AigBuilder
from circuitlab.datasets import stream as stream_module
from circuitlab.datasets.shard import pack
from circuitlab.datasets.stream import ShardRef, ShardStream, StreamBatchSampler
from circuitlab.errors import CircuitlabError
from circuitlab.io.aiger import dump_aiger

SHARDS, PER_SHARD = 5, 7


def random_aig(rng: random.Random, marker: int):
    """A small random AIG whose input count encodes ``marker`` (so graphs are told apart)."""
    b = AigBuilder()
    pool = [FALSE] + b.add_inputs(2 + marker)
    for _ in range(rng.randint(4, 12)):
        pool.append(b.and_(rng.choice(pool[1:]) ^ rng.randint(0, 1),
                           rng.choice(pool[1:]) ^ rng.randint(0, 1)))
    b.add_output(pool[-1])
    return b.build()


def shard_folder(tmp_path, keep_all: bool = True) -> list[ShardRef]:
    """``SHARDS`` recipe-like shard files of ``PER_SHARD`` graphs; graph ``k`` of shard
    ``s`` has ``2 + s * PER_SHARD + k`` inputs."""
    rng = random.Random(0)
    refs = []
    for s in range(SHARDS):
        blobs = [dump_aiger(random_aig(rng, s * PER_SHARD + k), symbols=False)
                 for k in range(PER_SHARD)]
        meta = {"ands": [0] * PER_SHARD, "depths": [0] * PER_SHARD}
        path = tmp_path / f"s{s}.item"
        path.write_bytes(pack(meta, blobs))
        keep = tuple(range(PER_SHARD)) if keep_all else tuple(range(0, PER_SHARD, 2))
        refs.append(ShardRef(path, keep, {"design": f"d{s}"}))
    return refs


def ids(graphs) -> list[int]:
    return [int(g.num_inputs) - 2 for g in graphs]


@pytest.mark.parametrize("buffer", [1, 4, 1000])
def test_every_graph_once_per_epoch_and_the_same_order_under_a_seed(tmp_path, buffer):
    refs = shard_folder(tmp_path)
    stream = ShardStream(refs, seed=7, buffer=buffer)
    first = ids(stream)
    assert sorted(first) == list(range(SHARDS * PER_SHARD)) and len(stream) == len(first)
    assert ids(ShardStream(refs, seed=7, buffer=buffer)) == first
    stream.set_epoch(1)
    second = ids(stream)
    assert sorted(second) == sorted(first) and second != first
    assert ids(ShardStream(refs, seed=8, buffer=buffer)) != first


def test_only_the_kept_graphs_with_their_fields(tmp_path):
    refs = shard_folder(tmp_path, keep_all=False)
    graphs = list(ShardStream(refs, seed=1))
    kept = {s * PER_SHARD + k for s in range(SHARDS) for k in range(0, PER_SHARD, 2)}
    assert sorted(ids(graphs)) == sorted(kept)
    for g in graphs:
        n = int(g.num_inputs) - 2
        assert g.design == f"d{n // PER_SHARD}" and int(g.step) == n % PER_SHARD
        assert g.name == f"d{n // PER_SHARD}#{n % PER_SHARD}"


def test_a_small_buffer_reads_one_shard_at_a_time(tmp_path, monkeypatch):
    reads = []
    real = stream_module.read_item
    monkeypatch.setattr(stream_module, "read_item", lambda p: reads.append(p) or real(p))
    it = iter(ShardStream(shard_folder(tmp_path), seed=2, buffer=3))
    seen = [next(it) for _ in range(PER_SHARD - 3)]  # the buffer holds the other 3
    assert len(reads) == 1
    seen.append(next(it))
    assert len(reads) == 2
    rest = list(it)
    assert len(seen) + len(rest) == SHARDS * PER_SHARD and len(reads) == SHARDS


def test_batches_respect_the_budget_and_cover_each_epoch(tmp_path):
    stream = ShardStream(shard_folder(tmp_path), seed=3, buffer=5)
    sampler = StreamBatchSampler(stream, budget=120)
    it = iter(sampler)
    epoch0 = []
    while sampler.epoch == 0:
        batch = next(it)
        if sampler.epoch == 0:
            assert sum(g.num_nodes for g in batch) <= 120
            epoch0 += ids(batch)
        else:
            later = batch
    assert sorted(epoch0) == list(range(SHARDS * PER_SHARD))
    # resuming from the state gives the batch an uninterrupted run draws next
    state = sampler.state_dict()
    after = next(it)
    again = StreamBatchSampler(ShardStream(shard_folder(tmp_path), seed=3, buffer=5), 120)
    again.load_state_dict(state)
    assert ids(next(iter(again))) == ids(after)
    assert ids(later)  # the first batch of epoch 1 was drawn


def test_two_ranks_share_an_epoch_without_overlap(tmp_path):
    refs = shard_folder(tmp_path)
    got = []
    for rank in range(2):
        sampler = StreamBatchSampler(ShardStream(refs, seed=4), budget=80, rank=rank,
                                     world_size=2)
        it = iter(sampler)
        mine = []
        while True:
            batch = next(it)
            if sampler.epoch > 0:
                break
            mine += ids(batch)
        got.append(mine)
    assert not set(got[0]) & set(got[1]) and abs(len(got[0]) - len(got[1])) < 20


def test_bad_streams_are_refused(tmp_path):
    with pytest.raises(CircuitlabError, match="no graphs"):
        ShardStream([])
    refs = shard_folder(tmp_path)
    with pytest.raises(CircuitlabError, match="over the node budget"):
        next(iter(StreamBatchSampler(ShardStream(refs), budget=3)))
    (tmp_path / "s0.item").write_bytes(b"garbage")
    with pytest.raises(CircuitlabError, match="s0.item"):
        list(ShardStream(refs, buffer=1))


def test_pretrain_from_a_stream_resumes_exactly(tmp_path):
    from circuitlab.nn import EncoderConfig
    from circuitlab.pretrain import PretrainConfig, load_pretrain_checkpoint, pretrain
    config = PretrainConfig(encoder=EncoderConfig(hidden=16, layers=2), method="mgm",
                            steps=12, warmup_steps=2, node_budget=100, log_interval=1,
                            ckpt_interval=6, progress=False)
    refs = shard_folder(tmp_path)
    straight = pretrain(config, ShardStream(refs, seed=5, buffer=4), tmp_path / "a")
    assert straight["steps"] == 12
    pretrain(config, ShardStream(refs, seed=5, buffer=4), tmp_path / "b", stop_at=8)
    assert load_pretrain_checkpoint(tmp_path / "b" / "checkpoint.pt")["step"] == 6
    resumed = pretrain(config, ShardStream(refs, seed=5, buffer=4), tmp_path / "b",
                       resume=tmp_path / "b" / "checkpoint.pt")
    for p, q in zip(straight["model"].parameters(), resumed["model"].parameters()):
        assert torch.equal(p, q)
    other = pretrain(replace(config, steps=3), ShardStream(refs, seed=6, buffer=4),
                     tmp_path / "c")
    assert other["steps"] == 3


def test_a_recipe_corpus_streams_each_distinct_circuit_once(tmp_path):
    from dataset_sources import aiger_folder

    from circuitlab.datasets import RecipeCorpus
    from circuitlab.datasets.stream import recipe_stream
    from circuitlab.parallel import BuildOptions
    src = aiger_folder(tmp_path / "src")
    corpus = RecipeCorpus(str(tmp_path / "out"), str(src), recipes=2, length=3,
                          engine="aigverse", options=BuildOptions(jobs=1, progress=False))
    every = list(recipe_stream(corpus, distinct=False, seed=0))
    assert len(every) == len(corpus)
    assert {(g.design, int(g.recipe_id), int(g.step)) for g in every} == \
        {(corpus[k].design, int(corpus[k].recipe_id), int(corpus[k].step))
         for k in range(len(corpus))}
    distinct = list(recipe_stream(corpus, seed=0))
    shapes = {(int(g.num_nodes), g.edge_index.numpy().tobytes()) for g in every}
    assert len(distinct) == len({(int(g.num_nodes), g.edge_index.numpy().tobytes())
                                 for g in distinct}) == len(shapes) < len(every)


def test_a_corpus_folder_streams_as_the_corpus_does(tmp_path):
    from dataset_sources import aiger_folder

    from circuitlab.datasets import RecipeCorpus
    from circuitlab.datasets.stream import corpus_digest, corpus_stream, recipe_stream
    from circuitlab.parallel import BuildOptions
    src = aiger_folder(tmp_path / "src")
    corpus = RecipeCorpus(str(tmp_path / "out"), str(src), recipes=2, length=3,
                          engine="aigverse", options=BuildOptions(jobs=1, progress=False))
    key = [(g.design, int(g.recipe_id), int(g.step)) for g in recipe_stream(corpus, seed=3)]
    digest = corpus_digest(tmp_path / "out")
    assert digest == corpus_digest(tmp_path / "out")
    RecipeCorpus(str(tmp_path / "other"), str(src), recipes=3, length=3, engine="aigverse",
                 options=BuildOptions(jobs=1, progress=False))
    assert corpus_digest(tmp_path / "other") != digest
    from_root = list(corpus_stream(tmp_path / "out", seed=3))
    assert [(g.design, int(g.recipe_id), int(g.step)) for g in from_root] == key
    assert len(list(corpus_stream(tmp_path / "out", distinct=False, seed=3))) == len(corpus)


def test_a_folder_that_is_no_corpus_is_refused_by_name(tmp_path):
    from circuitlab.datasets.stream import corpus_digest, corpus_stream
    with pytest.raises(CircuitlabError, match=f"{tmp_path}: not a built corpus"):
        corpus_stream(tmp_path)
    with pytest.raises(CircuitlabError, match=f"{tmp_path}: not a built corpus"):
        corpus_digest(tmp_path)
    (tmp_path / "processed" / "abc").mkdir(parents=True)
    with pytest.raises(CircuitlabError, match="the build did not finish"):
        corpus_stream(tmp_path)
    (tmp_path / "processed" / "def").mkdir()
    with pytest.raises(CircuitlabError, match="holds 2 builds"):
        corpus_stream(tmp_path)
