"""check_equivalence: verdict semantics, engines, name and position matching,
latches, one-edge flips in real circuits, agreement with ABC and aigverse.
"""

from __future__ import annotations

import numpy as np
import pytest
from aigverse.algorithms import equivalence_checking
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import random_aigs

from circuitlab.aig import Aig, AigBuilder, strash
from circuitlab.errors import CircuitlabError, ToolNotFoundError
from circuitlab.io import read_aiger, to_aigverse
from circuitlab.sim import random_patterns, simulate, truth_tables
from circuitlab.io.abc_process import abc_available, abc_cec
from circuitlab.synth.recipes import RecipeParams, run_recipe
from circuitlab.verify import (
    CounterexampleError, CheckParams, EquivalenceResult, SatOutcome, SatStats, Verdict,
    align, check_equivalence,
)
from circuitlab.verify import equivalence as equivalence_module
from shared_data import AIG_DATA

SAT_ONLY = CheckParams(engine="sat", random_words=0)


def build(names, body, output_names=None) -> Aig:
    b = AigBuilder()
    xs = [b.add_input(n) for n in names]
    outs = body(b, xs)
    for k, lit in enumerate(outs):
        b.add_output(lit, None if output_names is None else output_names[k])
    return b.build()


def distinguishes(a: Aig, b: Aig, result: EquivalenceResult) -> bool:
    """Simulate both circuits (latches cut, matched by name) on the counter-example."""
    ac, bc = align(a, b, "name")
    word = np.array([result.counterexample[n] for n in ac.input_names],
                    dtype=np.uint64).reshape(-1, 1)
    k = ac.output_names.index(result.failing_output)
    return bool((simulate(ac, word)[k, 0] ^ simulate(bc, word)[k, 0]) & np.uint64(1))


# --- the result ------------------------------------------------------------------
def test_result_has_no_truth_value():
    result = check_equivalence(build("ab", lambda b, x: [x[0]]), build("ab", lambda b, x: [x[0]]))
    assert result.equivalent and result.decided
    with pytest.raises(TypeError, match="no truth value"):
        bool(result)
    with pytest.raises(TypeError):
        if result:
            pass


def test_undecided_is_not_equivalent():
    result = EquivalenceResult(Verdict.UNDECIDED, "sat", None, None, 0.0, "budget")
    assert not result.equivalent and not result.decided


# --- tiny circuits, every engine -----------------------------------------------------
@pytest.mark.parametrize("engine", ["auto", "sim", "sat", "aigverse",
                                    pytest.param("abc", marks=pytest.mark.needs_abc)])
def test_exact_verdicts_on_tiny_circuits(engine):
    params = CheckParams(engine=engine)
    xor = build("ab", lambda b, x: [b.xor(x[0], x[1])], ["y"])
    xor2 = build("ab", lambda b, x: [b.and_(b.or_(x[0], x[1]), b.nand(x[0], x[1]))], ["y"])
    xnor = build("ab", lambda b, x: [b.xnor(x[0], x[1])], ["y"])
    same = check_equivalence(xor, xor2, params=params)
    assert same.verdict is Verdict.EQUIVALENT and same.counterexample is None
    differ = check_equivalence(xor, xnor, params=params)
    assert differ.verdict is Verdict.NOT_EQUIVALENT
    assert differ.failing_output == "y"
    assert set(differ.counterexample) == {"a", "b"}
    assert distinguishes(xor, xnor, differ)


def test_engines_reported():
    small = build("ab", lambda b, x: [b.and_(x[0], x[1])])
    redundant = build("ab", lambda b, x: [b.and_(b.and_(x[0], x[1]), x[0])])
    assert check_equivalence(small, small).engine == "structural"
    assert not small.structurally_equal(redundant, names=False)
    assert check_equivalence(small, redundant).engine == "exhaustive-sim"
    wide = build([f"x{k}" for k in range(20)], lambda b, x: [b.and_many(x[:3]), x[4]])
    wide2 = build([f"x{k}" for k in range(20)], lambda b, x: [b.and_many(x[2::-1]), x[4]])
    flipped = build([f"x{k}" for k in range(20)], lambda b, x: [b.and_many(x[:3]), x[4] ^ 1])
    assert check_equivalence(wide, flipped).engine == "random-sim"
    assert check_equivalence(wide, wide).engine == "structural"
    assert not wide.structurally_equal(wide2, names=False)
    assert check_equivalence(wide, wide2).engine == "sat"
    undecided = check_equivalence(wide, wide, params=CheckParams(engine="sim"))
    assert undecided.verdict is Verdict.UNDECIDED and undecided.engine == "random-sim"


