"""Run a recipe keeping every intermediate AIG (OpenABC-D's step-by-step corpus).

With ABC, one process runs the whole recipe and writes the AIG after each
step (``read_aiger in.aig; s1; write_aiger 1.aig; s2; write_aiger 2.aig;
...``): one process per recipe, not per step. With aigverse the steps run
in-process on one network, converted back after each step. Sequential
circuits are optimised between their latches, as by
:func:`circuitlab.synth.recipes.run_recipe`.

The ABC path is :func:`circuitlab.synth.abc.run_abc_trace`.
"""

from __future__ import annotations

from typing import Sequence

from circuitlab.aig.aig import Aig
from circuitlab.synth.recipes import parse_recipe, resolve_engine, restore_latches

__all__ = ["trace_recipe"]


def trace_recipe(aig: Aig, steps: Sequence[str], engine: str = "auto",
                 timeout: float = 600.0) -> list[Aig]:
    """``[aig, after step 1, ..., after step n]``, each logically equivalent to ``aig``.

    Args:
        aig: the circuit (sequential ones keep their latches).
        steps: recipe steps as in :func:`circuitlab.synth.recipes.parse_recipe`.
        engine: ``"auto"``, ``"abc"`` or ``"aigverse"``.
        timeout: seconds for the whole recipe.

    Raises:
        CircuitlabError: an unknown step or engine.
        ToolError, ToolTimeoutError, ToolNotFoundError: as the engine raises.
    """
    parsed = [str(s) for s in parse_recipe(list(steps))]
    comb = aig.cut_latches()
    if resolve_engine(engine) == "abc":
        from circuitlab.synth.abc import run_abc_trace
        trace = run_abc_trace(comb, parsed, timeout)
    else:
        trace = _aigverse_trace(comb, parsed, timeout)
    return [aig] + [restore_latches(t, aig) for t in trace]


def _aigverse_trace(comb: Aig, steps: list[str], timeout: float) -> list[Aig]:
    import time

    from circuitlab.errors import ToolTimeoutError
    from circuitlab.io.aigverse_interop import from_aigverse, to_aigverse
    from circuitlab.synth.aigverse_engine import apply_step
    deadline = time.monotonic() + timeout
    net = to_aigverse(comb, names=False)
    trace = []
    for k, step in enumerate(parse_recipe(steps), 1):
        if time.monotonic() > deadline:
            raise ToolTimeoutError(f"aigverse recipe ran past {timeout:g} s (stopped before "
                                   f"step {k} of {len(steps)}: {step})")
        net = apply_step(net, step)
        trace.append(from_aigverse(net))
    return trace
