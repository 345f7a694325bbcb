"""The one recipe runner: every intermediate AIG kept, batches, and the module layering.

Every circuit a run returns is asserted equivalent to its input.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from circuitlab.aig import AigBuilder
from circuitlab.synth.recipes import (RecipeParams, run_batch, run_recipe, run_scripts,
                                      trace_recipe)
from circuitlab.synth.vocabulary import (ALIASES, DEEPSYN, SCRIPTS, Script, abbreviate, abc_rc,
                                         parse_step)
from circuitlab.transformer.data.generate import random_circuits
from oracle import assert_equivalent

ENGINES = [pytest.param("abc", marks=pytest.mark.needs_abc), "aigverse"]
PACKAGE = Path(__file__).resolve().parents[2] / "circuitlab"
STEPS = ["balance", "rewrite", "refactor -z", "resub"]


def sequential():
    """Two latches around redundant logic: q0' = xq1 | x!q1 (= x), q1' = q0 ^ y."""
    b = AigBuilder()
    x, y = b.add_input("x"), b.add_input("y")
    q0, q1 = b.add_latch("q0", init=1), b.add_latch("q1", init=2)
    b.set_latch_next(q0, b.or_(b.and_(x, q1), b.and_(x, q1 ^ 1)))
    b.set_latch_next(q1, b.xor(q0, y))
    b.add_output(b.and_(b.and_(q0, y), b.and_(q0, q1)), "z")
    return b.build()


@pytest.mark.parametrize("engine", ENGINES)
def test_keep_steps_gives_each_step_and_ends_where_one_run_ends(engine):
    circuits = random_circuits(2, seed=5, ands=(40, 60))
    script = Script(engine, "; ".join(STEPS))
    traces = run_scripts(circuits, script, 60.0, keep_steps=True)
    finals = run_scripts(circuits, script, 60.0)
    assert [len(t) for t in traces] == [len(STEPS)] * 2 and [len(f) for f in finals] == [1, 1]
    for aig, trace, (final,) in zip(circuits, traces, finals):
        assert trace[-1].structurally_equal(final, names=False)
        for step_aig in trace:
            assert_equivalent(aig, step_aig)


@pytest.mark.parametrize("engine", ENGINES)
def test_trace_recipe_keeps_latches_at_every_step(engine):
    aig = sequential()
    trace = trace_recipe(aig, STEPS, RecipeParams(engine=engine))
    assert len(trace) == len(STEPS) + 1 and trace[0] is aig
    for step_aig in trace[1:]:
        assert step_aig.latch_names == ("q0", "q1") and step_aig.latches[:, 1].tolist() == [1, 2]
        assert step_aig.input_names == aig.input_names
        assert_equivalent(aig.cut_latches(), step_aig.cut_latches())
    final, _ = run_recipe(aig, STEPS, RecipeParams(engine=engine))
    assert trace[-1].structurally_equal(final)


@pytest.mark.parametrize("engine", ENGINES)
def test_batches_equal_one_by_one(engine):
    circuits = random_circuits(5, seed=11, ands=(20, 50))
    script = Script(engine, "resyn2")
    batched = run_batch(circuits, script, batch_size=2)
    singles = [run_scripts([aig], script, 60.0)[0][0] for aig in circuits]
    assert len(batched) == len(circuits)
    for aig, result, single in zip(circuits, batched, singles):
        assert result.num_ands == single.num_ands
        assert_equivalent(aig, result)


@pytest.mark.needs_abc
def test_deepsyn_runs_through_the_same_runner():
    (aig,) = random_circuits(1, seed=2, ands=(30, 40))
    ((result,),) = run_scripts([aig], Script("abc", DEEPSYN, "-T 1"), 60.0)
    assert_equivalent(aig, result)
    assert result.num_ands <= aig.num_ands


def test_vocabulary_aliases_and_abc_rc():
    assert abbreviate("rewrite -z") == "rwz" and abbreviate("resub -K 6") == "resub -K 6"
    for short, long in ALIASES.items():
        assert abbreviate(long) == short and parse_step(short) == parse_step(long)
    rc = abc_rc()
    for name, steps in SCRIPTS.items():
        assert f'alias {name} "{steps}"' in rc


def _imports(module: Path) -> set[str]:
    """Every ``circuitlab...`` module ``module`` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {name for name in found if name.startswith("circuitlab")}


def test_the_engines_and_the_vocabulary_do_not_import_the_runner():
    synth = PACKAGE / "synth"
    assert not any(name.startswith("circuitlab.synth") for name in
                   _imports(synth / "vocabulary.py"))
    above = ("circuitlab.synth.recipes", "circuitlab.synth.abc",
             "circuitlab.synth.aigverse_engine", "circuitlab.synth.best_of")
    for engine in ("abc.py", "aigverse_engine.py"):
        assert not {n for n in _imports(synth / engine) if n.startswith(above)}


def test_verify_does_not_import_synth():
    for module in (PACKAGE / "verify").glob("*.py"):
        assert not any(n.startswith("circuitlab.synth") for n in _imports(module)), module
