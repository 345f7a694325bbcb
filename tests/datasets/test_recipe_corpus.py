"""RecipeCorpus and trace_recipe: every step kept, equivalent, labelled, resumable."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from circuitlab.aig import depth
from circuitlab.datasets import BuildOptions, RecipeCorpus, recipe_seed
from circuitlab.io.aiger import parse_aiger
from circuitlab.synth import random_recipe, run_recipe, RecipeParams
from circuitlab.synth.recipes import trace_recipe
from dataset_sources import adder, aiger_folder
from oracle import assert_equivalent

ENGINES = [pytest.param("abc", marks=pytest.mark.needs_abc), "aigverse"]
OPTS = BuildOptions(jobs=2, progress=False)


@pytest.mark.parametrize("engine", ENGINES)
def test_trace_matches_step_by_step_runs(engine):
    aig = adder(4)
    steps = random_recipe(7, 6)
    trace = trace_recipe(aig, steps, RecipeParams(engine=engine))
    assert len(trace) == 7 and trace[0] is aig
    current = aig
    for k, step in enumerate(steps, 1):
        current, _ = run_recipe(current, [step], RecipeParams(engine=engine))
        assert trace[k].num_ands == current.num_ands
        assert_equivalent(trace[k], aig)


def test_recipe_seeds_are_deterministic_and_distinct():
    # Pinned values: a seed that changed between processes or releases (a
    # salted hash(), another digest) would silently change every corpus.
    assert recipe_seed(0, "a", 1) == 8342431607888760756
    assert recipe_seed(3, "adder", 0) == 7225235591293428016
    seeds = {recipe_seed(s, d, r) for s in (0, 1) for d in ("a", "b") for r in (0, 1)}
    assert len(seeds) == 8 and all(0 <= s < 2 ** 63 for s in seeds)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    src = aiger_folder(tmp_path_factory.mktemp("src"))
    root = tmp_path_factory.mktemp("root")
    return src, root, RecipeCorpus(str(root), str(src), recipes=2, seed=3, length=4,
                                   engine="aigverse", options=OPTS)


def test_every_step_kept_with_labels(corpus):
    src, _, ds = corpus
    assert len(ds) == 2 * 2 * 5
    designs = {"add3": adder(3), "add4": adder(4)}
    for k in range(len(ds)):
        g = ds[k]
        r, step = int(g.recipe_id), int(g.step)
        steps = random_recipe(recipe_seed(3, g.design, r), 4)
        assert g.recipe == "; ".join(steps) and int(g.recipe_seed) == recipe_seed(3, g.design, r)
        trace = trace_recipe(designs[g.design], steps, RecipeParams(engine="aigverse"))
        assert int(g.num_ands) == trace[step].num_ands
        assert int(g.final_ands) == trace[-1].num_ands
        assert int(g.final_depth) == depth(trace[-1])
    steps = sorted((ds[k].design, int(ds[k].recipe_id), int(ds[k].step)) for k in range(len(ds)))
    assert steps == sorted((d, r, s) for d in designs for r in range(2) for s in range(5))


def test_stored_steps_are_equivalent_to_the_design(corpus):
    from circuitlab.datasets.shard import unpack
    _, root, _ = corpus
    items = sorted((root / "items").glob("add4-r*.item"))
    assert len(items) == 2
    for path in items:
        meta, blobs = unpack(path.read_bytes())
        assert len(blobs) == 5 and meta["ands"][0] == adder(4).num_ands
        for blob in blobs:
            assert_equivalent(parse_aiger(blob), adder(4))


def test_unchanged_corpus_reloads_and_resume_redoes_one_recipe(corpus):
    src, root, ds = corpus
    again = RecipeCorpus(str(root), str(src), recipes=2, seed=3, length=4, engine="aigverse",
                         options=OPTS)
    assert again.processed_dir == ds.processed_dir and len(again) == len(ds)
    next((root / "items").glob("add3-r1-*.item")).unlink()
    resumed = RecipeCorpus(str(root), str(src), recipes=2, seed=3, length=4,
                           engine="aigverse", options=OPTS, force_reload=True)
    assert resumed.report.computed == ["add3 recipe 1"]
    assert len(resumed) == len(ds)
    more = RecipeCorpus(str(root), str(src), recipes=3, seed=3, length=4, engine="aigverse",
                        options=OPTS)
    assert more.processed_dir != ds.processed_dir
    assert sorted(more.report.computed) == ["add3 recipe 2", "add4 recipe 2"]


@pytest.mark.needs_abc
def test_abc_corpus_from_verilog(tmp_path):
    from dataset_sources import verilog_folder
    src = verilog_folder(tmp_path / "src")
    ds = RecipeCorpus(str(tmp_path / "root"), str(src), recipes=1, length=20, engine="abc",
                      options=OPTS)
    assert len(ds) == 3 * 21
    assert {int(ds[k].step) for k in range(len(ds))} == set(range(21))


class AddMark:
    """A pre_transform (stable repr): marks each graph."""

    def __call__(self, data):
        data = data.clone()
        data.mark = 1
        return data

    def __repr__(self):
        return "AddMark()"


def test_item_backed_graphs_equal_the_processed_ones(corpus, tmp_path):
    src, root, ds = corpus
    assert not (Path(ds.processed_dir) / "shards").exists()  # read from the item files
    marked = RecipeCorpus(str(root), str(src), recipes=2, seed=3, length=4, engine="aigverse",
                          options=OPTS, pre_transform=AddMark())
    assert any((Path(marked.processed_dir) / "shards").iterdir())
    assert len(marked) == len(ds) and marked.report.computed == []
    for k in range(len(ds)):
        a, b = ds[k], marked[k]
        assert b.mark == 1 and (a.design, a.recipe, int(a.step)) == (b.design, b.recipe,
                                                                    int(b.step))
        assert int(a.recipe_seed) == int(b.recipe_seed) and int(a.final_ands) == int(b.final_ands)
        assert torch.equal(a.edge_index, b.edge_index) and torch.equal(a.node_type, b.node_type)
