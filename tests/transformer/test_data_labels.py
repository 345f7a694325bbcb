"""Labels: equivalent to their source (exhaustively), never larger, wrong results discarded."""

from __future__ import annotations

import numpy as np
import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.synth import best_of as best_of_mod
from circuitlab.synth.abc import check_commands, run_abc_batch, run_abc_script
from circuitlab.synth.recipes import SCRIPTS
from circuitlab.transformer.data.generate import random_circuits, truth_circuits
from circuitlab.transformer.data.labels import (
    Label, LabelParams, label_circuits, label_stats,
)
from oracle import assert_equivalent, truth_table



def assert_labels(sources, labels):
    assert len(labels) == len(sources)
    for src, lab in zip(sources, labels):
        assert isinstance(lab, Label)
        assert np.array_equal(truth_table(src), truth_table(lab.aig))  # exhaustive
        assert lab.aig.num_ands <= src.num_ands and lab.source_ands == src.num_ands
        assert lab.aig.num_ands == min([src.num_ands, *lab.ands.values()]) or not lab.fits
        assert lab.aig.input_names == src.input_names


def test_aigverse_only_labels():
    sources = random_circuits(40, seed=0, ands=(10, 40))
    labels = label_circuits(sources, LabelParams(use_abc=False, batch_size=16))
    assert_labels(sources, labels)
    assert all(set(lab.ands) | set(lab.rejected) == {"aigverse:compress2rs"} for lab in labels)
    stats = label_stats(labels)
    assert stats.circuits == 40 and stats.mean_label_ands < stats.mean_source_ands


@pytest.mark.needs_abc
def test_abc_and_aigverse_labels():
    sources = random_circuits(30, seed=1) + truth_circuits(10, seed=1, ands=(5, 60))
    labels = label_circuits(sources, LabelParams(batch_size=16))
    assert_labels(sources, labels)
    names = {"abc:resyn2", "abc:compress2rs", "aigverse:compress2rs"}
    assert all(set(lab.ands) | set(lab.rejected) == names for lab in labels)
    stats = label_stats(labels)
    assert stats.mean_label_ands <= min(stats.mean_ands.values())


def test_batched_equals_one_by_one():
    sources = random_circuits(4, seed=4)
    params = LabelParams(use_abc=False, batch_size=2)
    batched = label_circuits(sources, params)
    singles = [label_circuits([s], params)[0] for s in sources]
    for a, b in zip(batched, singles):
        assert np.array_equal(truth_table(a.aig), truth_table(b.aig))


def test_non_equivalent_candidate_is_discarded(monkeypatch):
    sources = random_circuits(5, seed=2)

    def broken(aigs, script, batch_size, timeout):  # constant outputs: small and wrong
        return [Aig(a.num_inputs, [], [0] * a.num_outputs) for a in aigs]

    monkeypatch.setattr(best_of_mod, "run_batch", broken)
    labels = label_circuits(sources, LabelParams(use_abc=False))
    assert all(lab.best == "source" and lab.rejected == ("aigverse:compress2rs",)
               for lab in labels)
    assert label_stats(labels).rejected == {"aigverse:compress2rs": 5}
    assert_labels(sources, labels)


def test_fits_filter_picks_smallest_fitting():
    sources = random_circuits(10, seed=3, ands=(20, 40))
    free = label_circuits(sources, LabelParams(use_abc=False))
    only_source = label_circuits(sources, LabelParams(use_abc=False),
                                 fits=lambda aig: any(aig is s for s in sources))
    assert all(lab.best == "source" and lab.fits for lab in only_source)
    nothing = label_circuits(sources, LabelParams(use_abc=False), fits=lambda aig: False)
    assert all(lab.best == "source" and not lab.fits for lab in nothing)
    assert label_stats(nothing).not_fitting == 10
    assert sum(lab.aig.num_ands for lab in free) < sum(s.num_ands for s in sources)


def test_bad_params_and_inputs():
    with pytest.raises(CircuitlabError, match="unknown recipe step"):
        LabelParams(abc_scripts=("frobnicate",))
    with pytest.raises(CircuitlabError, match="tuple of recipes"):
        LabelParams(aigverse_scripts="resyn2")
    with pytest.raises(CircuitlabError, match="deepsyn_options"):
        LabelParams(deepsyn_options="-T 1; quit")
    with pytest.raises(CircuitlabError, match="batch_size"):
        LabelParams(batch_size=0)
    b = AigBuilder()
    q = b.add_latch()
    b.set_latch_next(q, q ^ 1)
    b.add_output(q)
    with pytest.raises(CircuitlabError, match="combinational"):
        label_circuits([b.build()], LabelParams(use_abc=False))


# --- ABC aliases and &deepsyn ------------------------------------------------------------
def test_deepsyn_commands_pass_the_check():
    assert check_commands(["&get -n", "&deepsyn -T 1", "&put"]) == ["&get -n", "&deepsyn -T 1",
                                                                      "&put"]


@pytest.mark.needs_abc
def test_aliases_define_compress2rs():
    aig = random_circuits(1, seed=9)[0]
    with pytest.raises(CircuitlabError, match="compress2rs"):
        run_abc_script(aig, ["compress2rs"])  # ABC starts without abc.rc
    result = run_abc_script(aig, ["compress2rs"], aliases=True)
    assert_equivalent(aig, result)
    spelled = run_abc_script(aig, SCRIPTS["compress2rs"].split("; "))
    assert result.structurally_equal(spelled)  # the alias is the recipe's script


@pytest.mark.needs_abc
def test_deepsyn_runs_and_is_equivalent():
    aigs = random_circuits(2, seed=10, ands=(30, 40))
    results = run_abc_batch(aigs, ["&get -n", "&deepsyn -T 1", "&put"], aliases=True)
    for aig, result in zip(aigs, results):
        assert_equivalent(aig, result)
        assert result.num_ands <= aig.num_ands


@pytest.mark.needs_abc
def test_deepsyn_label():
    sources = random_circuits(2, seed=11)
    labels = label_circuits(sources, LabelParams(deepsyn=True, deepsyn_options="-J 5 -T 10"))
    assert_labels(sources, labels)
    assert all("abc:deepsyn" in lab.ands for lab in labels)
