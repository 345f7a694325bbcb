"""The best of several synthesis scripts, every result checked against its source.

:func:`best_of_scripts` runs each :class:`Script` on every circuit and keeps
a result only when it is equivalent to its source: on the exhaustive truth
tables up to :data:`~circuitlab.sim.simulate.MAX_EXHAUSTIVE_INPUTS` inputs,
otherwise by :func:`circuitlab.verify.check_equivalence` (an undecided
check counts as a rejection). A script that fails or returns a wrong
circuit is recorded as rejected; it never becomes the result.

The scripts (:class:`~circuitlab.synth.vocabulary.Script`: a recipe, or
:data:`DEEPSYN`, ``&get -n; &deepsyn <options>; &put`` with ABC's standard
aliases) run through :func:`circuitlab.synth.recipes.run_batch`: on batches
of :attr:`BestOfParams.batch_size` circuits per ABC process or aigverse
network, a failing batch retried circuit by circuit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.ops import depth
from circuitlab.errors import CircuitlabError
from circuitlab.sim.simulate import MAX_EXHAUSTIVE_INPUTS, truth_tables
from circuitlab.synth.recipes import run_batch
from circuitlab.synth.vocabulary import DEEPSYN, SCRIPT_ENGINES, Script, check_deepsyn_options
from circuitlab.verify import Verdict, check_equivalence

__all__ = ["DEEPSYN", "SCRIPT_ENGINES", "BestOf", "BestOfParams", "Script", "best_of_scripts",
           "check_deepsyn_options"]

@dataclass(frozen=True)
class BestOfParams:
    """How the scripts run.

    Attributes:
        batch_size: circuits per ABC process and per aigverse union network.
        timeout: seconds allowed per circuit and script (an ABC batch gets
            ``batch_size`` times this; ``&deepsyn -T`` its own limit on top).
    """

    batch_size: int = 256
    timeout: float = 30.0

    def __post_init__(self):
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise CircuitlabError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if not (isinstance(self.timeout, (int, float)) and self.timeout > 0):
            raise CircuitlabError(f"timeout must be a positive number of seconds, "
                                  f"got {self.timeout!r}")


@dataclass(frozen=True)
class BestOf:
    """The checked results of the scripts on one circuit.

    Attributes:
        source: the circuit.
        results: every equivalent result, by script, in the scripts' order,
            with the source's input and output names.
        rejected: scripts that failed or returned a circuit not equivalent
            to the source.
        seconds: wall time of each script over the whole call (all circuits).
    """

    source: Aig
    results: Mapping[Script, Aig] = field(default_factory=dict)
    rejected: tuple[Script, ...] = ()
    seconds: Mapping[Script, float] = field(default_factory=dict)

    @property
    def ands(self) -> dict[Script, int]:
        """AND count of each equivalent result."""
        return {s: a.num_ands for s, a in self.results.items()}

    @cached_property
    def ranked(self) -> list[tuple[Script | None, Aig]]:
        """The source (``None``) and every result, smallest first: fewest ANDs,
        then least depth, then the source, then the scripts' order."""
        items = [(None, self.source), *self.results.items()]
        order = sorted(range(len(items)),
                       key=lambda k: (items[k][1].num_ands, depth(items[k][1]), k))
        return [items[k] for k in order]

    @property
    def best(self) -> Script | None:
        """The script of the smallest result (``None``: nothing beat the source)."""
        return self.ranked[0][0]

    @property
    def aig(self) -> Aig:
        """The smallest equivalent circuit (the source when nothing is smaller)."""
        return self.ranked[0][1]


def best_of_scripts(aigs: Sequence[Aig], scripts: Sequence[Script],
                    params: BestOfParams = BestOfParams()) -> list[BestOf]:
    """Run every script on every circuit; one checked :class:`BestOf` per circuit, in order.

    Raises:
        CircuitlabError: a sequential circuit (cut its latches first).
        ToolNotFoundError: an ``"abc"`` script without ABC installed.
    """
    aigs = list(aigs)
    for k, aig in enumerate(aigs):
        if not aig.is_combinational:
            raise CircuitlabError(f"circuit {k} ({aig!r}): the scripts take combinational "
                                  "circuits (use cut_latches())")
    raw: dict[Script, list[Aig | None]] = {}
    seconds: dict[Script, float] = {}
    for script in scripts:
        start = time.perf_counter()
        raw[script] = run_batch(aigs, script, params.batch_size, params.timeout)
        seconds[script] = time.perf_counter() - start
    return [_check(aig, {s: r[k] for s, r in raw.items()}, seconds)
            for k, aig in enumerate(aigs)]


def _check(source: Aig, found: dict[Script, Aig | None],
           seconds: dict[Script, float]) -> BestOf:
    exhaustive = source.num_inputs <= MAX_EXHAUSTIVE_INPUTS
    table = truth_tables(source) if exhaustive and found else None
    results: dict[Script, Aig] = {}
    rejected: list[Script] = []
    for script, result in found.items():
        if (result is None or (result.num_inputs, result.num_outputs)
                != (source.num_inputs, source.num_outputs)
                or not _equivalent(source, result, table)):
            rejected.append(script)
            continue
        results[script] = (result if result is source
                           else result.with_names(source.input_names, source.output_names))
    return BestOf(source, results, tuple(rejected), dict(seconds))


def _equivalent(source: Aig, result: Aig, table) -> bool:
    if table is not None:
        return bool(np.array_equal(truth_tables(result), table))
    return check_equivalence(source, result, match="position").verdict is Verdict.EQUIVALENT
