"""Recipes: step grammar, scripts, random recipes, both engines, the ``opt`` command.

Every optimised circuit is asserted equivalent to its input.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from circuitlab.aig import Aig, AigBuilder, depth
from circuitlab.cli import main
from circuitlab.errors import CircuitlabError, ToolNotFoundError
from circuitlab.io import read_aiger, write_aiger
from circuitlab.synth import RecipeParams, random_recipe, run_recipe
from circuitlab.synth.abc import ENV_VAR, abc_available
from circuitlab.synth.recipes import SCRIPTS, STEPS, Step, parse_recipe, parse_step
from oracle import assert_equivalent
from shared_data import AIG_DATA

ENGINES = [pytest.param("abc", marks=pytest.mark.needs_abc), "aigverse"]
# README anchors (ABC 1.01, Debian berkeley-abc): circuit -> (original, resyn2, compress2rs x2)
ANCHORS = {
    "iscas85/c432": (208, 136, 121), "iscas85/c880": (325, 313, 297),
    "iscas85/c1908": (341, 304, 287), "iscas85/c2670": (716, 542, 523),
    "iscas85/c3540": (1024, 878, 826), "iscas85/c5315": (1776, 1250, 1242),
    "iscas85/c6288": (2337, 1870, 1870), "iscas85/c7552": (1469, 1416, 1325),
    "epfl_arithmetic/adder": (1020, 1019, 892), "epfl_arithmetic/bar": (3336, 3141, 3141),
    "epfl_arithmetic/max": (2865, 2834, 2830), "epfl_arithmetic/sin": (5416, 5039, 4999),
}
FAST = ["iscas85/c432", "iscas85/c880", "iscas85/c1908"]


# --- equivalence -------------------------------------------------------------
def load(name: str) -> Aig:
    return read_aiger(AIG_DATA / f"{name}.aig")


def redundant() -> Aig:
    """f = ab | a!b (= a), g = ab & bc (= abc): 5 ANDs that optimise to 2."""
    b = AigBuilder()
    x, y, z = b.add_input("x"), b.add_input("y"), b.add_input("z")
    b.add_output(b.or_(b.and_(x, y), b.and_(x, y ^ 1)), "f")
    b.add_output(b.and_(b.and_(x, y), b.and_(y, z)), "g")
    return b.build(comments=["hand-built"])


# --- grammar -----------------------------------------------------------------
@pytest.mark.parametrize("text, step", [
    ("rewrite", Step("rewrite")),
    ("rewrite -z -l", Step("rewrite", zero_gain=True, levels=False)),
    ("  resub   -l -N 2 -K 6 ", Step("resub", levels=False, cut_size=6, max_nodes=2)),
    ("refactor -N 12 -z", Step("refactor", zero_gain=True, max_nodes=12)),
    ("rwz", Step("rewrite", zero_gain=True)),
    ("rs -K 8", Step("resub", cut_size=8)),
    ("b -l", Step("balance", levels=False)),
])
def test_parse_step(text, step):
    assert parse_step(text) == step
    assert parse_step(str(step)) == step


def test_canonical_strings():
    assert [str(parse_step(s)) for s in STEPS] == list(STEPS)
    assert str(parse_step("resub -l -N 2 -K 6")) == "resub -K 6 -N 2 -l"


@pytest.mark.parametrize("text, message", [
    ("frobnicate", "unknown recipe step 'frobnicate'; valid steps: 'rewrite', 'rewrite -z'"),
    ("rewrite -K 4", "unknown option '-K'"),
    ("resub -K 3", r"integer in 4\.\.16"),
    ("resub -N", r"integer in 0\.\.3"),
    ("refactor -N 1", r"integer in 2\.\.15"),
    ("rewrite -z -z", "given twice"),
    ("balance -z", "unknown option '-z'"),
])
def test_bad_steps(text, message):
    with pytest.raises(CircuitlabError, match=message):
        parse_step(text)


def test_unknown_step_lists_valid_ones():
    with pytest.raises(CircuitlabError) as err:
        run_recipe(redundant(), "balance; dc2", RecipeParams(engine="aigverse"))
    assert all(repr(s) in str(err.value) for s in STEPS)
    assert "resyn2" in str(err.value) and "compress2rs" in str(err.value)


def test_scripts_expand():
    resyn2 = [str(s) for s in parse_recipe("resyn2")]
    assert resyn2 == ["balance", "rewrite", "refactor", "balance", "rewrite", "rewrite -z",
                      "balance", "refactor -z", "rewrite -z", "balance"]
    compress2rs = [str(s) for s in parse_recipe("compress2rs")]
    assert "; ".join(compress2rs) == SCRIPTS["compress2rs"]  # abc.rc, aliases spelled out
    assert len(compress2rs) == 18 and compress2rs[3] == "resub -K 6 -N 2 -l"
    assert len(parse_recipe("compress2rs; compress2rs")) == 36
    assert parse_recipe(["b", "resyn2", "rw; rf"]) == parse_recipe("balance; resyn2; rewrite; "
                                                                   "refactor")
    with pytest.raises(CircuitlabError, match="empty recipe"):
        parse_recipe(" ; ")


def test_random_recipe_reproducible():
    first = random_recipe(7)
    assert len(first) == 20 and set(first) <= set(STEPS)
    assert random_recipe(7) == first
    assert random_recipe(8) != first
    assert random_recipe(7, length=5) == first[:5]
    assert random_recipe(0, length=6) == ["resub -z", "resub", "refactor -z", "rewrite -z",
                                          "refactor", "rewrite"]
    seen = {s for seed in range(20) for s in random_recipe(seed)}
    assert seen == set(STEPS)


def test_params_checked():
    with pytest.raises(CircuitlabError, match="engine must be one of"):
        RecipeParams(engine="yosys")
    with pytest.raises(CircuitlabError, match="timeout"):
        RecipeParams(timeout=0)


# --- running -----------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("script, expected", [("resyn2", {"abc": 2, "aigverse": 4}),
                                              ("compress2rs", {"abc": 2, "aigverse": 2}),
                                              ("resub", {"abc": 3, "aigverse": 3})])
def test_redundant_circuit_exact(engine, script, expected):
    aig = redundant()
    result, stats = run_recipe(aig, script, RecipeParams(engine=engine))
    assert result.num_ands == expected[engine]
    assert_equivalent(aig, result)
    assert result.input_names == aig.input_names and result.output_names == aig.output_names
    assert result.comments == aig.comments
    assert (stats.engine, stats.ands_before, stats.ands_after) == (engine, 5, result.num_ands)
    assert (stats.levels_before, stats.levels_after) == (depth(aig), depth(result))
    assert stats.steps == tuple(str(s) for s in parse_recipe(script)) and stats.seconds >= 0


@pytest.mark.parametrize("engine", ENGINES)
def test_sequential_keeps_latches(engine):
    b = AigBuilder()
    x, y = b.add_input("x"), b.add_input("y")
    q0, q1 = b.add_latch("q0", init=1), b.add_latch("q1", init=2)
    b.set_latch_next(q0, b.or_(b.and_(x, q1), b.and_(x, q1 ^ 1)))  # = x
    b.set_latch_next(q1, b.xor(q0, y))
    b.add_output(b.and_(q0, b.and_(q0, y)), "out")
    aig = b.build()
    result, stats = run_recipe(aig, "resyn2", RecipeParams(engine=engine))
    assert result.num_latches == 2 and result.latch_names == ("q0", "q1")
    assert result.latches[:, 1].tolist() == [1, 2]
    assert result.num_ands < aig.num_ands
    assert_equivalent(aig, result)


def test_auto_engine(monkeypatch):
    _, stats = run_recipe(redundant(), "balance")
    assert stats.engine == ("abc" if abc_available() else "aigverse")
    monkeypatch.setenv(ENV_VAR, "/nonexistent/abc")
    _, stats = run_recipe(redundant(), "balance")
    assert stats.engine == "aigverse"
    with pytest.raises(ToolNotFoundError, match=ENV_VAR):
        run_recipe(redundant(), "balance", RecipeParams(engine="abc"))


@pytest.mark.needs_data("aig")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", FAST)
def test_resyn2_iscas(engine, name):
    aig = load(name)
    result, stats = run_recipe(aig, "resyn2", RecipeParams(engine=engine))
    assert stats.ands_after == result.num_ands <= aig.num_ands
    if engine == "abc":
        assert result.num_ands == ANCHORS[name][1]
    assert result.input_names == aig.input_names and result.output_names == aig.output_names
    assert_equivalent(aig, result)


@pytest.mark.needs_data("aig")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("seed", [1, 2])
def test_random_recipe_iscas(engine, seed):
    aig = load("iscas85/c880")
    result, stats = run_recipe(aig, random_recipe(seed), RecipeParams(engine=engine))
    assert len(stats.steps) == 20
    assert_equivalent(aig, result)


@pytest.mark.needs_data("aig")
@pytest.mark.needs_abc
def test_compress2rs_twice_anchor():
    aig = load("iscas85/c432")
    result, _ = run_recipe(aig, "compress2rs; compress2rs", RecipeParams(engine="abc"))
    assert result.num_ands == ANCHORS["iscas85/c432"][2]
    assert_equivalent(aig, result)


@pytest.mark.needs_data("aig")
@pytest.mark.slow
@pytest.mark.needs_abc
@pytest.mark.parametrize("name", sorted(ANCHORS))
def test_abc_anchors(name):
    aig = load(name)
    original, resyn2, compress2rs2 = ANCHORS[name]
    assert aig.num_ands == original
    for script, expected in (("resyn2", resyn2), ("compress2rs; compress2rs", compress2rs2)):
        result, _ = run_recipe(aig, script, RecipeParams(engine="abc"))
        assert result.num_ands == expected, script
        assert_equivalent(aig, result)


@pytest.mark.needs_data("aig")
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n in ANCHORS if n.startswith("iscas85/")))
def test_aigverse_resyn2_never_grows(name):
    aig = load(name)
    for script in ("resyn2", "compress2rs"):
        result, _ = run_recipe(aig, script, RecipeParams(engine="aigverse"))
        assert result.num_ands <= aig.num_ands, script
        assert_equivalent(aig, result)


# --- command line --------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_opt_command(tmp_path, capsys, engine):
    src = tmp_path / "in.aag"
    write_aiger(redundant(), src)
    out = tmp_path / "out.aig"
    assert main(["opt", str(src), "-o", str(out), "--steps", "resub; balance",
                 "--engine", engine]) == 0
    expected = {"abc": 2, "aigverse": 3}[engine]
    text = capsys.readouterr().out
    assert f"engine: {engine}" in text and f"ANDs:   5 -> {expected}" in text
    assert "levels: 2 -> 2" in text
    result = read_aiger(out)
    assert result.num_ands == expected and result.output_names == ("f", "g")
    assert_equivalent(redundant(), result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.aag", "out.aig"]


def test_opt_command_random_and_errors(tmp_path, capsys):
    src = tmp_path / "in.aig"
    write_aiger(redundant(), src)
    out = tmp_path / "out.aag"
    assert main(["opt", str(src), "-o", str(out), "--random-seed", "3", "--length", "4",
                 "--engine", "aigverse"]) == 0
    assert f"recipe: {'; '.join(random_recipe(3, 4))}" in capsys.readouterr().out
    assert_equivalent(redundant(), read_aiger(out))
    assert main(["opt", str(src), "-o", str(tmp_path / "x.aig"), "--steps", "dc2"]) == 2
    assert "unknown recipe step 'dc2'" in capsys.readouterr().err
    assert main(["opt", str(src), "-o", str(tmp_path / "x.blif")]) == 2
    assert main(["opt", str(tmp_path / "missing.aig"), "-o", str(tmp_path / "x.aig")]) == 2
    assert not (tmp_path / "x.aig").exists() and not (tmp_path / "x.blif").exists()


def test_aigverse_balance_stays_equivalent_where_critical_path_mode_breaks():
    from circuitlab.io.formats import read_circuit
    aig = read_circuit(Path(__file__).parent / "data" / "balance_critical_path.aag")
    out, _ = run_recipe(aig, ["balance"], RecipeParams(engine="aigverse"))
    assert_equivalent(aig, out)
