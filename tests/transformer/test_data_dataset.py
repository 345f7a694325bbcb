"""Pair datasets: reproducible, independent of the worker count, cached, split cleanly."""

from __future__ import annotations

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.transformer.data import generate
from circuitlab.transformer.data.build import DataSpec, build_pair_dataset, cache_path
from circuitlab.transformer.data.augment import relabelled_pairs
from circuitlab.transformer.data.dataset import (
    PairDataset, function_key, remove_functions, split_pairs,
)
from circuitlab.transformer.data.labels import LabelParams
from oracle import truth_table
from shared_data import shared_data

FAST = LabelParams(use_abc=False, batch_size=16)  # aigverse pays ~0.5 s per batch


def small_spec(**changes) -> DataSpec:
    args = {"kind": "random", "count": 20, "seed": 3, "ands": (5, 25), "labels": FAST}
    return DataSpec(**{**args, **changes})


def assert_pairs(ds: PairDataset):
    for source, label, meta in ds:
        assert np.array_equal(truth_table(source), truth_table(label))
        assert label.num_ands <= source.num_ands
        assert (meta["source_ands"], meta["label_ands"]) == (source.num_ands, label.num_ands)
        assert meta["label_ands"] == min([meta["source_ands"], *meta["ands"].values()])


def test_build_reproducible_and_cached(tmp_path, monkeypatch):
    spec = small_spec()
    ds = build_pair_dataset(spec, tmp_path / "a", workers=1, progress=False)
    assert len(ds) == 20
    assert_pairs(ds)
    sources = generate.random_circuits(20, 3, ands=(5, 25))
    assert all(s.structurally_equal(x, names=False) for s, (x, _, _) in zip(sources, ds))
    path = cache_path(spec, tmp_path / "a")
    assert path.exists() and path.name.startswith("random-")
    first = path.read_bytes()

    def boom(*args, **kwargs):
        raise AssertionError("regenerated despite the cache")

    monkeypatch.setattr(generate, "random_circuits", boom)
    again = build_pair_dataset(spec, tmp_path / "a", workers=1, progress=False)
    assert path.read_bytes() == first and len(again) == 20
    assert all(x.structurally_equal(y) and mx == my
               for (x, _, mx), (y, _, my) in zip(ds, again))
    with pytest.raises(AssertionError, match="regenerated"):
        build_pair_dataset(small_spec(seed=4), tmp_path / "a", workers=1, progress=False)


def test_worker_count_does_not_change_the_cache(tmp_path):
    spec = small_spec(count=30)
    build_pair_dataset(spec, tmp_path / "one", workers=1, progress=False)
    build_pair_dataset(spec, tmp_path / "two", workers=2, progress=False)
    one, two = cache_path(spec, tmp_path / "one"), cache_path(spec, tmp_path / "two")
    assert one.read_bytes() == two.read_bytes()


def test_seed_changes_the_data(tmp_path):
    a = build_pair_dataset(small_spec(), tmp_path, workers=1, progress=False)
    b = build_pair_dataset(small_spec(seed=4), tmp_path, workers=1, progress=False)
    assert a.function_keys() != b.function_keys()
    assert cache_path(small_spec(), tmp_path) != cache_path(small_spec(seed=4), tmp_path)


def test_truth_kind(tmp_path):
    ds = build_pair_dataset(small_spec(kind="truth", count=10, ands=(5, 60)), tmp_path, workers=1,
                     progress=False)
    assert len(ds) == 10
    assert_pairs(ds)


def test_windows_kind(tmp_path):
    sources = (str(shared_data("aig", "iscas85", "c880.aig")),
               str(shared_data("aig", "iscas85", "c6288.aig")))
    spec = DataSpec("windows", 24, seed=1, ands=(2, 30), sources=sources, labels=FAST)
    ds = build_pair_dataset(spec, tmp_path, workers=1, progress=False)
    assert len(ds) == 24
    assert_pairs(ds)
    assert {m["origin"] for _, _, m in ds} == {"c880.aig", "c6288.aig"}
    assert len(set(ds.function_keys())) == 24  # distinct windows


