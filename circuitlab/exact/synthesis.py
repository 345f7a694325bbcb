"""SAT-based exact synthesis of minimum-AND And-Inverter Graphs.

For ``r`` = a lower bound, the bound + 1, ..., a CNF formula
(:class:`~circuitlab.exact.encoding.Encoding`) asks whether ``r`` two-input
AND gates with free fan-in and output polarities realise the given outputs;
the first satisfiable ``r`` is the minimum, provided every smaller one was
proven unsatisfiable.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from pysat.solvers import Solver, SolverNames

from circuitlab.aig import FALSE, Aig, AigBuilder
from circuitlab.errors import CircuitlabError, require_at_least, require_positive
from circuitlab.exact.encoding import Encoding
from circuitlab.exact.symmetry import first_gate_orbits
from circuitlab.sim.tables import int_to_bits

EXACT_MAX_INPUTS = 6
_FIRST_SLICE = 10_000  # conflicts of the first turn; each later round doubles it


@dataclass(frozen=True)
class ExactParams:
    """Options of :func:`exact_aig`.

    Attributes:
        max_gates: largest gate count tried.
        seconds_per_call: time limit of one SAT call; ``None`` for none.
        conflicts_per_call: conflict limit of one SAT call; ``None`` for none.
        solver: a python-sat solver name (``"cadical153"``, ``"glucose4"``, ...).
        symmetry_breaking: add constraints that some minimum circuit always
            meets, so the result stays optimal: every gate is used, gates
            compute distinct non-trivial functions, no gate is fed by a gate
            and one of that gate's fan-ins, and neighbouring gates that do
            not feed each other come in co-lexicographic order of fan-ins.
    """

    max_gates: int = 12
    seconds_per_call: float | None = 120.0
    conflicts_per_call: int | None = None
    solver: str = "cadical153"
    symmetry_breaking: bool = True

    def __post_init__(self) -> None:
        require_at_least(self.max_gates, 0, "max_gates")
        if self.seconds_per_call is not None:
            require_positive(self.seconds_per_call, "seconds_per_call")
        if self.conflicts_per_call is not None:
            require_positive(self.conflicts_per_call, "conflicts_per_call")
        names = {alias for key, aliases in vars(SolverNames).items()
                 if not key.startswith("_") for alias in aliases}
        if self.solver.lower() not in names:
            raise CircuitlabError(f"unknown SAT solver {self.solver!r}; python-sat offers "
                                  + ", ".join(k for k in vars(SolverNames) if not k.startswith("_")))


@dataclass(frozen=True)
class ExactStats:
    """What :func:`exact_aig` found.

    Attributes:
        gates: AND gates of the returned circuit.
        optimal: every smaller gate count was proven impossible.
        seconds: wall time spent.
        sat_calls: SAT solver calls made.
        lower_bound: the gate count the search started from.
        proven_below: every count below it is proven impossible (the SAT
            calls from ``lower_bound`` up to it were all unsatisfiable).
    """

    gates: int
    optimal: bool
    seconds: float
    sat_calls: int
    lower_bound: int
    proven_below: int = 0


def _bit_rows(tables, num_inputs: int) -> np.ndarray:
    """Outputs as 0/1 rows over minterms.

    Shapes:
        tables: an ``int``, a sequence of ``int``, or an array ``[2^n]`` or
        ``[O, 2^n]`` of 0/1; returns ``[O, 2^n]`` uint8.
    """
    if not 0 <= num_inputs <= EXACT_MAX_INPUTS:
        raise CircuitlabError(f"exact synthesis takes 0 to {EXACT_MAX_INPUTS} inputs, "
                              f"got {num_inputs}")
    width = 1 << num_inputs
    if isinstance(tables, (int, np.integer)):
        tables = [int(tables)]
    if not isinstance(tables, np.ndarray) and all(isinstance(t, (int, np.integer)) for t in tables):
        rows = []
        for t in tables:
            if not 0 <= int(t) < 1 << width:
                raise CircuitlabError(f"truth table {int(t):#x} does not fit {width} bits "
                                      f"({num_inputs} inputs)")
            rows.append(int_to_bits(int(t), num_inputs))
        tables = np.array(rows, dtype=np.int64).reshape(-1, width)
    arr = np.asarray(tables)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != width:
        raise CircuitlabError(f"truth tables of shape {arr.shape} do not match "
                              f"[outputs, {width}] for {num_inputs} inputs")
    if arr.shape[0] == 0:
        raise CircuitlabError("exact synthesis needs at least one output")
    if not np.isin(arr, (0, 1)).all():
        raise CircuitlabError("truth table arrays must hold only 0 and 1")
    return arr.astype(np.uint8)


def _support(rows: np.ndarray, num_inputs: int) -> list[int]:
    """Inputs on which some row depends."""
    minterms = np.arange(rows.shape[1])
    return [i for i in range(num_inputs)
            if (rows != rows[:, minterms ^ (1 << i)]).any()]


def decide(num_inputs: int, targets: np.ndarray, gates: int,
           params: ExactParams) -> tuple[tuple[Encoding, list[int]] | bool | None, int]:
    """Whether ``gates`` gates realise ``targets``, and the solver calls made.

    The whole problem gets one short try; if that does not settle it and
    symmetry breaking is on, it is split into one case per first gate
    (:func:`~circuitlab.exact.symmetry.first_gate_orbits`), and the whole
    problem and the open cases take turns with conflict budgets that double
    each round. "Unsatisfiable" needs the whole problem or every case to be
    unsatisfiable; any satisfiable one gives a circuit.

    Returns:
        ``(encoding, model)`` when satisfiable, ``False`` when not, ``None``
        when the time or conflict budget ran out; and the number of calls.
    """
    deadline = None if params.seconds_per_call is None else \
        time.perf_counter() + params.seconds_per_call
    left = params.conflicts_per_call
    members = [Encoding(num_inputs, targets, gates, params.symmetry_breaking)]
    solvers = [Solver(name=params.solver, bootstrap_with=members[0].clauses)]
    open_cases: list[int] = []
    calls, budget = 0, _FIRST_SLICE
    try:
        while True:
            for k in [0] + open_cases:
                chunk = budget if left is None else min(budget, left)
                if chunk <= 0 or (deadline is not None and time.perf_counter() >= deadline):
                    return None, calls
                solvers[k].conf_budget(chunk)
                result = solvers[k].solve_limited()
                calls += 1
                left = None if left is None else left - chunk
                if result:
                    return (members[k], solvers[k].get_model()), calls
                if result is False:
                    if k == 0:
                        return False, calls
                    open_cases.remove(k)
                    if not open_cases:
                        return False, calls
            if len(members) == 1 and params.symmetry_breaking and gates > 1:
                for first in first_gate_orbits(targets):
                    members.append(Encoding(num_inputs, targets, gates, True, first))
                    solvers.append(Solver(name=params.solver, bootstrap_with=members[-1].clauses))
                    open_cases.append(len(members) - 1)
            else:
                budget *= 2
    finally:
        for solver in solvers:
            solver.delete()


def _gate_lit(builder: AigBuilder, a: int, b: int, fn: tuple[int, ...]) -> int:
    """The normal gate ``fn = (f01, f10, f11)`` of literals ``a`` and ``b``."""
    if fn == (0, 0, 1):
        return builder.and_(a, b)
    if fn == (0, 1, 0):
        return builder.and_(a, b ^ 1)
    if fn == (1, 0, 0):
        return builder.and_(a ^ 1, b)
    return builder.or_(a, b)


def _shannon(builder: AigBuilder, row: np.ndarray, lits: list[int], memo: dict) -> int:
    """A literal for ``row`` by Shannon expansion on the top input (no optimality)."""
    key = row.tobytes()
    if key not in memo:
        if not row.any() or row.all():
            memo[key] = int(row[0])
        else:
            half = len(row) // 2
            low = _shannon(builder, row[:half], lits, memo)
            high = _shannon(builder, row[half:], lits, memo)
            memo[key] = builder.mux(lits[half.bit_length() - 1], high, low)
    return memo[key]


def exact_aig(tables, num_inputs: int,
              params: ExactParams = ExactParams()) -> tuple[Aig, ExactStats]:
    """A circuit with the fewest AND gates that computes ``tables``.

    Inputs outside the support are dropped from the search (a circuit using
    them folds to one of no more gates without them). Constant and literal
    outputs take no gate; outputs equal up to complement share one. When
    no circuit of up to ``params.max_gates`` gates is found, a Shannon
    expansion is returned with ``optimal=False``.

    Args:
        tables: one truth table as an ``int`` (bit ``m`` = value on minterm
            ``m``, input ``i`` = bit ``i`` of ``m``), a sequence of them, or
            a 0/1 array.
        num_inputs: ``n``, at most ``EXACT_MAX_INPUTS``.
        params: limits and solver.

    Shapes:
        tables as an array: ``[2^n]`` or ``[O, 2^n]``.

    Returns:
        The circuit (``n`` inputs, one output per row) and its stats.

    Raises:
        CircuitlabError: for too many inputs, a table wider than ``2^n``
            bits or an array of the wrong shape.
    """
    start = time.perf_counter()
    problem = Problem.of(_bit_rows(tables, num_inputs))
    builder = AigBuilder()
    input_lits = builder.add_inputs(num_inputs)
    lits = [input_lits[i] for i in problem.support]
    gate_lits, proven_below, sat_calls = _search(builder, lits, problem.targets, problem.lower,
                                                 params)
    aig = problem.build(builder, lits, gate_lits)
    optimal = proven_below >= aig.num_ands
    stats = ExactStats(aig.num_ands, optimal, time.perf_counter() - start, sat_calls,
                       problem.lower, proven_below)
    return aig, stats


@dataclass(frozen=True)
class Problem:
    """Outputs reduced to the distinct gate functions exact synthesis must find.

    Attributes:
        support: the inputs some output depends on.
        kinds: per output, ``("const", 0)``, ``("lit", q)`` (support input
            ``q``) or ``("gate", h)`` (target ``h``), complemented where
            ``polarity`` is 1.
        polarity: per output, its value on minterm 0.
        targets: distinct normal rows over the support's minterms.
        lower: a gate count no circuit of these targets goes below.

    Shapes:
        targets: ``[T, 2^len(support)]`` uint8.
    """

    support: list[int]
    kinds: list[tuple[str, int]]
    polarity: list[int]
    targets: np.ndarray
    lower: int

    @staticmethod
    def of(rows: np.ndarray) -> "Problem":
        """The problem of realising 0/1 ``rows`` (``[O, 2^n]``)."""
        n_all = rows.shape[1].bit_length() - 1
        support = _support(rows, n_all)
        n = len(support)
        full_minterm = np.zeros(1 << n, dtype=np.int64)
        for q, i in enumerate(support):
            full_minterm |= ((np.arange(1 << n) >> q) & 1) << i
        rows = rows[:, full_minterm]
        kinds, targets = _split_outputs(rows ^ rows[:, :1])
        lower = max([len(targets)] + [len(_support(row[None, :], n)) - 1 for row in targets])
        return Problem(support, kinds, rows[:, 0].tolist(), targets, lower)

    def build(self, builder: AigBuilder, lits: list[int], gate_lits: list[int]) -> Aig:
        """The circuit: outputs from the support's ``lits`` and the targets' ``gate_lits``."""
        for (kind, index), pol in zip(self.kinds, self.polarity):
            base = FALSE if kind == "const" else lits[index] if kind == "lit" else gate_lits[index]
            builder.add_output(base ^ int(pol))
        return builder.build()


def realise(builder: AigBuilder, lits: list[int], enc: Encoding, model: list[int]) -> list[int]:
    """Literals of ``enc``'s targets, built from a satisfying ``model`` on ``lits``."""
    gates, outs = enc.decode(model)
    node_lit = list(lits)
    for i in sorted(gates):
        j, k, fn = gates[i]
        node_lit.append(_gate_lit(builder, node_lit[j], node_lit[k], fn))
    return [node_lit[i] for i in outs]