def test_rare_difference_is_found_by_sat():
    names = [f"x{k}" for k in range(40)]
    a = build(names, lambda b, x: [b.and_many(x)])
    c = build(names, lambda b, x: [0])
    result = check_equivalence(a, c)
    assert result.verdict is Verdict.NOT_EQUIVALENT and result.engine == "sat"
    assert result.counterexample == {n: 1 for n in names}


def test_exhaustive_boundary_of_16_inputs():
    names = [f"x{k}" for k in range(16)]
    a = build(names, lambda b, x: [b.and_many(x)])
    c = build(names, lambda b, x: [0])
    result = check_equivalence(a, c)
    assert result.engine == "exhaustive-sim" and result.verdict is Verdict.NOT_EQUIVALENT
    assert result.counterexample == {n: 1 for n in names}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_aigs(max_inputs=20, max_ands=80))
def test_random_circuit_equals_its_strashed_copy(aig):
    assert check_equivalence(aig, strash(aig)).verdict is Verdict.EQUIVALENT
    assert check_equivalence(aig, strash(aig), params=SAT_ONLY).verdict is Verdict.EQUIVALENT


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["auto", "sat"]))
def test_verdicts_match_truth_tables(data, engine):
    n = data.draw(st.integers(0, 8))
    a = data.draw(random_aigs(min_inputs=n, max_inputs=n, min_outputs=2, max_outputs=2))
    b = data.draw(random_aigs(min_inputs=n, max_inputs=n, min_outputs=2, max_outputs=2))
    result = check_equivalence(a, b, params=CheckParams(engine=engine, random_words=1))
    same = np.array_equal(truth_tables(a), truth_tables(b))
    assert result.verdict is (Verdict.EQUIVALENT if same else Verdict.NOT_EQUIVALENT)
    if not same:
        assert distinguishes(a, b, result)


# --- matching ------------------------------------------------------------------------
def test_permuted_inputs_and_outputs_match_by_name():
    a = build(["p", "q", "r"], lambda b, x: [b.and_(x[0], x[1] ^ 1), b.or_(x[1], x[2])],
              ["f", "g"])
    c = build(["r", "p", "q"], lambda b, x: [b.or_(x[2], x[0]), b.and_(x[1], x[2] ^ 1)],
              ["g", "f"])
    assert check_equivalence(a, c).verdict is Verdict.EQUIVALENT
    assert check_equivalence(a, c, params=SAT_ONLY).verdict is Verdict.EQUIVALENT
    # by position the same circuits differ
    by_position = check_equivalence(a, c, match="position")
    assert by_position.verdict is Verdict.NOT_EQUIVALENT


def test_counterexample_uses_first_circuit_names():
    a = build(["p", "q"], lambda b, x: [b.and_(x[0], x[1] ^ 1)], ["f"])
    c = build(["q", "p"], lambda b, x: [b.and_(x[1], x[0])], ["f"])
    result = check_equivalence(a, c, params=SAT_ONLY)
    assert result.verdict is Verdict.NOT_EQUIVALENT
    assert list(result.counterexample) == ["p", "q"]
    assert result.counterexample["p"] == 1
    assert distinguishes(a, c, result)


def test_missing_names_are_named():
    a = build(["p", "q", "r"], lambda b, x: [x[0]], ["f"])
    c = build(["p", "q", "s"], lambda b, x: [x[0]], ["g"])
    with pytest.raises(CircuitlabError) as info:
        check_equivalence(a, c)
    message = str(info.value)
    assert "inputs missing from the second circuit: 'r'" in message
    assert "inputs missing from the first circuit: 's'" in message
    assert "outputs missing from the second circuit: 'f'" in message


def test_duplicate_names_refuse_name_matching():
    a = build(["p", "p"], lambda b, x: [x[0]], ["f"])
    with pytest.raises(CircuitlabError, match="duplicate input names"):
        check_equivalence(a, a)
    assert check_equivalence(a, a, match="position").equivalent


