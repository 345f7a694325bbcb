"""optimize_windows: equivalent and never larger on random circuits, smaller where it can,
the input back (with a note) when the final proof fails."""

from __future__ import annotations

import numpy as np
import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import ParamError
from circuitlab.optimize import WindowParams, WindowStats, optimize_windows
from circuitlab.verify import Verdict, check_equivalence

QUICK = WindowParams(seconds=3.0, passes=2, scripts=False, generators=("table", "exact"),
                     conflicts=300)
# What a test asserts beyond soundness must not depend on how much work fits in
# a time budget on a loaded machine: such tests bound the work by passes instead.
PASSES = WindowParams(seconds=None, passes=2, scripts=False, generators=("table", "exact"),
                      conflicts=300)


def random_aig(seed: int, num_inputs: int, num_ands: int, latches: int = 0) -> Aig:
    """A strashed random AIG of ``num_ands`` AND, OR and XOR gates (an XOR is three ANDs),
    each reading two of the last 20 signals, complemented at random."""
    rng = np.random.default_rng(seed)
    b = AigBuilder()
    pool = b.add_inputs(num_inputs)
    latch_lits = [b.add_latch(init=int(rng.integers(0, 3))) for _ in range(latches)]
    pool += latch_lits
    for _ in range(num_ands):
        window = pool[-20:]
        x, y = rng.choice(len(window), 2, replace=False)
        gate = (b.and_, b.or_, b.xor)[int(rng.integers(3))]
        pool.append(gate(window[x] ^ int(rng.integers(2)), window[y] ^ int(rng.integers(2))))
    for lat in latch_lits:
        b.set_latch_next(lat, pool[int(rng.integers(len(pool)))])
    for lit in pool[-4:]:
        b.add_output(lit)
    return b.build()


def _assert_sound(aig: Aig, out: Aig, stats: WindowStats) -> None:
    assert out.num_ands <= aig.num_ands
    assert (out.num_inputs, out.num_outputs, out.num_latches) == \
        (aig.num_inputs, aig.num_outputs, aig.num_latches)
    assert np.array_equal(out.latches[:, 1], aig.latches[:, 1])
    assert check_equivalence(aig, out, match="position").verdict is Verdict.EQUIVALENT
    assert stats.ands_before == aig.num_ands and stats.ands_after == out.num_ands
    assert stats.verdict is Verdict.EQUIVALENT


@pytest.mark.parametrize("seed,inputs,ands,latches", [
    (0, 6, 20, 0), (1, 10, 80, 0), (2, 14, 150, 0), (3, 24, 120, 0), (4, 40, 300, 0),
    (5, 8, 60, 3), (6, 20, 200, 4), (7, 5, 40, 2)])
def test_random_circuits_come_back_equivalent_and_never_larger(seed, inputs, ands, latches):
    aig = random_aig(seed, inputs, ands, latches)
    out, stats = optimize_windows(aig, QUICK)
    _assert_sound(aig, out, stats)
    if out.num_ands < aig.num_ands:
        # dangling nodes go too, and strashing may merge more than estimated
        assert 0 < sum(stats.gain.values()) <= aig.num_ands - out.num_ands
        assert stats.note is None
    else:
        assert out is aig and stats.note


def test_scripts_and_windows_together():
    aig = random_aig(0, 6, 20)
    out, stats = optimize_windows(aig, WindowParams(seconds=None, passes=1, conflicts=300,
                                                    generators=("table", "exact")))
    _assert_sound(aig, out, stats)
    assert out.num_ands < aig.num_ands and stats.accepted.get("scripts") == 1
    assert stats.windows_tried > 0


def test_a_redundant_circuit_gets_smaller():
    # f = (a & x) | (a & x & c) and g = (a & x & d) | (a & ~d & x) are both a & x
    b = AigBuilder()
    a, x, c, d = b.add_inputs(4)
    ab = b.and_(a, x)
    b.add_output(b.or_(ab, b.and_(ab, c)))
    b.add_output(b.or_(b.and_(b.and_(a, x), d), b.and_(b.and_(a, d ^ 1), x)))  # = a & x
    aig = b.build()
    assert aig.num_ands == 7
    out, stats = optimize_windows(aig, PASSES)
    _assert_sound(aig, out, stats)
    assert out.num_ands == 1 and stats.windows_tried > 0
    assert sum(stats.accepted.values()) >= 1


@pytest.mark.parametrize("dont_cares", [True, False])
def test_dont_cares_of_a_wide_circuit_are_proven_before_use(dont_cares):
    # n = x0 & x1 and m = x0 & ~x1 are never both 1, so over the leaves n, m the
    # window (n | m) & ~(n & m) (three ANDs) is n | m (one); 20 inputs: proven by SAT
    b = AigBuilder()
    xs = b.add_inputs(20)
    n, m = b.and_(xs[0], xs[1]), b.and_(xs[0], xs[1] ^ 1)
    for k in range(2, 20):
        b.add_output(b.and_(b.and_(b.or_(n, m), b.and_(n, m) ^ 1), xs[k]))
    aig = b.build()
    assert aig.num_ands == 5 + 18
    params = WindowParams(max_leaves=2, max_roots=1, seconds=None, scripts=False,
                          generators=("table", "exact"), dont_cares=dont_cares)
    out, stats = optimize_windows(aig, params)
    if dont_cares:
        _assert_sound(aig, out, stats)
        assert out.num_ands == 3 + 18
    else:
        assert out is aig