def _split_outputs(normal: np.ndarray) -> tuple[list[tuple[str, int]], np.ndarray]:
    """Each output as ``("const", 0)``, ``("lit", input)`` or ``("gate", target)``.

    Shapes:
        normal: ``[O, 2^n]`` rows with column 0 all zero; returns the
        distinct rows that need a gate, ``[T, 2^n]``.
    """
    width = normal.shape[1]
    n = width.bit_length() - 1
    literal_rows = {((np.arange(width) >> q) & 1).astype(np.uint8).tobytes(): q
                    for q in range(n)}
    targets: dict[bytes, int] = {}
    kinds = []
    for row in normal:
        key = row.tobytes()
        if not row.any():
            kinds.append(("const", 0))
        elif key in literal_rows:
            kinds.append(("lit", literal_rows[key]))
        else:
            kinds.append(("gate", targets.setdefault(key, len(targets))))
    rows = np.array([np.frombuffer(k, dtype=np.uint8) for k in targets], dtype=np.uint8)
    return kinds, rows.reshape(len(targets), width)


def _search(builder: AigBuilder, lits: list[int], targets: np.ndarray, lower: int,
            params: ExactParams) -> tuple[list[int], int, int]:
    """Literals of ``targets`` from the smallest satisfiable gate count.

    Returns:
        The target literals, the count below which every count was proven
        impossible, and the number of SAT solver calls.
    """
    if not len(targets):
        return [], 0, 0
    proven_below, sat_calls = lower, 0
    for r in range(lower, params.max_gates + 1):
        result, calls = decide(len(lits), targets, r, params)
        sat_calls += calls
        if result is False and proven_below == r:
            proven_below = r + 1
        elif result:
            return realise(builder, lits, *result), proven_below, sat_calls
    memo: dict = {}
    return [_shannon(builder, row, lits, memo) for row in targets], proven_below, sat_calls
