"""Synthesis recipes: sequences of ABC-style optimisation steps, run by ABC or aigverse.

A *step* is one of ABC's AIG optimisation commands with its options, written
as in ABC (``"resub -K 6 -N 2 -l"``); :data:`STEPS` are the seven steps that
OpenABC-D draws its random recipes from. A *recipe* is a list of steps, a
``;``-separated string, or a script name from :data:`SCRIPTS` (ABC's own
aliases from ``abc.rc``, spelled out because Debian's ABC ships no
``abc.rc``).

Engines: ``"abc"`` runs the recipe in one ABC process
(:mod:`circuitlab.synth.abc`); ``"aigverse"`` runs it in-process with
mockturtle's algorithms (:mod:`circuitlab.synth.aigverse_engine`, whose
docstring maps each step and says where it differs from ABC); ``"auto"``
picks ABC when it is installed, else aigverse (the pip-only default).

Sequential circuits: the recipe runs on the combinational part
(:meth:`Aig.cut_latches`) and the latches are put back unchanged, as ABC
itself treats latch boundaries during these commands.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.ops import depth
from circuitlab.errors import CircuitlabError, require_at_least, require_choice, require_positive
from circuitlab.synth import aigverse_engine
from circuitlab.synth.abc import DEFAULT_TIMEOUT, abc_available, run_abc_script

__all__ = ["ENGINES", "SCRIPTS", "STEPS", "RecipeParams", "RecipeStats", "Step",
           "parse_recipe", "parse_step", "random_recipe", "restore_latches", "run_recipe"]

STEPS = ("rewrite", "rewrite -z", "refactor", "refactor -z", "resub", "resub -z", "balance")

SCRIPTS = {
    "resyn2": "balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; "
              "refactor -z; rewrite -z; balance",
    "compress2rs": "balance -l; resub -K 6 -l; rewrite -l; resub -K 6 -N 2 -l; refactor -l; "
                   "resub -K 8 -l; balance -l; resub -K 8 -N 2 -l; rewrite -l; "
                   "resub -K 10 -l; rewrite -z -l; resub -K 10 -N 2 -l; balance -l; "
                   "resub -K 12 -l; refactor -z -l; resub -K 12 -N 2 -l; rewrite -z -l; "
                   "balance -l",
}

ENGINES = ("auto", "abc", "aigverse")

# ABC command -> (flags it takes, {integer option: (lowest, highest)}), ranges as ABC checks them
_GRAMMAR: dict[str, tuple[frozenset[str], dict[str, tuple[int, int]]]] = {
    "balance": (frozenset({"-l"}), {}),
    "rewrite": (frozenset({"-l", "-z"}), {}),
    "refactor": (frozenset({"-l", "-z"}), {"-N": (2, 15)}),
    "resub": (frozenset({"-l", "-z"}), {"-K": (4, 16), "-N": (0, 3)}),
}
# ABC's standard short aliases (abc.rc) for the same commands
_ALIASES = {"b": "balance", "rw": "rewrite", "rwz": "rewrite -z", "rf": "refactor",
            "rfz": "refactor -z", "rs": "resub", "rsz": "resub -z"}


@dataclass(frozen=True)
class Step:
    """One optimisation step with ABC's options.

    Attributes:
        op: ``"balance"``, ``"rewrite"``, ``"refactor"`` or ``"resub"``.
        zero_gain: ``-z``: accept replacements that save nothing.
        levels: ``True`` unless ``-l`` is given: ABC then stops preserving
            (rewrite, refactor, resub) or minimising (balance) the levels.
        cut_size: ``-K`` of resub (ABC's default 8).
        max_nodes: ``-N``: nodes added by resub (default 1), or the cone
            support of refactor (default 10).
    """

    op: str
    zero_gain: bool = False
    levels: bool = True
    cut_size: int | None = None
    max_nodes: int | None = None

    def __str__(self) -> str:
        parts = [self.op]
        if self.cut_size is not None:
            parts.append(f"-K {self.cut_size}")
        if self.max_nodes is not None:
            parts.append(f"-N {self.max_nodes}")
        if self.zero_gain:
            parts.append("-z")
        if not self.levels:
            parts.append("-l")
        return " ".join(parts)


def _valid_steps_text() -> str:
    opts = "; ".join(
        f"{op} [{' '.join(sorted(flags) + [f'{o} {lo}..{hi}' for o, (lo, hi) in ints.items()])}]"
        for op, (flags, ints) in _GRAMMAR.items())
    return (f"valid steps: {', '.join(repr(s) for s in STEPS)}; with ABC's options: {opts}; "
            f"scripts: {', '.join(sorted(SCRIPTS))}")


def parse_step(text: str) -> Step:
    """Parse one step written as in ABC (aliases ``b``, ``rw``, ``rwz``, ... accepted).

    Raises:
        CircuitlabError: unknown command or option, listing the valid steps.
    """
    words = text.split()
    if words and words[0] in _ALIASES:
        words = _ALIASES[words[0]].split() + words[1:]
    if not words or words[0] not in _GRAMMAR:
        raise CircuitlabError(f"unknown recipe step {text.strip()!r}; {_valid_steps_text()}")
    op, rest = words[0], words[1:]
    flags, int_opts = _GRAMMAR[op]
    seen: set[str] = set()
    values: dict[str, int] = {}
    k = 0
    while k < len(rest):
        opt = rest[k]
        if opt in seen:
            raise CircuitlabError(f"option {opt} given twice in step {text.strip()!r}")
        seen.add(opt)
        if opt in flags:
            k += 1
            continue
        if opt in int_opts:
            lo, hi = int_opts[opt]
            if k + 1 >= len(rest) or not rest[k + 1].isdigit() or not lo <= int(rest[k + 1]) <= hi:
                raise CircuitlabError(f"option {opt} of {op} takes an integer in {lo}..{hi} "
                                      f"(step {text.strip()!r})")
            values[opt] = int(rest[k + 1])
            k += 2
            continue
        raise CircuitlabError(f"unknown option {opt!r} in step {text.strip()!r}; "
                              f"{_valid_steps_text()}")
    return Step(op, zero_gain="-z" in seen, levels="-l" not in seen,
                cut_size=values.get("-K"), max_nodes=values.get("-N"))


def parse_recipe(recipe: str | Sequence[str]) -> list[Step]:
    """Steps of a recipe: a script name, a ``;``-separated string, or a list of either.

    Raises:
        CircuitlabError: an unknown step or an empty recipe.
    """
    items = [recipe] if isinstance(recipe, str) else list(recipe)
    steps: list[Step] = []
    for item in items:
        if not isinstance(item, str):
            raise CircuitlabError(f"recipe steps must be strings, got {item!r}")
        for part in item.split(";"):
            part = part.strip()
            if not part:
                continue
            if part in SCRIPTS:
                steps += parse_recipe(SCRIPTS[part])
            else:
                steps.append(parse_step(part))
    if not steps:
        raise CircuitlabError(f"empty recipe; {_valid_steps_text()}")
    return steps


def random_recipe(seed: int, length: int = 20) -> list[str]:
    """``length`` steps drawn uniformly from :data:`STEPS` (OpenABC-D's recipe space).

    Reproducible: the same seed gives the same recipe on every platform
    (``numpy.random.default_rng(seed)``).

    Reference: Chowdhury et al., "OpenABC-D: A Large-Scale Dataset For
    Machine Learning Guided Integrated Circuit Synthesis", 2021,
    https://arxiv.org/abs/2110.11292
    """
    require_at_least(seed, 0, "seed")
    require_at_least(length, 0, "length")
    rng = np.random.default_rng(seed)
    return [STEPS[k] for k in rng.integers(0, len(STEPS), size=int(length)).tolist()]


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
    comb = aig.cut_latches()
    if engine == "abc":
        result = run_abc_script(comb, [str(s) for s in parsed], timeout=params.timeout)
    else:
        result = aigverse_engine.run_steps(comb, parsed, timeout=params.timeout)
    result = restore_latches(result, aig)
    stats = RecipeStats(engine=engine, steps=tuple(str(s) for s in parsed),
                        ands_before=aig.num_ands, ands_after=result.num_ands,
                        levels_before=depth(aig), levels_after=depth(result),
                        seconds=time.perf_counter() - start)
    return result, stats


def restore_latches(comb: Aig, original: Aig) -> Aig:
    """Names, comments and latches of ``original`` on an optimised combinational part."""
    n_in, n_out, n_lat = original.num_inputs, original.num_outputs, original.num_latches
    if (comb.num_inputs, comb.num_outputs) != (n_in + n_lat, n_out + n_lat):
        raise CircuitlabError(f"the optimised circuit has {comb.num_inputs}/{comb.num_outputs} "
                              f"inputs/outputs, expected {n_in + n_lat}/{n_out + n_lat}")
    latches = np.stack([comb.outputs[n_out:], original.latches[:, 1]], axis=1) if n_lat else ()
    return Aig(n_in, comb.ands, comb.outputs[:n_out], latches,
               input_names=original.input_names, output_names=original.output_names,
               latch_names=original.latch_names, comments=original.comments)
