"""The checked best of several scripts: every kept result equivalent, wrong ones rejected."""

from __future__ import annotations

import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.aig.ops import depth
from circuitlab.errors import CircuitlabError
from circuitlab.io import read_aiger
from circuitlab.synth import best_of as best_of_mod
from circuitlab.synth.best_of import DEEPSYN, BestOfParams, Script, best_of_scripts
from oracle import assert_equivalent
from shared_data import shared_data

COMPRESS = Script("aigverse", "compress2rs")
RESYN = Script("aigverse", "resyn2")


def redundant(shift: int = 0) -> Aig:
    """Two outputs, 7 ANDs, where 4 suffice (``x0 & x1`` written the long way)."""
    b = AigBuilder()
    x = b.add_inputs(4 + shift, "in")
    ab = b.and_(x[0], x[1])
    b.add_output(b.or_(ab, b.and_(x[0], b.and_(x[2], x[1]))), "f")
    b.add_output(b.xor(x[3 + shift], ab), "g")
    return b.build()


def test_results_are_equivalent_and_the_best_is_the_smallest():
    sources = [redundant(), redundant(1)]
    found = best_of_scripts(sources, [RESYN, COMPRESS], BestOfParams(batch_size=1))
    assert len(found) == 2
    for src, f in zip(sources, found):
        assert f.source is src and set(f.results) == {RESYN, COMPRESS} and not f.rejected
        for aig in f.results.values():
            assert_equivalent(src, aig)
            assert aig.input_names == src.input_names and aig.output_names == src.output_names
        assert f.aig.num_ands == min(f.ands.values()) == 4 < src.num_ands
        assert f.best in (RESYN, COMPRESS) and f.best.engine == "aigverse"
        sizes = [(a.num_ands, depth(a)) for _, a in f.ranked]
        assert sizes == sorted(sizes) and f.ranked[-1] == (None, src)
        assert set(f.seconds) == {RESYN, COMPRESS}


def test_batched_equals_one_by_one():
    sources = [redundant(), redundant(1), redundant(2)]
    together = best_of_scripts(sources, [COMPRESS], BestOfParams(batch_size=3))
    alone = [best_of_scripts([s], [COMPRESS])[0] for s in sources]
    assert [f.ands for f in together] == [f.ands for f in alone]


def test_ties_and_nothing_smaller_go_to_the_source():
    b = AigBuilder()
    x = b.add_inputs(2)
    b.add_output(b.and_(x[0], x[1]))
    src = b.build()
    (f,) = best_of_scripts([src], [COMPRESS])
    assert f.best is None and f.aig is src and f.ands == {COMPRESS: 1}


@pytest.mark.parametrize("shift", [0, 14])  # 4 inputs: truth tables; 18: check_equivalence
def test_wrong_results_are_rejected(monkeypatch, shift):
    def broken(aigs, script, batch_size, timeout):  # constant outputs: small and wrong
        return [Aig(a.num_inputs, [], [0] * a.num_outputs) for a in aigs]

    monkeypatch.setattr(best_of_mod, "run_batch", broken)
    src = redundant(shift)
    (f,) = best_of_scripts([src], [COMPRESS])
    assert f.rejected == (COMPRESS,) and not f.results and f.best is None and f.aig is src


def test_large_circuits_are_checked_by_the_equivalence_checker():
    src = read_aiger(shared_data("aig", "iscas85", "c432.aig"))  # 36 inputs
    (f,) = best_of_scripts([src], [COMPRESS])
    assert set(f.results) == {COMPRESS}
    assert_equivalent(src, f.results[COMPRESS])
    assert f.aig.num_ands < src.num_ands


def test_scripts_are_checked_when_made():
    assert str(Script("abc", DEEPSYN, "-J 5")) == "abc:deepsyn"
    assert Script("abc", DEEPSYN, "-T 3").abc_commands() == ["&get -n", "&deepsyn -T 3", "&put"]
    assert Script("abc", DEEPSYN, "-T 3").time_limit() == 7.0
    assert Script("abc", "balance; rewrite").abc_commands() == ["balance", "rewrite"]
    with pytest.raises(CircuitlabError, match="engine"):
        Script("yosys", "resyn2")
    with pytest.raises(CircuitlabError, match="ABC command"):
        Script("aigverse", DEEPSYN, "-J 5")
    with pytest.raises(CircuitlabError, match="&deepsyn options"):
        Script("abc", DEEPSYN, "-T 1; quit")
    with pytest.raises(CircuitlabError, match="for &deepsyn only"):
        Script("abc", "resyn2", "-T 1")
    with pytest.raises(CircuitlabError, match="unknown recipe step"):
        Script("abc", "frobnicate")
    with pytest.raises(CircuitlabError, match="batch_size"):
        BestOfParams(batch_size=0)


def test_sequential_circuits_are_refused():
    b = AigBuilder()
    q = b.add_latch()
    b.set_latch_next(q, q ^ 1)
    b.add_output(q)
    with pytest.raises(CircuitlabError, match="combinational"):
        best_of_scripts([b.build()], [COMPRESS])


@pytest.mark.needs_abc
def test_abc_scripts_and_deepsyn():
    scripts = [Script("abc", "resyn2"), Script("abc", "compress2rs"),
               Script("abc", DEEPSYN, "-J 5 -T 10"), COMPRESS]
    sources = [redundant(), redundant(14)]
    for src, f in zip(sources, best_of_scripts(sources, scripts)):
        assert set(f.results) == set(scripts)
        for aig in f.results.values():
            assert_equivalent(src, aig)
        assert f.aig.num_ands == 4