def test_fits_needs_a_key_and_changes_the_hash(tmp_path):
    with pytest.raises(CircuitlabError, match="fits_key"):
        build_pair_dataset(small_spec(), tmp_path, workers=1, progress=False, fits=bool)
    assert cache_path(small_spec(), tmp_path, "tok-64") != cache_path(small_spec(), tmp_path)
    ds = build_pair_dataset(small_spec(count=8), tmp_path, workers=1, progress=False,
                     fits=_never, fits_key="never")
    assert all(not m["fits"] and m["best"] == "source" for _, _, m in ds)


def _never(aig) -> bool:
    return False


def test_split_is_disjoint_by_function(tmp_path):
    spec = small_spec(count=40, num_inputs=3, num_outputs=1, ands=(1, 3))
    ds = build_pair_dataset(spec, tmp_path, workers=1, progress=False)
    keys = ds.function_keys()
    assert len(set(keys)) < len(keys)  # tiny circuits repeat functions
    train, test = split_pairs(ds, 0.25, seed=0)
    assert len(test) == 10
    assert not set(train.function_keys()) & set(test.function_keys())
    assert len(train) <= 30
    assert len(remove_functions(ds, ds)) == 0
    from circuitlab.transformer.data.dataset import function_key
    assert len(remove_functions(ds, [function_key(ds.source(0))])) < len(ds)
    assert len(remove_functions(ds, [])) == len(ds)
    assert len(ds[2:5]) == 3 and ds[-1][2]["index"] == 39


def test_dataset_round_trip(tmp_path):
    ds = build_pair_dataset(small_spec(count=6), tmp_path, workers=1, progress=False)
    sub = ds.select([4, 1])
    sub.save(tmp_path / "sub.npz")
    back = PairDataset.load(tmp_path / "sub.npz")
    assert [m["index"] for _, _, m in back] == [4, 1]
    assert all(x.structurally_equal(y) for (x, _, _), (y, _, _) in zip(back, sub))


@pytest.mark.parametrize("changes, message", [
    ({"num_inputs": 17}, "num_inputs"), ({"count": -1}, "count"), ({"seed": -5}, "seed"),
    ({"kind": "bogus"}, "unknown data kind"), ({"ands": (9, 3)}, "ands"),
    ({"kind": "windows"}, "at least one source"), ({"sources": ("x.aig",)}, "'windows' only"),
    ({"sources": "x.aig", "kind": "windows"}, "sequence of paths"),
])
def test_bad_spec(changes, message):
    with pytest.raises(CircuitlabError, match=message):
        small_spec(**changes)


def test_bad_build_arguments(tmp_path):
    with pytest.raises(CircuitlabError, match="workers"):
        build_pair_dataset(small_spec(), tmp_path, workers=0)
    missing = DataSpec("windows", 3, sources=(str(tmp_path / "none.aig"),), labels=FAST)
    with pytest.raises(CircuitlabError, match="none.aig"):
        build_pair_dataset(missing, tmp_path, workers=1, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_relabelled_pairs_stay_equivalent_seeded_and_skip_banned_functions(tmp_path):
    ds = build_pair_dataset(small_spec(count=8), tmp_path, workers=1, progress=False)
    pairs = [(source, label) for source, label, _ in ds]
    more = relabelled_pairs(pairs, copies=3, seed=1)
    assert len(more) == 24
    thrice = [pair for pair in pairs for _ in range(3)]
    for (source, label), (moved, moved_label) in zip(thrice, more):
        assert np.array_equal(truth_table(moved), truth_table(moved_label))
        assert (moved.num_ands, moved_label.num_ands) == (source.num_ands, label.num_ands)
    again = relabelled_pairs(pairs, copies=3, seed=1)
    assert all(a.structurally_equal(b) for (a, _), (b, _) in zip(more, again))
    assert any(not m.structurally_equal(s, names=False) for (m, _), (s, _) in zip(more, thrice))
    banned = {function_key(more[0][0])}
    kept = relabelled_pairs(pairs, copies=3, seed=1, banned=banned)
    assert len(kept) == 23 and all(function_key(m) not in banned for m, _ in kept)
