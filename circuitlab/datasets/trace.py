"""Run a recipe keeping every intermediate AIG (OpenABC-D's step-by-step corpus).

With ABC, one process runs the whole recipe and writes the AIG after each
step (``read_aiger in.aig; s1; write_aiger 1.aig; s2; write_aiger 2.aig;
...``): one process per recipe, not per step. With aigverse the steps run
in-process on one network, converted back after each step. Sequential
circuits are optimised between their latches, as by
:func:`circuitlab.synth.recipes.run_recipe`.

:func:`circuitlab.synth.abc.run_abc_batch` refuses ``write_aiger`` in its
command list (it owns reading and writing), so the ABC script is written
here, reusing the wrapper's binary lookup, command check and process runner.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Sequence

from circuitlab.aig.aig import Aig
from circuitlab.errors import ToolError
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
        trace = _abc_trace(comb, parsed, timeout)
    else:
        trace = _aigverse_trace(comb, parsed, timeout)
    return [aig] + [restore_latches(t, aig) for t in trace]


def _abc_trace(comb: Aig, steps: list[str], timeout: float) -> list[Aig]:
    from circuitlab.io.aiger import dump_aiger, parse_aiger
    from circuitlab.synth.abc import _quote, _run, check_commands, find_abc
    steps = check_commands(steps)
    exe = find_abc()
    with tempfile.TemporaryDirectory(prefix="circuitlab-trace-") as tmp:
        work = Path(tmp)
        (work / "in.aig").write_bytes(dump_aiger(comb, symbols=False, comments=False))
        lines = ["read_aiger in.aig"]
        for k, step in enumerate(steps, 1):
            lines += [step, f"write_aiger {k}.aig"]
        (work / "script.abc").write_text("\n".join(lines) + "\n")
        output = _run(exe, ["-f", "script.abc"], work, timeout,
                      what=f"the recipe '{'; '.join(steps)}'")
        trace = []
        for k in range(1, len(steps) + 1):
            out = work / f"{k}.aig"
            if not out.exists():
                raise ToolError(f"ABC failed at step {k} ({steps[k - 1]}):\n{_quote(output)}")
            trace.append(parse_aiger(out.read_bytes(), f"ABC output of step {k}"))
    return trace


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
