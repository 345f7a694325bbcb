"""The one circuit type of circuitlab: an immutable And-Inverter Graph."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from circuitlab.errors import CircuitlabError

LIT_DTYPE = np.int64


def _frozen(values, shape_tail: tuple[int, ...]) -> np.ndarray:
    arr = np.array(values, dtype=LIT_DTYPE).reshape((-1, *shape_tail))
    arr.setflags(write=False)
    return arr


def renumber(lits: np.ndarray, new_var: np.ndarray) -> np.ndarray:
    """Literals ``lits`` with variable ``v`` renamed ``new_var[v]``, complements kept.

    Shapes:
        ``lits`` any shape, ``new_var`` ``[num_vars]``; returns the shape of ``lits``.
    """
    return 2 * new_var[lits >> 1] | (lits & 1)


class Aig:
    """An And-Inverter Graph, frozen after construction.

    Numbering follows AIGER: a *literal* is ``2 * var + complement``; var 0
    is constant false (literal 1 is constant true); vars ``1..I`` are the
    primary inputs, ``I+1..I+L`` the latch outputs, and the AND nodes follow
    in topological order (each AND's fan-ins are smaller variables).

    Args:
        num_inputs: number of primary inputs ``I``.
        ands: ``[A, 2]`` fan-in literals of AND node ``I + L + 1 + k`` in row ``k``.
        outputs: ``[O]`` output literals.
        latches: ``[L, 2]`` rows ``(next-state literal, reset value)``; the
            reset value is 0, 1, or 2 for "uninitialised" (AIGER 1.9).
        input_names, output_names, latch_names: optional names; missing ones
            default to ``i<k>``, ``o<k>``, ``l<k>``.
        comments: free text lines (AIGER comment section).

    Shapes:
        ands: ``[A, 2]``, outputs: ``[O]``, latches: ``[L, 2]``; dtype int64.

    Raises:
        CircuitlabError: when a literal refers to a variable that is not
            defined before it (not topological) or out of range.
    """

    __slots__ = ("_num_inputs", "_ands", "_outputs", "_latches", "_input_names",
                 "_output_names", "_latch_names", "_comments", "_cache")

    def __init__(self, num_inputs: int, ands, outputs, latches=(), *,
                 input_names: Sequence[str] | None = None,
                 output_names: Sequence[str] | None = None,
                 latch_names: Sequence[str] | None = None,
                 comments: Sequence[str] = (), check: bool = True):
        self._num_inputs = int(num_inputs)
        self._ands = _frozen(ands, (2,))
        self._outputs = _frozen(outputs, ())
        self._latches = _frozen(latches, (2,))
        self._input_names = _names(input_names, self._num_inputs, "i")
        self._output_names = _names(output_names, len(self._outputs), "o")
        self._latch_names = _names(latch_names, len(self._latches), "l")
        self._comments = tuple(comments)
        self._cache: dict = {}
        if check:
            self._check()

    def _check(self) -> None:
        if self._num_inputs < 0:
            raise CircuitlabError("negative input count")
        first_and = 1 + self._num_inputs + self.num_latches
        max_lit = 2 * self.num_vars - 1
        if self.num_ands:
            lhs = 2 * np.arange(first_and, first_and + self.num_ands, dtype=LIT_DTYPE)
            bad = np.flatnonzero((self._ands.min(axis=1) < 0)
                                 | (self._ands.max(axis=1) >= lhs))
            if bad.size:
                k = int(bad[0])
                raise CircuitlabError(
                    f"AND node {first_and + k} has fan-in literals {self._ands[k].tolist()} "
                    f"that are not defined before it")
        for what, lits in (("output", self._outputs), ("latch next-state", self._latches[:, 0])):
            bad = np.flatnonzero((lits < 0) | (lits > max_lit))
            if bad.size:
                raise CircuitlabError(f"{what} {int(bad[0])} has literal "
                                      f"{int(lits[bad[0]])} beyond the last variable")
        if self.num_latches and not np.isin(self._latches[:, 1], (0, 1, 2)).all():
            raise CircuitlabError("latch reset values must be 0, 1 or 2 (uninitialised)")

    # --- sizes -----------------------------------------------------------
    @property
    def num_inputs(self) -> int:
        return self._num_inputs

    @property
    def num_latches(self) -> int:
        return len(self._latches)

    @property
    def num_ands(self) -> int:
        return len(self._ands)

    @property
    def num_outputs(self) -> int:
        return len(self._outputs)

    @property
    def num_vars(self) -> int:
        """Variables including constant 0: ``1 + I + L + A``."""
        return 1 + self._num_inputs + self.num_latches + self.num_ands

    @property
    def first_and_var(self) -> int:
        return 1 + self._num_inputs + self.num_latches

    @property
    def is_combinational(self) -> bool:
        return self.num_latches == 0

    # --- arrays (read-only views) ----------------------------------------
    @property
    def ands(self) -> np.ndarray:
        return self._ands

    @property
    def outputs(self) -> np.ndarray:
        return self._outputs

    @property
    def latches(self) -> np.ndarray:
        return self._latches

    @property
    def input_names(self) -> tuple[str, ...]:
        return self._input_names

    @property
    def output_names(self) -> tuple[str, ...]:
        return self._output_names

    @property
    def latch_names(self) -> tuple[str, ...]:
        return self._latch_names

    @property
    def comments(self) -> tuple[str, ...]:
        return self._comments

    # --- transformations -------------------------------------------------
    def cut_latches(self) -> "Aig":
        """The combinational part: latch outputs become extra inputs, next-state
        functions extra outputs (appended after the real ones), as ABC's ``comb``.
        """
        if self.is_combinational:
            return self
        return Aig(self._num_inputs + self.num_latches, self._ands,
                   np.concatenate([self._outputs, self._latches[:, 0]]),
                   input_names=self._input_names + self._latch_names,
                   output_names=self._output_names + tuple(f"{n}_next" for n in self._latch_names),
                   comments=self._comments, check=False)

    def restore_latches(self, comb: "Aig") -> "Aig":
        """The inverse of :meth:`cut_latches`: this circuit's latches, names and
        comments put back on ``comb``, a (possibly optimised) combinational part
        with the interface :meth:`cut_latches` gives.

        Raises:
            CircuitlabError: ``comb``'s input or output count does not match.
        """
        n_in, n_out, n_lat = self._num_inputs, len(self._outputs), self.num_latches
        if (comb.num_inputs, comb.num_outputs) != (n_in + n_lat, n_out + n_lat):
            raise CircuitlabError(f"the optimised circuit has {comb.num_inputs}/"
                                  f"{comb.num_outputs} inputs/outputs, expected "
                                  f"{n_in + n_lat}/{n_out + n_lat}")
        latches = np.stack([comb.outputs[n_out:], self._latches[:, 1]], axis=1) if n_lat else ()
        return Aig(n_in, comb.ands, comb.outputs[:n_out], latches,
                   input_names=self._input_names, output_names=self._output_names,
                   latch_names=self._latch_names, comments=self._comments)

    def with_names(self, input_names=None, output_names=None, latch_names=None) -> "Aig":
        """A copy with some names replaced."""
        return Aig(self._num_inputs, self._ands, self._outputs, self._latches,
                   input_names=input_names or self._input_names,
                   output_names=output_names or self._output_names,
                   latch_names=latch_names or self._latch_names,
                   comments=self._comments, check=False)

    # --- derived facts ---------------------------------------------------
    def derived(self, key: str, compute: Callable[["Aig"], Any]) -> Any:
        """``compute(self)``, computed once per circuit and kept under ``key``.

        The circuit is frozen, so a derived fact (levels, a simulation
        schedule) stays valid; ``compute`` must return a value nobody mutates.
        """
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = compute(self)
        return value

    # --- comparison ------------------------------------------------------
    def structurally_equal(self, other: "Aig", names: bool = True) -> bool:
        """Same numbering, same nodes, same outputs (and names when asked)."""
        same = (self._num_inputs == other._num_inputs
                and np.array_equal(self._ands, other._ands)
                and np.array_equal(self._outputs, other._outputs)
                and np.array_equal(self._latches, other._latches))
        if same and names:
            same = (self._input_names == other._input_names
                    and self._output_names == other._output_names
                    and self._latch_names == other._latch_names)
        return bool(same)

    def __repr__(self) -> str:
        return (f"Aig(inputs={self.num_inputs}, latches={self.num_latches}, "
                f"ands={self.num_ands}, outputs={self.num_outputs})")


def _names(names: Sequence[str] | None, count: int, prefix: str) -> tuple[str, ...]:
    if names is None:
        return tuple(f"{prefix}{k}" for k in range(count))
    names = tuple(str(n) for n in names)
    if len(names) != count:
        raise CircuitlabError(f"{len(names)} names given for {count} {prefix}-signals")
    return names
