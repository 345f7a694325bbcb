"""Running recipes: the one runner over ABC and aigverse.

A recipe (:mod:`circuitlab.synth.vocabulary`: steps, aliases, scripts) runs
on one of two engines: ``"abc"`` runs it in one ABC process
(:mod:`circuitlab.synth.abc`); ``"aigverse"`` runs it in-process with
mockturtle's algorithms (:mod:`circuitlab.synth.aigverse_engine`, whose
docstring maps each step and says where it differs from ABC); ``"auto"``
picks ABC when it is installed, else aigverse (the pip-only default).

:func:`run_scripts` is the one place that dispatches to an engine; the
entry points build on it: :func:`run_recipe` (one circuit, with stats),
:func:`trace_recipe` (every intermediate AIG kept, OpenABC-D's step-by-step
corpus) and :func:`run_batch` (many small circuits per ABC process or
aigverse network, a failing batch retried circuit by circuit).

Sequential circuits: the recipe runs on the combinational part
(:meth:`Aig.cut_latches`) and the latches are put back unchanged
(:meth:`Aig.restore_latches`), as ABC itself treats latch boundaries during
these commands.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.ops import cleanup, depth, disjoint_union, split_union
from circuitlab.errors import CircuitlabError, ToolError, require_choice, require_positive
from circuitlab.io.abc_process import abc_available
from circuitlab.synth import aigverse_engine
from circuitlab.synth.abc import DEFAULT_TIMEOUT, run_abc
from circuitlab.synth.vocabulary import (DEEPSYN, SCRIPTS, STEPS, Script, Step, parse_recipe,
                                         parse_step, random_recipe)

__all__ = ["ENGINES", "SCRIPTS", "STEPS", "RecipeParams", "RecipeStats", "Step",
           "parse_recipe", "parse_step", "random_recipe", "resolve_engine", "run_batch",
           "recipe_versions", "run_recipe", "run_scripts", "trace_recipe"]

ENGINES = ("auto", "abc", "aigverse")


@dataclass(frozen=True)
class RecipeParams:
    """How to run a recipe.

    Attributes:
        engine: ``"auto"`` (ABC if installed, else aigverse), ``"abc"`` or ``"aigverse"``.
        timeout: seconds; ABC, or aigverse's worker process, is killed past it.
    """

    engine: str = "auto"
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self):
        require_choice(self.engine, ENGINES, "engine")
        require_positive(self.timeout, "timeout")


@dataclass(frozen=True)
class RecipeStats:
    """What a recipe run did.

    Attributes:
        engine: ``"abc"`` or ``"aigverse"`` (the one used, also under ``"auto"``).
        steps: the steps run, written canonically.
        ands_before, ands_after: AND counts.
        levels_before, levels_after: depths (:func:`circuitlab.aig.depth`).
        seconds: wall-clock time of the run.
    """

    engine: str
    steps: tuple[str, ...]
    ands_before: int
    ands_after: int
    levels_before: int
    levels_after: int
    seconds: float


def resolve_engine(engine: str) -> str:
    """``"abc"`` or ``"aigverse"`` for an engine choice (``"auto"`` resolved)."""
    if engine == "auto":
        return "abc" if abc_available() else "aigverse"
    if engine not in ENGINES:
        raise CircuitlabError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return engine


def run_scripts(aigs: Sequence[Aig], script: Script, timeout: float | None = None, *,
                keep_steps: bool = False) -> list[list[Aig]]:
    """Run ``script`` on each combinational circuit: the one engine dispatch.

    Args:
        aigs: combinational circuits.
        script: a recipe or ``&deepsyn`` on ``"abc"`` or ``"aigverse"``.
        timeout: seconds; ABC (one process for all of ``aigs``) is killed past
            it (``None``: its default); aigverse checks it between steps of
            each circuit (``None``: no limit).
        keep_steps: keep the circuit after every step, not only the last.

    Returns:
        Per circuit, in order: ``[result]``, or with ``keep_steps`` the circuit
        after each step; input and output names are restored where ABC keeps
        the interface, default otherwise.

    Raises:
        CircuitlabError: a sequential circuit.
        ToolNotFoundError, ToolError, ToolTimeoutError: as the engine raises.
    """
    if script.engine == "abc":
        return run_abc(aigs, script.abc_commands(),
                       DEFAULT_TIMEOUT if timeout is None else timeout,
                       aliases=script.script == DEEPSYN, keep_steps=keep_steps)
    steps = parse_recipe(script.script)
    return [aigverse_engine.run_steps(aig, steps, timeout, keep_steps=keep_steps)
            for aig in aigs]


def _run(aig: Aig, steps: list[Step], engine: str, timeout: float,
         keep_steps: bool) -> list[Aig]:
    """:func:`run_scripts` on ``aig`` between its latches, with its names back."""
    script = Script(engine, "; ".join(str(s) for s in steps))
    trace = run_scripts([aig.cut_latches()], script, timeout, keep_steps=keep_steps)[0]
    return [aig.restore_latches(comb) for comb in trace]


def run_recipe(aig: Aig, steps: str | Sequence[str],
               params: RecipeParams = RecipeParams()) -> tuple[Aig, RecipeStats]:
    """Optimise ``aig`` with a recipe; the result is logically equivalent.

    Args:
        aig: the circuit; a sequential one is optimised between its latches.
        steps: a script name (``"resyn2"``), a ``;``-separated string, or a
            list of steps (see :func:`parse_recipe`).
        params: engine and time limit.

    Returns:
        The optimised circuit, with the names, latches and comments of
        ``aig``, and the run's :class:`RecipeStats`.

    Raises:
        CircuitlabError: an unknown step or engine.
        ToolNotFoundError: ``engine="abc"`` without ABC installed.
        ToolError, ToolTimeoutError: the engine failed or ran out of time.
    """
    parsed = parse_recipe(steps)
    engine = resolve_engine(params.engine)
    start = time.perf_counter()
    (result,) = _run(aig, parsed, engine, params.timeout, keep_steps=False)
    stats = RecipeStats(engine=engine, steps=tuple(str(s) for s in parsed),
                        ands_before=aig.num_ands, ands_after=result.num_ands,
                        levels_before=depth(aig), levels_after=depth(result),
                        seconds=time.perf_counter() - start)
    return result, stats


def recipe_versions(aig: Aig, count: int, length: int, engine: str,
                    rng: np.random.Generator) -> list[Aig]:
    """``aig``'s combinational part (cleaned up), then up to ``count`` structurally new
    versions of it, each after a seeded random ``length``-step recipe.

    Every version is logically equivalent to the first (the recipes
    preserve function); a recipe whose result repeats an earlier version's
    structure adds nothing, so fewer than ``count`` may come back.
    """
    comb = cleanup(aig.cut_latches())
    versions = [comb]
    for _ in range(count):
        recipe = random_recipe(int(rng.integers(2**31)), length)
        opt, _ = run_recipe(comb, recipe, RecipeParams(engine=engine))
        if not any(opt.structurally_equal(v, names=False) for v in versions):
            versions.append(opt)
    return versions


def trace_recipe(aig: Aig, steps: str | Sequence[str],
                 params: RecipeParams = RecipeParams()) -> list[Aig]:
    """``[aig, after step 1, ..., after step n]``, each logically equivalent to ``aig``.

    One ABC process writes the circuit after each step (one process per
    recipe, not per step); aigverse converts its network back after each step.

    Args:
        aig: the circuit (a sequential one keeps its latches).
        steps: a recipe as in :func:`run_recipe`.
        params: engine and the time limit of the whole recipe.

    Raises:
        CircuitlabError, ToolNotFoundError, ToolError, ToolTimeoutError: as :func:`run_recipe`.
    """
    parsed = parse_recipe(steps)
    return [aig] + _run(aig, parsed, resolve_engine(params.engine), params.timeout,
                        keep_steps=True)


def run_batch(aigs: Sequence[Aig], script: Script, batch_size: int = 256,
              timeout: float = 30.0) -> list[Aig | None]:
    """``script`` on many combinational circuits, batched; ``None`` where it failed.

    ABC runs ``batch_size`` circuits per process (starting ABC costs more than
    optimising a small circuit), with ``timeout`` seconds per circuit (plus
    ``&deepsyn -T``'s own limit). aigverse runs each batch as one disjoint
    union network (each rewriting call pays a fixed ~0.15 s set-up that would
    dominate small circuits), without a time limit. A batch that fails is
    retried circuit by circuit, so one bad circuit costs only its own result.
    Results have the engine's names (ABC restores them; aigverse's are defaults).

    Raises:
        ToolNotFoundError: an ``"abc"`` script without ABC installed.
    """
    aigs = list(aigs)
    if script.engine == "abc":
        per_circuit = timeout + script.time_limit()
        failure: type[Exception] = ToolError
    else:
        per_circuit = None
        failure = CircuitlabError
    out: list[Aig | None] = []
    for start in range(0, len(aigs), batch_size):
        chunk = aigs[start:start + batch_size]
        try:
            out += _run_union(chunk, script, per_circuit)
        except failure:
            for aig in chunk:
                try:
                    out += _run_union([aig], script, per_circuit)
                except failure:
                    out.append(None)
    return out


def _run_union(chunk: list[Aig], script: Script, per_circuit: float | None) -> list[Aig]:
    """One ABC process for ``chunk``, or one aigverse network of its disjoint union."""
    if per_circuit is not None:
        return [t[-1] for t in run_scripts(chunk, script, per_circuit * len(chunk))]
    if len(chunk) == 1:
        return run_scripts(chunk, script)[0]
    (union,) = run_scripts([disjoint_union(chunk)], script)[0]
    return split_union(union, [(a.num_inputs, a.num_outputs) for a in chunk])