def test_a_file_without_symbols_is_matched_by_position_and_says_so():
    named = build(["p", "q"], lambda b, x: [b.and_(x[0], x[1] ^ 1), x[1]], ["f", "g"])
    unnamed = named.with_names(["i0", "i1"], ["o0", "o1"])
    swapped = build(["i0", "i1"], lambda b, x: [x[1], b.and_(x[0], x[1] ^ 1)])
    for first, second, which in ((named, unnamed, "second"), (unnamed, named, "first")):
        result = check_equivalence(first, second)
        assert result.equivalent
        assert result.reason.startswith(f"matched by position: the {which} circuit has no "
                                        "symbol table")
    result = check_equivalence(named, swapped)
    assert result.verdict is Verdict.NOT_EQUIVALENT and result.reason.startswith("matched by")
    assert distinguishes(named, swapped.with_names(["p", "q"], ["f", "g"]), result)
    # no fallback where counts differ or both circuits are named
    with pytest.raises(CircuitlabError, match="cannot match by name"):
        check_equivalence(named, build(["i0"], lambda b, x: [x[0], x[0]]))
    renamed = named.with_names(["p", "r"], ["f", "g"])
    with pytest.raises(CircuitlabError, match="cannot match by name"):
        check_equivalence(named, renamed)


def test_cli_cec_reports_the_position_fallback(tmp_path, capsys):
    from circuitlab.cli import main
    from circuitlab.io import write_aiger
    named = build(["p", "q"], lambda b, x: [b.and_(x[0], x[1])], ["f"])
    write_aiger(named, tmp_path / "a.aig")
    write_aiger(named, tmp_path / "b.aig", symbols=False)
    assert main(["cec", str(tmp_path / "a.aig"), str(tmp_path / "b.aig")]) == 0
    assert "matched by position: the second circuit has no symbol table" in capsys.readouterr().out


def test_position_matching_checks_counts():
    a = build(["p", "q"], lambda b, x: [x[0]])
    c = build(["p", "q", "r"], lambda b, x: [x[0], x[1]])
    with pytest.raises(CircuitlabError, match="2 inputs in the first circuit, 3 in the second"):
        check_equivalence(a, c, match="position")
    with pytest.raises(CircuitlabError, match="unknown match"):
        check_equivalence(a, a, match="order")


def test_bad_params():
    with pytest.raises(CircuitlabError, match="engine must be one of"):
        CheckParams(engine="bdd")
    with pytest.raises(CircuitlabError):
        CheckParams(conflict_budget=0)
    with pytest.raises(CircuitlabError):
        CheckParams(timeout=-1)
    with pytest.raises(CircuitlabError, match="unsuitable SAT solver"):
        CheckParams(solver="nosuch")


# --- latches ----------------------------------------------------------------------------
def counter(toggle_as_xor: bool, init: int = 0, names=("en", "s")) -> Aig:
    """A toggle flip-flop: s' = s XOR en, built two ways."""
    b = AigBuilder()
    en = b.add_input(names[0])
    s = b.add_latch(names[1], init)
    nxt = b.xor(s, en) if toggle_as_xor else b.mux(en, s ^ 1, s)
    b.set_latch_next(s, nxt)
    b.add_output(s, "q")
    return b.build()


def test_latches_matched_as_inputs_and_outputs():
    result = check_equivalence(counter(True), counter(False))
    assert result.verdict is Verdict.EQUIVALENT
    wrong = AigBuilder()
    en = wrong.add_input("en")
    s = wrong.add_latch("s")
    wrong.set_latch_next(s, wrong.or_(s, en))
    wrong.add_output(s, "q")
    result = check_equivalence(counter(True), wrong.build(), params=SAT_ONLY)
    assert result.verdict is Verdict.NOT_EQUIVALENT
    assert result.failing_output == "s_next"
    assert result.counterexample == {"en": 1, "s": 1}


def test_latch_names_must_match():
    with pytest.raises(CircuitlabError, match="latches missing from the second circuit: 's'"):
        check_equivalence(counter(True), counter(True, names=("en", "t")))
    assert check_equivalence(counter(True), counter(True, names=("en", "t")),
                             match="position").equivalent


# --- never a wrong answer --------------------------------------------------------------
def test_a_bogus_counterexample_is_an_internal_error(monkeypatch):
    names = [f"x{k}" for k in range(20)]
    a = build(names, lambda b, x: [b.and_many(x)])

    def lying(x, y, params):
        return SatOutcome(Verdict.NOT_EQUIVALENT, np.zeros(x.num_inputs, dtype=np.uint8), 0,
                          "lie", SatStats())

    monkeypatch.setattr(equivalence_module, "sat_equivalence", lying)
    with pytest.raises(CounterexampleError, match="does not distinguish"):
        check_equivalence(a, a, params=CheckParams(engine="sat"))


