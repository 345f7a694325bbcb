"""Combinational equivalence checking that never guesses.

``check_equivalence`` answers EQUIVALENT only with a proof (exhaustive
simulation, SAT, ABC or aigverse), NOT_EQUIVALENT only with a
counter-example it has confirmed by simulating both circuits (or, from an
external engine that gives none, with that engine's word), and UNDECIDED
whenever a budget or time limit ends the search first.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from circuitlab.aig.aig import LIT_DTYPE, Aig
from circuitlab.errors import (CircuitlabError, ToolNotFoundError, require_at_least,
                               require_choice, require_positive)
from circuitlab.sim.simulate import (
    MAX_EXHAUSTIVE_INPUTS, WORD_BITS, random_patterns, simulate, truth_tables,
)
from circuitlab.verify.result import EquivalenceResult, Verdict
from circuitlab.verify.sat import SatParams, sat_equivalence

__all__ = ["ENGINES", "MATCHES", "CounterexampleError", "EquivalenceParams",
           "check_equivalence"]

ENGINES = ("auto", "sim", "sat", "abc", "aigverse")
MATCHES = ("name", "position")
_ABC_DEFAULT_TIMEOUT = 600.0


class CounterexampleError(RuntimeError):
    """An engine produced a counter-example that simulation does not confirm,
    or two engines contradict each other: a bug in circuitlab or in that
    engine, never a verdict."""


@dataclass(frozen=True)
class EquivalenceParams:
    """How :func:`check_equivalence` decides.

    Attributes:
        engine: ``"auto"``: exhaustive simulation up to 16 inputs, else
            random simulation then the python-sat engine; ``"sim"``: simulation
            only (UNDECIDED above 16 inputs unless refuted); ``"sat"``,
            ``"abc"`` (ABC ``cec``, needs ABC installed), ``"aigverse"``
            (mockturtle's checker; with a ``timeout`` it runs in a forked
            child killed at the deadline; circuits deeper than
            :data:`~circuitlab.io.aigverse_call.MAX_DEPTH` levels are refused):
            random simulation to refute, then that engine, which also proves
            circuits with few inputs.
        random_words: 64-pattern words of random simulation tried before a
            prover (0 skips it).
        seed: seed of the random simulation.
        conflict_budget: SAT conflicts per call (python-sat), ABC's ``-C``,
            aigverse's conflict limit; ``None``: no limit.
        timeout: seconds for the whole check (``None``: none; ABC then gets
            600 s).
        solver: python-sat solver of the ``"sat"`` engine.
        sweep: let the ``"sat"`` engine prove internal equivalences first
            (see :mod:`circuitlab.verify.sat`).
    """

    engine: str = "auto"
    random_words: int = 64
    seed: int = 0
    conflict_budget: int | None = 100_000
    timeout: float | None = None
    solver: str = "m22"
    sweep: bool = True

    def __post_init__(self):
        require_choice(self.engine, ENGINES, "engine")
        require_at_least(self.random_words, 0, "random_words")
        require_at_least(self.seed, 0, "seed")
        if self.conflict_budget is not None:
            require_at_least(self.conflict_budget, 1, "conflict_budget")
        if self.timeout is not None:
            require_positive(self.timeout, "timeout")
        SatParams(solver=self.solver)  # validates the solver name


def check_equivalence(a: Aig, b: Aig, *, match: str = "name",
                      params: EquivalenceParams = EquivalenceParams()) -> EquivalenceResult:
    """Whether ``a`` and ``b`` compute the same outputs from the same inputs.

    This is *combinational* equivalence. For sequential circuits it compares
    the combinational parts (:meth:`Aig.cut_latches`) under latch
    correspondence, as ABC's ``cec`` does: latch outputs are matched as
    inputs and next-state functions as outputs, by name or position like
    the rest. Equivalent under this check implies sequentially equivalent
    from matching reset states; the converse does not hold (re-encoded or
    retimed state is reported NOT_EQUIVALENT).

    Strategy (``params.engine == "auto"``): two identical AND graphs (same
    nodes and outputs in the same order, after matching) are equivalent at
    once (engine ``"structural"``); up to 16 inputs (latches
    included) exhaustive simulation decides (engine ``"exhaustive-sim"``);
    beyond, ``random_words * 64`` random patterns try to refute
    (``"random-sim"``), then the python-sat engine proves or refutes with a
    conflict budget per call (``"sat"``). ``result.engine`` says which one
    decided; every counter-example is replayed on both circuits before it
    is returned.

    Args:
        a, b: the circuits.
        match: ``"name"``: inputs, latches and outputs paired by name (the
            name sets must agree; orders may differ), except that when the
            names differ and one circuit has only default names (an AIGER
            file without symbol table: ``i<k>``, ``l<k>``, ``o<k>``) they are
            paired by position, as ABC does, and ``result.reason`` starts
            with "matched by position: ..."; ``"position"``: by index
            (counts must agree).
        params: :class:`EquivalenceParams`.

    Returns:
        :class:`EquivalenceResult` (counter-example keyed by ``a``'s names).

    Raises:
        CircuitlabError: interfaces that cannot be matched (naming the
            missing names), bad parameters.
        ToolNotFoundError: ``engine="abc"`` without ABC installed.
        CounterexampleError: an internal inconsistency (never a verdict).
    """
    start = time.monotonic()
    deadline = None if params.timeout is None else start + float(params.timeout)
    note = ""
    if match == "name":
        unnamed = _position_fallback(a, b)
        if unnamed:
            match, note = "position", f"matched by position: {unnamed}; "
    ac, bc = align(a, b, match)

    def result(verdict: Verdict, engine: str, reason: str, cex=None, output=None):
        names = None
        if cex is not None:
            output = _confirm(ac, bc, cex, output)
            names = dict(zip(ac.input_names, (int(x) for x in cex)))
        return EquivalenceResult(verdict, engine, names,
                                 None if output is None else ac.output_names[output],
                                 time.monotonic() - start, note + reason)

    n = ac.num_inputs
    if (params.engine == "auto" and ac.num_ands == bc.num_ands
            and np.array_equal(ac.outputs, bc.outputs)
            and np.array_equal(ac.ands, bc.ands)):
        return result(Verdict.EQUIVALENT, "structural", "the two circuits are the same AND "
                      "graph (same nodes, same outputs, in the same order)")
    if params.engine in ("auto", "sim") and n <= MAX_EXHAUSTIVE_INPUTS:
        found = _exhaustive(ac, bc)
        if found is None:
            return result(Verdict.EQUIVALENT, "exhaustive-sim", f"all {2 ** n} input "
                          "patterns give equal outputs")
        return result(Verdict.NOT_EQUIVALENT, "exhaustive-sim",
                      "exhaustive simulation found a difference", *found)
    if params.random_words:
        found = _random(ac, bc, params.random_words, params.seed)
        if found is not None:
            return result(Verdict.NOT_EQUIVALENT, "random-sim",
                          "random simulation found a difference", *found)
    if params.engine == "sim":
        return result(Verdict.UNDECIDED, "random-sim",
                      f"{params.random_words * WORD_BITS} random patterns found no difference; "
                      f"{n} inputs are too many for exhaustive simulation")
    remaining = None if deadline is None else max(1e-3, deadline - time.monotonic())
    if params.engine in ("auto", "sat"):
        out = sat_equivalence(ac, bc, _sat_params(params, remaining))
        return result(out.verdict, "sat", out.reason, out.counterexample, out.failing_output)
    if params.engine == "abc":
        verdict, reason = _abc(ac, bc, params, remaining)
    else:
        verdict, reason = _aigverse(ac, bc, params, remaining)
    if verdict is not Verdict.NOT_EQUIVALENT:
        return result(verdict, params.engine, reason)
    # The external engine gives no counter-example: ask the sat engine for one.
    left = None if deadline is None else max(1e-3, deadline - time.monotonic())
    out = sat_equivalence(ac, bc, _sat_params(params, left))
    if out.verdict is Verdict.EQUIVALENT:
        raise CounterexampleError(f"{params.engine} reports the circuits not equivalent but the "
                                  f"sat engine proved them equivalent ({out.reason})")
    if out.verdict is Verdict.NOT_EQUIVALENT:
        return result(Verdict.NOT_EQUIVALENT, params.engine,
                      f"{reason}; counter-example from the sat engine",
                      out.counterexample, out.failing_output)
    return result(Verdict.NOT_EQUIVALENT, params.engine,
                  f"{reason}; the sat engine found no counter-example within its budget")


def _sat_params(params: EquivalenceParams, timeout: float | None) -> SatParams:
    return SatParams(solver=params.solver, conflict_budget=params.conflict_budget,
                     sweep=params.sweep, seed=params.seed, timeout=timeout)


# --- interface matching --------------------------------------------------------
def align(a: Aig, b: Aig, match: str = "name") -> tuple[Aig, Aig]:
    """The combinational parts of ``a`` and ``b``, ``b``'s inputs and outputs
    put in ``a``'s order.

    Raises:
        CircuitlabError: ``match`` unknown, or the interfaces do not correspond
            (which names are missing where, or which counts differ).
    """
    if match not in MATCHES:
        raise CircuitlabError(f"unknown match {match!r}; choose one of {', '.join(MATCHES)}")
    if match == "position":
        counts = [(what, x, y) for what, x, y in (
            ("inputs", a.num_inputs, b.num_inputs), ("latches", a.num_latches, b.num_latches),
            ("outputs", a.num_outputs, b.num_outputs)) if x != y]
        if counts:
            raise CircuitlabError("cannot match by position: " + "; ".join(
                f"{x} {what} in the first circuit, {y} in the second" for what, x, y in counts))
        return a.cut_latches(), b.cut_latches()
    problems = []
    for what, na, nb in (("input", a.input_names, b.input_names),
                         ("latch", a.latch_names, b.latch_names),
                         ("output", a.output_names, b.output_names)):
        for which, names in (("first", na), ("second", nb)):
            dups = sorted(x for x, count in Counter(names).items() if count > 1)
            if dups:
                problems.append(f"duplicate {what} names in the {which} circuit: "
                                f"{_listing(dups)}")
        plural = "latches" if what == "latch" else what + "s"
        set_a, set_b = set(na), set(nb)
        only_a = [x for x in na if x not in set_b]
        only_b = [x for x in nb if x not in set_a]
        if only_a:
            problems.append(f"{plural} missing from the second circuit: {_listing(only_a)}")
        if only_b:
            problems.append(f"{plural} missing from the first circuit: {_listing(only_b)}")
    ac, bc = a.cut_latches(), b.cut_latches()
    if not problems:
        for which, aig in (("first", ac), ("second", bc)):
            for what, names in (("input or latch", aig.input_names),
                                ("output or next-state", aig.output_names)):
                if len(set(names)) < len(names):
                    problems.append(f"{what} names clash in the {which} circuit")
    if problems:
        raise CircuitlabError("cannot match by name: " + "; ".join(problems)
                              + " (or match by position)")
    in_pos = {x: k for k, x in enumerate(bc.input_names)}
    out_pos = {x: k for k, x in enumerate(bc.output_names)}
    return ac, _reorder(bc, [in_pos[x] for x in ac.input_names],
                        [out_pos[x] for x in ac.output_names])


def _position_fallback(a: Aig, b: Aig) -> str:
    """Why ``a`` and ``b`` are matched by position instead of by name: one of
    them has default names only and the name sets differ ('' otherwise)."""
    if all(set(x) == set(y) for x, y in ((a.input_names, b.input_names),
                                         (a.latch_names, b.latch_names),
                                         (a.output_names, b.output_names))):
        return ""
    counts = [(x.num_inputs, x.num_latches, x.num_outputs) for x in (a, b)]
    unnamed = [which for which, aig in (("first", a), ("second", b)) if _default_names(aig)]
    if not unnamed or counts[0] != counts[1]:
        return ""
    if len(unnamed) == 2:
        return "neither circuit has a symbol table"
    return f"the {unnamed[0]} circuit has no symbol table (names i0, i1, ... o0, o1, ...)"


def _default_names(aig: Aig) -> bool:
    """Inputs ``i<k>``, latches ``l<k>``, outputs ``o<k>`` (then ``b<k>`` for
    bad-state properties read as outputs): the names of a file without symbols."""
    if aig.input_names != tuple(f"i{k}" for k in range(aig.num_inputs)):
        return False
    if aig.latch_names != tuple(f"l{k}" for k in range(aig.num_latches)):
        return False
    outs = aig.output_names
    n = 0
    while n < len(outs) and outs[n] == f"o{n}":
        n += 1
    return outs[n:] == tuple(f"b{k}" for k in range(len(outs) - n))


def _listing(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(x) for x in names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _reorder(aig: Aig, inputs_from: list[int], outputs_from: list[int]) -> Aig:
    """``aig`` with input ``k`` taken from old input ``inputs_from[k]``, output
    ``k`` from old output ``outputs_from[k]`` (same nodes, renumbered inputs)."""
    n = aig.num_inputs
    if inputs_from == list(range(n)) and outputs_from == list(range(aig.num_outputs)):
        return aig
    new_var = np.arange(aig.num_vars, dtype=LIT_DTYPE)
    new_var[1 + np.asarray(inputs_from, dtype=LIT_DTYPE)] = np.arange(1, n + 1, dtype=LIT_DTYPE)

    def remap(lits: np.ndarray) -> np.ndarray:
        return 2 * new_var[lits >> 1] | (lits & 1)

    return Aig(n, remap(aig.ands), remap(aig.outputs[outputs_from]),
               input_names=[aig.input_names[k] for k in inputs_from],
               output_names=[aig.output_names[k] for k in outputs_from],
               comments=aig.comments, check=False)


# --- simulation ------------------------------------------------------------------
def _first_difference(diff: np.ndarray) -> tuple[int, int] | None:
    """(output, pattern) of the first set bit of ``[O, W]`` difference words."""
    rows = np.flatnonzero(diff.any(axis=1))
    if not rows.size:
        return None
    k = int(rows[0])
    w = int(np.flatnonzero(diff[k])[0])
    word = int(diff[k, w])
    return k, w * WORD_BITS + (word & -word).bit_length() - 1


def _exhaustive(a: Aig, b: Aig) -> tuple[np.ndarray, int] | None:
    found = _first_difference(truth_tables(a) ^ truth_tables(b))
    if found is None:
        return None
    k, minterm = found
    bits = (minterm >> np.arange(a.num_inputs)) & 1
    return bits.astype(np.uint8), k


def _random(a: Aig, b: Aig, words: int, seed: int) -> tuple[np.ndarray, int] | None:
    patterns = random_patterns(a.num_inputs, words, seed)
    found = _first_difference(simulate(a, patterns) ^ simulate(b, patterns))
    if found is None:
        return None
    k, p = found
    bits = (patterns[:, p // WORD_BITS] >> np.uint64(p % WORD_BITS)) & np.uint64(1)
    return bits.astype(np.uint8), k


def _confirm(a: Aig, b: Aig, cex: np.ndarray, output: int | None) -> int:
    """The output that ``cex`` distinguishes (``output`` when given).

    Raises:
        CounterexampleError: ``cex`` does not distinguish ``a`` from ``b`` there.
    """
    word = np.asarray(cex, dtype=np.uint64).reshape(-1, 1)
    if word.shape[0] != a.num_inputs or not np.isin(word, (0, 1)).all():
        raise CounterexampleError(f"malformed counter-example {np.asarray(cex).tolist()}")
    differs = ((simulate(a, word) ^ simulate(b, word)) & np.uint64(1))[:, 0].astype(bool)
    if output is None and differs.any():
        return int(np.flatnonzero(differs)[0])
    if output is not None and differs[output]:
        return int(output)
    where = "any output" if output is None else f"output {a.output_names[output]!r}"
    raise CounterexampleError(f"counter-example {np.asarray(cex).tolist()} does not "
                              f"distinguish {where} of the two circuits")


# --- external engines ------------------------------------------------------------
def _abc(a: Aig, b: Aig, params: EquivalenceParams,
         timeout: float | None) -> tuple[Verdict, str]:
    try:
        from circuitlab.synth.abc import abc_available, abc_cec
    except ImportError as exc:
        raise ToolNotFoundError(f"the ABC engine is unavailable ({exc})") from None
    if not abc_available():
        raise ToolNotFoundError("the ABC engine needs ABC: install berkeley-abc, or use "
                                "engine 'sat'")
    started = time.monotonic()
    timeout = _ABC_DEFAULT_TIMEOUT if timeout is None else timeout
    answer = abc_cec(a, b, timeout=timeout, conflict_limit=params.conflict_budget)
    if answer is None and time.monotonic() - started >= timeout:
        return Verdict.UNDECIDED, f"time limit reached: ABC cec stopped after {timeout:.3g} s"
    if answer is True:
        return Verdict.EQUIVALENT, "ABC cec proved the circuits equivalent"
    if answer is False:
        return Verdict.NOT_EQUIVALENT, "ABC cec found the circuits not equivalent"
    return Verdict.UNDECIDED, (f"ABC cec undecided (conflict limit {params.conflict_budget}, "
                               f"time limit {timeout:g} s)")


def _aigverse(a: Aig, b: Aig, params: EquivalenceParams,
              timeout: float | None) -> tuple[Verdict, str]:
    try:
        from circuitlab.io.aigverse_call import call_deep, call_with_deadline, check_depth
    except ImportError as exc:
        raise ToolNotFoundError(f"the aigverse engine is unavailable ({exc})") from None
    what = "the aigverse engine of cec"
    check_depth(a, what)
    check_depth(b, what)
    limit = params.conflict_budget or 0
    if timeout is None:
        answer = call_deep(_aigverse_check, a, b, limit)
    else:
        finished, answer = call_with_deadline(_aigverse_check, a, b, limit, timeout=timeout,
                                              what=what)
        if not finished:
            return Verdict.UNDECIDED, (f"time limit reached: aigverse equivalence_checking "
                                       f"killed after {timeout:.3g} s")
    if answer is True:
        return Verdict.EQUIVALENT, "aigverse equivalence_checking proved the circuits equivalent"
    if answer is False:
        return Verdict.NOT_EQUIVALENT, "aigverse equivalence_checking found the circuits " \
                                       "not equivalent"
    return Verdict.UNDECIDED, (f"aigverse equivalence_checking undecided (conflict limit "
                               f"{params.conflict_budget})")


def _aigverse_check(a: Aig, b: Aig, conflict_limit: int) -> bool | None:
    from aigverse.algorithms import equivalence_checking

    from circuitlab.io.aigverse_interop import to_aigverse
    return equivalence_checking(to_aigverse(a, names=False), to_aigverse(b, names=False),
                                conflict_limit=conflict_limit)
