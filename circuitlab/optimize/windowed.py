"""Shrink an AIG of any size by resynthesising small windows, proven equivalent at the end.

Passes of :func:`~circuitlab.optimize.window_pass.window_pass` (windows of
at most ``max_leaves`` leaves and ``max_roots`` roots, each resynthesised by
the exact table, a SAT search and the circuit transformer, with the
window's satisfiability don't cares) alternate with the classical
scripts (``resyn2``, ``compress2rs``), each kept only when it lowers the AND count, until a
round changes nothing or the time budget is spent. Sequential circuits
are optimised between their latches. The result is proven equivalent to
the input by :func:`circuitlab.verify.check_equivalence`; when that proof
fails or stays undecided, the input comes back unchanged with a note.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from circuitlab.aig import Aig, depth
from circuitlab.errors import (
    CircuitlabError, ToolTimeoutError, require, require_at_least, require_choice, require_positive,
)
from circuitlab.optimize.window_pass import PassContext, window_pass
from circuitlab.parallel import ignore_sigint, terminate
from circuitlab.synth.recipes import ENGINES
from circuitlab.verify.result import Verdict
from circuitlab.synth.vocabulary import DEEPSYN, Script
from circuitlab.verify import CheckParams, check_equivalence

__all__ = ["GENERATORS", "WindowParams", "WindowStats", "optimize_windows"]

GENERATORS = ("table", "exact", "transformer")
# at a fixed point the exact generator's conflict budget grows fourfold, up to this factor
_ESCALATION = 64
# &deepsyn is stopped after this share of the whole budget, whatever its -T
_DEEPSYN_WALL = 0.85


@dataclass(frozen=True)
class WindowParams:
    """Options of :func:`optimize_windows`.

    Attributes:
        max_leaves: most leaves of a window (2 to 8).
        max_roots: most roots of a window (1 or 2).
        seconds: wall-clock budget of the optimisation (the final proof
            comes on top); ``None``: until a round changes nothing at the
            largest conflict budget.
        jobs: worker processes of the SAT resynthesis.
        generators: resynthesis generators used, of ``table`` (exact
            minimum circuits of up to 4 leaves), ``exact`` (SAT search of up
            to 8 leaves) and ``transformer`` (the circuit transformer, when a
            model is given).
        scripts: run the classical scripts (``resyn2``, ``compress2rs``)
            between window passes, keeping the smallest result.
        engine: engine of the scripts: ``auto``, ``abc`` or ``aigverse``.
        deepsyn: share of ``seconds`` given first to ABC's ``&deepsyn -T``
            (with ABC as the engine, ``scripts`` on and a time budget; 0: not
            run). ``&deepsyn`` searches globally where windows are local;
            the windows and scripts then continue from its result.
        seed: seed of the simulation and the SAT searches.
        conflicts: conflict budget of each SAT call of the exact generator;
            at a fixed point it grows fourfold, up to 64 times this, while time is left.
        max_gates: largest replacement the exact generator looks for (the
            encoding grows with the square of it).
        care_conflicts: conflict budget of each SAT call proving a leaf
            pattern unreachable.
        dont_cares: use the windows' satisfiability don't cares.
        sim_words: most 64-pattern words of the random simulation finding
            the leaf patterns that occur (circuits of more than 16 inputs).
        passes: most window passes (``None``: no limit).
        verify_seconds: time limit of the final equivalence proof
            (``None``: none).
    """

    max_leaves: int = 8
    max_roots: int = 2
    seconds: float | None = 60.0
    jobs: int = 1
    generators: tuple[str, ...] = GENERATORS
    scripts: bool = True
    engine: str = "auto"
    deepsyn: float = 0.5
    seed: int = 0
    conflicts: int = 1000
    max_gates: int = 10
    care_conflicts: int = 1000
    dont_cares: bool = True
    sim_words: int = 256
    passes: int | None = None
    verify_seconds: float | None = 300.0

    def __post_init__(self) -> None:
        require_at_least(self.max_leaves, 2, "max_leaves")
        require(self.max_leaves <= 8, "max_leaves", f"must be <= 8, got {self.max_leaves!r}")
        require_at_least(self.max_roots, 1, "max_roots")
        require(self.max_roots <= 2, "max_roots", f"must be <= 2, got {self.max_roots!r}")
        if self.seconds is not None:
            require_positive(self.seconds, "seconds")
        require_at_least(self.jobs, 1, "jobs")
        require(isinstance(self.generators, tuple), "generators", "must be a tuple")
        for name in self.generators:
            require_choice(name, GENERATORS, "generators")
        require_choice(self.engine, ENGINES, "engine")
        require(isinstance(self.deepsyn, (int, float)) and 0 <= self.deepsyn < 1, "deepsyn",
                f"must be at least 0 and below 1, got {self.deepsyn!r}")
        require_at_least(self.seed, 0, "seed")
        require_at_least(self.conflicts, 1, "conflicts")
        require_at_least(self.max_gates, 1, "max_gates")
        require_at_least(self.care_conflicts, 1, "care_conflicts")
        require_at_least(self.sim_words, 1, "sim_words")
        if self.passes is not None:
            require_at_least(self.passes, 1, "passes")
        if self.verify_seconds is not None:
            require_positive(self.verify_seconds, "verify_seconds")


@dataclass
class WindowStats:
    """What :func:`optimize_windows` did.

    Attributes:
        ands_before, ands_after: AND counts of the input and the result.
        levels_before, levels_after: depths (:func:`circuitlab.aig.depth`).
        windows_tried: windows whose function was resynthesised.
        tried, offered: per generator, windows it was given and windows for
            which it returned a smaller circuit (before the substitutions
            were chosen).
        accepted: substitutions kept, per generator (``table``, ``exact``,
            ``transformer``), and ``scripts``: script runs kept.
        gain: ANDs removed, per generator and ``scripts``.
        seconds: wall time, the final proof included.
        verdict: the final equivalence proof's verdict (EQUIVALENT also
            when the input comes back unchanged).
        note: why the input came back unchanged, if it did.
        out_of_time: where the time budget ran out with work unfinished (a
            script stopped, a window pass cut short), or ``None``.
    """

    ands_before: int
    ands_after: int
    levels_before: int
    levels_after: int
    windows_tried: int = 0
    tried: dict[str, int] = field(default_factory=dict)
    offered: dict[str, int] = field(default_factory=dict)
    accepted: dict[str, int] = field(default_factory=dict)
    gain: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    verdict: Verdict = Verdict.EQUIVALENT
    note: str | None = None
    out_of_time: str | None = None


def optimize_windows(aig: Aig, params: WindowParams = WindowParams(), model=None, tokenizer=None,
                     progress: Callable[[float, str], None] | None = None
                     ) -> tuple[Aig, WindowStats]:
    """A circuit equivalent to ``aig`` with as few ANDs as the budget finds.

    Args:
        aig: any AIG, combinational or sequential (optimised between latches).
        params: :class:`WindowParams`.
        model, tokenizer: the circuit transformer (see
            :func:`circuitlab.optimize.model.load_optimize_model`); ``None``
            skips the ``transformer`` generator.
        progress: called as ``progress(fraction_done, message)`` now and then.

    Returns:
        The result, never larger than ``aig`` and proven equivalent to it
        (else ``aig`` itself with ``stats.note`` saying why), and its stats.
    """
    start = time.monotonic()
    deadline = None if params.seconds is None else start + params.seconds
    stats = WindowStats(aig.num_ands, aig.num_ands, depth(aig), depth(aig))
    report = progress or (lambda fraction, message: None)

    def fraction(rounds: int) -> float:
        if deadline is None:
            return min(0.99, rounds / (rounds + 2))
        return min(0.99, (time.monotonic() - start) / params.seconds)

    comb = aig.cut_latches()
    best = comb
    # spawned, not forked: the caller may hold torch's threads
    pool = ProcessPoolExecutor(params.jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=ignore_sigint) \
        if params.jobs > 1 and "exact" in params.generators else None
    ctx = PassContext(
        max_leaves=params.max_leaves, max_roots=params.max_roots, generators=params.generators,
        conflicts=params.conflicts, max_gates=params.max_gates,
        care_conflicts=params.care_conflicts, dont_cares=params.dont_cares,
        sim_words=params.sim_words, seed=params.seed, pool=pool,
        jobs=params.jobs if pool is not None else 1,
        model=model if tokenizer is not None else None, tokenizer=tokenizer)
    passes = 0
    scripted_on = None
    if params.scripts and params.deepsyn and params.seconds is not None and best.num_ands:
        report(0.0, "&deepsyn")
        found = _deepsyn(best, params.engine, params.seconds * params.deepsyn,
                         _DEEPSYN_WALL * params.seconds)
        if found is not None and found.num_ands < best.num_ands:
            _count(stats, "deepsyn", 1, best.num_ands - found.num_ands)
            best = found
    try:
        while True:
            changed = False
            # the scripts are deterministic: a circuit they already ran on gains nothing
            if params.scripts and best.num_ands and best is not scripted_on:
                scripted_on = best
                scripted = _script(best, params.engine, deadline, stats)
                if scripted is not None and scripted.num_ands < best.num_ands:
                    _count(stats, "scripts", 1, best.num_ands - scripted.num_ands)
                    best, changed = scripted, True
                report(fraction(passes), f"scripts: {best.num_ands} ANDs")
            if _expired(deadline) or (params.passes is not None and passes >= params.passes):
                break
            done = _pass_progress(report, fraction, passes, best)
            result = window_pass(best, ctx, deadline, done, passes)
            passes += 1
            stats.windows_tried += result.windows
            for total, part in ((stats.tried, result.tried), (stats.offered, result.offered)):
                for name, count in part.items():
                    total[name] = total.get(name, 0) + count
            for name, count in result.accepted.items():
                _count(stats, name, count, result.gain[name])
            if result.aig.num_ands < best.num_ands:
                best, changed = result.aig, True
            report(fraction(passes), f"pass {passes}: {best.num_ands} ANDs")
            if _expired(deadline):
                stats.out_of_time = stats.out_of_time or f"window pass {passes}"
            if _expired(deadline) or (params.passes is not None and passes >= params.passes):
                break
            if not changed:
                # a fixed point: windows whose SAT search ran out of budget get a larger one
                if ctx.conflicts >= params.conflicts * _ESCALATION:
                    break
                ctx.conflicts *= 4
    except BaseException:
        if pool is not None:  # Ctrl-C or an error: the running searches are not waited for
            terminate(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    report(0.99, "proving the result equivalent")
    out = _finish(aig, best, params, stats)
    stats.seconds = time.monotonic() - start
    report(1.0, f"done: {stats.ands_before} -> {stats.ands_after} ANDs")
    return out, stats


def _count(stats: WindowStats, name: str, count: int, gain: int) -> None:
    stats.accepted[name] = stats.accepted.get(name, 0) + count
    stats.gain[name] = stats.gain.get(name, 0) + gain


def _expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _pass_progress(report, fraction, passes: int, best: Aig):
    def done(part: float) -> None:
        report(fraction(passes), f"pass {passes + 1}: {best.num_ands} ANDs, {part:.0%} of nodes")
    return done


def _script(comb: Aig, engine: str, deadline: float | None, stats: WindowStats) -> Aig | None:
    """The smallest of the classical scripts (``resyn2``, ``compress2rs``) run on
    ``comb``, or ``None`` when every run fails or time is short (recorded in
    ``stats.out_of_time``)."""
    # loads aigverse: only when used
    from circuitlab.synth.recipes import SCRIPTS, RecipeParams, run_recipe

    best = None
    for name in SCRIPTS:
        timeout = 600.0 if deadline is None else deadline - time.monotonic()
        if timeout <= 0.5:
            stats.out_of_time = stats.out_of_time or f"the scripts, before {name}"
            break
        try:
            result, _ = run_recipe(comb, name, RecipeParams(engine=engine, timeout=timeout))
        except ToolTimeoutError:
            stats.out_of_time = stats.out_of_time or f"the scripts ({name} was stopped)"
            continue
        except CircuitlabError:
            continue
        if best is None or result.num_ands < best.num_ands:
            best = result
    return best


def _deepsyn(comb: Aig, engine: str, seconds: float, wall: float) -> Aig | None:
    """ABC's ``&deepsyn -T`` on ``comb`` for about ``seconds`` (``None``: no ABC, or it
    failed, or it ran past ``wall`` seconds).

    ``-T`` counts ABC's CPU time and is checked between steps, so on a busy
    machine or a large circuit it ends later than ``seconds``; ``wall``
    stops it, leaving the rest of the budget to the scripts and windows.
    """
    # loads aigverse: only when used
    from circuitlab.synth.recipes import resolve_engine, run_scripts

    limit = int(seconds)
    if limit < 1 or resolve_engine(engine) != "abc":
        return None
    try:
        return run_scripts([comb], Script("abc", DEEPSYN, f"-T {limit}"), max(wall, 1.0))[0][0]
    except CircuitlabError:
        return None


def _finish(original: Aig, comb: Aig, params: WindowParams, stats: WindowStats) -> Aig:
    """``comb`` with the latches of ``original`` back, proven equivalent; else ``original``."""

    if comb is original.cut_latches() or comb.num_ands >= original.num_ands:
        stats.accepted, stats.gain = {}, {}
        stats.note = "no smaller circuit found; the input is returned unchanged"
        if stats.out_of_time is not None:
            stats.note = (f"the time budget of {params.seconds:g} s ran out in "
                          f"{stats.out_of_time} before a smaller circuit was found; the input "
                          "is returned unchanged")
        return original
    result = original.restore_latches(comb)
    try:
        check = check_equivalence(original, result, match="position",
                                  params=CheckParams(timeout=params.verify_seconds))
        verdict, reason = check.verdict, check.reason
    except CircuitlabError as exc:
        verdict, reason = Verdict.UNDECIDED, str(exc).splitlines()[0]
    stats.verdict = verdict
    if verdict is not Verdict.EQUIVALENT:
        stats.accepted, stats.gain = {}, {}
        stats.note = (f"the optimised circuit was not proven equivalent "
                      f"({verdict.name.lower()}: {reason}); the input is returned unchanged")
        return original
    stats.ands_after, stats.levels_after = result.num_ands, depth(result)
    return result
