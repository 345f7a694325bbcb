"""The answer of an equivalence check: a verdict that never pretends to be a bool."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verdict(enum.Enum):
    """Outcome of an equivalence check.

    ``UNDECIDED`` means no engine finished within its limits (conflict
    budget, time, or exhaustive simulation out of reach): it says nothing
    about the circuits.
    """

    EQUIVALENT = "equivalent"
    NOT_EQUIVALENT = "not equivalent"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class EquivalenceResult:
    """What :func:`~circuitlab.verify.check_equivalence` found, and how.

    Truth value: converting a result to ``bool`` raises ``TypeError``, so
    that ``if check_equivalence(a, b):`` cannot silently read an undecided
    check as "equivalent" (or as "not equivalent"). Ask explicitly:
    ``result.equivalent``, ``result.verdict is Verdict.NOT_EQUIVALENT``.

    Attributes:
        verdict: :class:`Verdict`.
        engine: what decided: ``"structural"`` (the outputs strash to the
            same literals), ``"exhaustive-sim"``, ``"random-sim"``, ``"sat"``,
            ``"abc"`` or ``"aigverse"``; for an undecided check, the last
            engine tried.
        counterexample: for ``NOT_EQUIVALENT``, input name -> 0/1 (names of
            the first circuit; for sequential circuits the latch names give
            the current state), verified by simulating both circuits; ``None``
            otherwise, or when an external engine refuted without one.
        failing_output: name (in the first circuit) of an output that differs
            under ``counterexample``; a latch's next state is ``"<latch>_next"``.
        seconds: wall-clock time of the whole check.
        reason: one line saying why this verdict (which budget ran out, which
            engine proved it, ...).
    """

    verdict: Verdict
    engine: str
    counterexample: dict[str, int] | None
    failing_output: str | None
    seconds: float
    reason: str

    @property
    def equivalent(self) -> bool:
        """``True`` only for a proof of equivalence (``False`` when undecided too)."""
        return self.verdict is Verdict.EQUIVALENT

    @property
    def decided(self) -> bool:
        return self.verdict is not Verdict.UNDECIDED

    def __bool__(self) -> bool:
        raise TypeError("an EquivalenceResult has no truth value (it may be UNDECIDED): "
                        "test result.equivalent or result.verdict")

    def summary(self) -> str:
        """One line: verdict, engine and time."""
        return f"{self.verdict.value.upper()} (engine {self.engine}, {self.seconds:.3f} s)"