def test_abc_engine_without_abc(monkeypatch):
    import circuitlab.io.abc_process as abc_module
    monkeypatch.setattr(abc_module, "abc_available", lambda: False)
    a = build([f"x{k}" for k in range(20)], lambda b, x: [x[0]])
    with pytest.raises(ToolNotFoundError, match="needs ABC"):
        check_equivalence(a, a, params=CheckParams(engine="abc"))


# --- real circuits ---------------------------------------------------------------------
def flipped_copies(aig: Aig, seed: int = 0):
    """Copies of ``aig`` with one fan-in edge of one AND complemented, in a seeded
    random order, keeping only flips that random simulation shows change an
    output (a flip can be functionally redundant)."""
    rng = np.random.default_rng(seed)
    patterns = random_patterns(aig.num_inputs, 16, seed)
    reference = simulate(aig, patterns)
    for k in rng.permutation(aig.num_ands).tolist():
        ands = aig.ands.copy()
        ands[k, int(rng.integers(0, 2))] ^= 1
        copy = Aig(aig.num_inputs, ands, aig.outputs, input_names=aig.input_names,
                   output_names=aig.output_names)
        if not np.array_equal(simulate(copy, patterns), reference):
            yield f"AND {aig.first_and_var + k}", copy


def output_flipped(aig: Aig, k: int) -> Aig:
    outputs = aig.outputs.copy()
    outputs[k] ^= 1
    return Aig(aig.num_inputs, aig.ands, outputs, input_names=aig.input_names,
               output_names=aig.output_names)


@pytest.mark.needs_data("aig")
@pytest.mark.parametrize("path", ["iscas85/c432", "iscas85/c880", "iscas85/c6288",
                                  "epfl_arithmetic/adder"])
def test_flipped_edge_is_caught_with_a_valid_counterexample(path):
    original = read_aiger(AIG_DATA / f"{path}.aig")
    flips = flipped_copies(original)
    for _ in range(3):
        where, flipped = next(flips)
        for params in (CheckParams(), SAT_ONLY):
            result = check_equivalence(original, flipped, params=params)
            assert result.verdict is Verdict.NOT_EQUIVALENT, where
            assert distinguishes(original, flipped, result), where
    flipped = output_flipped(original, original.num_outputs - 1)
    result = check_equivalence(original, flipped, params=SAT_ONLY)
    assert result.verdict is Verdict.NOT_EQUIVALENT
    assert result.failing_output == original.output_names[-1]
    assert distinguishes(original, flipped, result)


@pytest.mark.needs_data("aig")
@pytest.mark.parametrize("name", ["c17", "c432", "c499", "c880", "c1355"])
def test_agrees_with_aigverse_and_abc(name):
    original = read_aiger(AIG_DATA / "iscas85" / f"{name}.aig")
    optimised, _ = run_recipe(original, "resyn2", RecipeParams(timeout=300))
    flipped = next(c for _, c in flipped_copies(original, seed=1))
    engines = ["sat", "aigverse"] + (["abc"] if abc_available() else [])
    for other, expected in ((optimised, True), (flipped, False)):
        net_a, net_b = to_aigverse(original, names=False), to_aigverse(other, names=False)
        assert equivalence_checking(net_a, net_b) is expected
        if abc_available():
            assert abc_cec(original, other) is expected
        for engine in engines:
            result = check_equivalence(original, other,
                                       params=CheckParams(engine=engine, random_words=0))
            assert result.equivalent is expected, (engine, result.reason)
            assert result.engine == engine
            if not expected:
                assert distinguishes(original, other, result)


@pytest.mark.needs_data("aig")
def test_timeout_and_budget_give_undecided():
    original = read_aiger(AIG_DATA / "iscas85" / "c6288.aig")
    optimised, _ = run_recipe(original, "resyn2", RecipeParams(timeout=300))
    result = check_equivalence(original, optimised,
                               params=CheckParams(sweep=False, conflict_budget=10))
    assert result.verdict is Verdict.UNDECIDED and result.engine == "sat"
    assert "conflict budget" in result.reason
    result = check_equivalence(original, optimised, params=CheckParams(
        sweep=False, conflict_budget=None, timeout=0.5))
    assert result.verdict is Verdict.UNDECIDED and "time limit" in result.reason
