"""optimize_windows says where its time budget ran out when it finds nothing smaller."""

from __future__ import annotations

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import ToolTimeoutError
from circuitlab.optimize import WindowParams, optimize_windows


def and_chain(n: int) -> Aig:
    """The AND of ``n`` inputs: nothing smaller exists."""
    b = AigBuilder()
    xs = b.add_inputs(n)
    b.add_output(b.and_many(xs))
    return b.build()


def test_scripts_stopped_by_the_budget_are_named_in_the_note(monkeypatch):
    import circuitlab.synth.recipes as recipes

    def stopped(aig, steps, params):
        raise ToolTimeoutError(f"ABC did not finish within {params.timeout:g} s")

    monkeypatch.setattr(recipes, "run_recipe", stopped)
    aig = and_chain(10)
    out, stats = optimize_windows(aig, WindowParams(seconds=5, generators=("table",),
                                                    passes=1, deepsyn=0))
    assert out is aig and stats.out_of_time == "the scripts (resyn2 was stopped)"
    assert stats.note == ("the time budget of 5 s ran out in the scripts (resyn2 was "
                          "stopped) before a smaller circuit was found; the input is "
                          "returned unchanged")


def test_nothing_to_gain_within_the_budget_says_so_plainly():
    aig = and_chain(10)
    out, stats = optimize_windows(aig, WindowParams(seconds=30, scripts=False,
                                                    generators=("table",)))
    assert out is aig and stats.out_of_time is None
    assert stats.note == "no smaller circuit found; the input is returned unchanged"