def test_a_wrong_substitution_returns_the_input_with_a_note(monkeypatch):
    import circuitlab.optimize.window_pass as window_pass

    real = window_pass.apply_candidates

    def broken(s, cands):
        good = real(s, cands)
        # a smaller circuit of the same interface that is wrong: output 0 stuck at 0
        return Aig(good.num_inputs, good.ands, [0] + good.outputs[1:].tolist(),
                   input_names=good.input_names, output_names=good.output_names)

    monkeypatch.setattr(window_pass, "apply_candidates", broken)
    aig = random_aig(1, 10, 80)
    out, stats = optimize_windows(aig, QUICK)
    assert out is aig
    assert stats.verdict is Verdict.NOT_EQUIVALENT and stats.ands_after == aig.num_ands
    assert "not proven equivalent" in stats.note and stats.accepted == {}


@pytest.mark.parametrize("field,value", [
    ("max_leaves", 1), ("max_leaves", 9), ("max_roots", 3), ("seconds", 0), ("jobs", 0),
    ("generators", ("table", "magic")), ("engine", "yosys"), ("conflicts", 0)])
def test_bad_parameters_name_the_field(field, value):
    with pytest.raises(ParamError) as info:
        WindowParams(**{field: value})
    assert info.value.field == field


def test_the_transformer_generator_offers_only_equivalent_windows():
    from circuitlab.optimize.model import load_optimize_model

    model, tokenizer = load_optimize_model(None, "cpu")
    aig = random_aig(21, 8, 30)
    params = WindowParams(seconds=None, passes=1, scripts=False, generators=("transformer",))
    out, stats = optimize_windows(aig, params, model, tokenizer)
    _assert_sound(aig, out, stats)
    assert stats.windows_tried > 0 and set(stats.accepted) <= {"transformer"}
    assert set(stats.tried) == {"transformer"} and stats.tried["transformer"] > 0
    assert stats.accepted.get("transformer", 0) <= stats.offered.get("transformer", 0) \
        <= stats.tried["transformer"]


def test_window_care_sets_repeat_over_the_unused_token_inputs():
    from circuitlab.optimize.window_pass import _token_care
    from circuitlab.sim.tables import tables_to_ints

    care = 0b10110010  # 3 leaves: patterns 1, 4, 5 and 7 occur
    rows = _token_care(8, 3, care, roots=2)
    assert rows.shape == (2, 4) and rows.dtype == np.uint64
    wide = tables_to_ints(rows)
    assert wide[0] == wide[1]
    assert all((wide[0] >> m) & 1 == (care >> (m % 8)) & 1 for m in range(256))
    assert tables_to_ints(_token_care(8, 8, care, roots=1))[0] == care


def test_worker_processes_give_a_sound_result():
    aig = random_aig(0, 6, 20)
    params = WindowParams(seconds=None, passes=1, scripts=False, generators=("exact",),
                          conflicts=300, jobs=2)
    out, stats = optimize_windows(aig, params)
    _assert_sound(aig, out, stats)
    assert out.num_ands < aig.num_ands and set(stats.accepted) == {"exact"}


@pytest.mark.needs_abc
def test_deepsyn_share_runs_first_and_the_result_stays_sound(monkeypatch):
    import circuitlab.optimize.windowed as windowed

    calls = []
    real = windowed._deepsyn

    def spy(comb, engine, seconds, wall):
        found = real(comb, engine, seconds, wall)
        calls.append((comb.num_ands, seconds, found))
        return found

    monkeypatch.setattr(windowed, "_deepsyn", spy)
    aig = random_aig(4, 40, 300)
    params = WindowParams(seconds=6.0, deepsyn=0.5, engine="abc", generators=("table",),
                          passes=1)
    out, stats = optimize_windows(aig, params)
    _assert_sound(aig, out, stats)
    # It runs once, first, on the input, for its share of the budget; what it
    # finds in that time (little on a loaded machine) counts only when smaller.
    assert [(n, s) for n, s, _ in calls] == [(aig.num_ands, 3.0)]
    found = calls[0][2]
    if found is not None and found.num_ands < aig.num_ands:
        assert stats.gain["deepsyn"] == aig.num_ands - found.num_ands
    else:
        assert "deepsyn" not in stats.gain
    calls.clear()
    _, without = optimize_windows(aig, WindowParams(seconds=6.0, deepsyn=0.0, engine="abc",
                                                generators=("table",), passes=1))
    assert calls == [] and "deepsyn" not in without.gain


@pytest.mark.parametrize("share", [-0.1, 1.0, "half"])
def test_deepsyn_share_out_of_range_is_refused(share):
    with pytest.raises(ParamError, match="deepsyn"):
        WindowParams(deepsyn=share)
