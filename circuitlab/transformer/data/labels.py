"""Labels for training pairs: the smallest equivalent circuit classical synthesis finds.

Every source circuit is optimised by several scripts; each result is
checked against the source on its exhaustive truth table (sources have at
most 16 inputs) and discarded, and counted, when it differs. The label is
the smallest candidate (fewest ANDs, then least depth, then the earlier
candidate), the source itself included, among those that ``fits`` accepts.

Candidates, in tie-breaking order after ``"source"``:

* ``"abc:<script>"`` for each of ``LabelParams.abc_scripts`` (ABC's
  ``resyn2`` and ``compress2rs`` by default), run by ABC on batches of
  ``batch_size`` circuits per process;
* ``"abc:deepsyn"``: ``&get -n; &deepsyn <options>; &put`` with ABC's
  standard aliases (off by default: ``-T 1`` costs one to two seconds of
  wall-clock time per circuit, and a time limit makes the result depend on
  the machine's speed);
* ``"aigverse:<script>"`` for each of ``LabelParams.aigverse_scripts``
  (``compress2rs``), run in-process by aigverse on the disjoint union of
  a batch (one network per batch: each aigverse rewriting call pays a
  fixed ~0.15 s set-up that would dominate small circuits).

ABC is optional: without it (``use_abc=None``) only the aigverse scripts run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.ops import depth, disjoint_union, split_union
from circuitlab.errors import CircuitlabError, ToolError
from circuitlab.sim.simulate import MAX_EXHAUSTIVE_INPUTS, truth_tables
from circuitlab.synth import aigverse_engine
from circuitlab.synth.abc import abc_available, run_abc_batch
from circuitlab.synth.recipes import parse_recipe

__all__ = ["Label", "LabelParams", "LabelStats", "label_circuits", "label_stats"]

SOURCE = "source"
DEEPSYN = "abc:deepsyn"
_DEEPSYN_OPTIONS = re.compile(r"^\s*(?:-[IJTAS]\s+\d+\s*|-[tv]\s*)*$")


@dataclass(frozen=True)
class LabelParams:
    """Which scripts label a circuit.

    Attributes:
        abc_scripts: ABC recipes: names of :data:`circuitlab.synth.recipes.SCRIPTS`
            or ``;``-separated steps.
        aigverse_scripts: recipes run by the aigverse engine.
        deepsyn: also run ABC's ``&deepsyn`` (slow; see the module docstring).
        deepsyn_options: options of ``&deepsyn`` (``-I -J -T -A -S`` with a
            number, ``-t``, ``-v``); ``"-J 20 -T 30"`` stops on 20 steps
            without improvement instead of on the clock.
        use_abc: ``None``: ABC's scripts run when ABC is installed; ``False``:
            never; ``True``: always (missing ABC is an error).
        batch_size: circuits per ABC process and per aigverse union network.
        timeout: seconds allowed per circuit and script (an ABC batch gets
            ``batch_size`` times this; ``&deepsyn`` its own limit on top).
    """

    abc_scripts: tuple[str, ...] = ("resyn2", "compress2rs")
    aigverse_scripts: tuple[str, ...] = ("compress2rs",)
    deepsyn: bool = False
    deepsyn_options: str = "-T 1"
    use_abc: bool | None = None
    batch_size: int = 256
    timeout: float = 30.0

    def __post_init__(self):
        for attr in ("abc_scripts", "aigverse_scripts"):
            value = getattr(self, attr)
            if isinstance(value, str):
                raise CircuitlabError(f"{attr} must be a tuple of recipes, got the string "
                                      f"{value!r}")
            object.__setattr__(self, attr, tuple(value))
            for script in getattr(self, attr):
                parse_recipe(script)  # raises on an unknown step
        if not _DEEPSYN_OPTIONS.match(self.deepsyn_options):
            raise CircuitlabError(f"deepsyn_options {self.deepsyn_options!r}: expected options "
                                  "of &deepsyn such as '-T 1' or '-J 20 -T 30'")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise CircuitlabError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if not (isinstance(self.timeout, (int, float)) and self.timeout > 0):
            raise CircuitlabError(f"timeout must be a positive number of seconds, "
                                  f"got {self.timeout!r}")

    def candidate_names(self, abc: bool) -> tuple[str, ...]:
        """Names of the candidates besides the source, in tie-breaking order."""
        names = [f"abc:{s}" for s in self.abc_scripts] if abc else []
        if abc and self.deepsyn:
            names.append(DEEPSYN)
        return tuple(names + [f"aigverse:{s}" for s in self.aigverse_scripts])

    def to_dict(self) -> dict:
        return {"abc_scripts": list(self.abc_scripts),
                "aigverse_scripts": list(self.aigverse_scripts), "deepsyn": self.deepsyn,
                "deepsyn_options": self.deepsyn_options, "use_abc": self.use_abc,
                "batch_size": self.batch_size, "timeout": self.timeout}


@dataclass(frozen=True)
class Label:
    """The label of one source circuit.

    Attributes:
        aig: the chosen circuit, equivalent to the source, with its names.
        best: the candidate it came from (``"source"`` when nothing was smaller).
        source_ands: AND count of the source.
        ands: AND count of every candidate that returned an equivalent circuit.
        rejected: candidates whose result was not equivalent or that failed.
        fits: whether ``aig`` passed the ``fits`` filter (when no candidate
            does, ``aig`` is the source and ``fits`` is False).
    """

    aig: Aig
    best: str
    source_ands: int
    ands: Mapping[str, int] = field(default_factory=dict)
    rejected: tuple[str, ...] = ()
    fits: bool = True


def label_circuits(aigs: Sequence[Aig], params: LabelParams = LabelParams(),
                   fits: Callable[[Aig], bool] | None = None) -> list[Label]:
    """Label each circuit with the smallest equivalent circuit the scripts find.

    Args:
        aigs: combinational circuits with at most 16 inputs.
        params: the scripts and how to run them.
        fits: optional filter (e.g. a tokeniser's length check): the
            smallest candidate it accepts wins.

    Returns:
        One :class:`Label` per circuit, in order.

    Raises:
        CircuitlabError: a sequential circuit or one with too many inputs.
        ToolNotFoundError: ``use_abc=True`` without ABC installed.
    """
    aigs = list(aigs)
    for k, aig in enumerate(aigs):
        if not aig.is_combinational or aig.num_inputs > MAX_EXHAUSTIVE_INPUTS:
            raise CircuitlabError(f"circuit {k} ({aig!r}): labels need combinational circuits "
                                  f"with at most {MAX_EXHAUSTIVE_INPUTS} inputs")
    use_abc = abc_available() if params.use_abc is None else params.use_abc
    results: dict[str, list[Aig | None]] = {}
    if use_abc:
        for script in params.abc_scripts:
            commands = [str(s) for s in parse_recipe(script)]
            results[f"abc:{script}"] = _abc(aigs, commands, params, aliases=False, extra=0.0)
        if params.deepsyn:
            commands = ["&get -n", f"&deepsyn {params.deepsyn_options.strip()}", "&put"]
            results[DEEPSYN] = _abc(aigs, commands, params, aliases=True,
                                    extra=_deepsyn_seconds(params.deepsyn_options))
    for script in params.aigverse_scripts:
        results[f"aigverse:{script}"] = _aigverse(aigs, script, params.batch_size)
    return [_choose(aig, {name: r[k] for name, r in results.items()}, fits)
            for k, aig in enumerate(aigs)]


def _choose(source: Aig, results: dict[str, Aig | None],
            fits: Callable[[Aig], bool] | None) -> Label:
    table = truth_tables(source)
    ands: dict[str, int] = {}
    rejected: list[str] = []
    candidates = [(source.num_ands, depth(source), 0, SOURCE, source)]
    for rank, (name, result) in enumerate(results.items(), start=1):
        if (result is None or (result.num_inputs, result.num_outputs)
                != (source.num_inputs, source.num_outputs)
                or not np.array_equal(truth_tables(result), table)):
            rejected.append(name)
            continue
        ands[name] = result.num_ands
        candidates.append((result.num_ands, depth(result), rank, name, result))
    candidates.sort(key=lambda c: c[:3])
    chosen = next((c for c in candidates if fits is None or fits(c[4])), None)
    ok = chosen is not None
    if not ok:
        chosen = candidates[[c[3] for c in candidates].index(SOURCE)]
    aig = chosen[4]
    if aig is not source:
        aig = aig.with_names(source.input_names, source.output_names)
    return Label(aig=aig, best=chosen[3], source_ands=source.num_ands, ands=ands,
                 rejected=tuple(rejected), fits=ok)


# --- ABC ---------------------------------------------------------------------------
def _deepsyn_seconds(options: str) -> float:
    found = re.search(r"-T\s+(\d+)", options)
    return 2.0 * int(found.group(1)) + 1.0 if found else 0.0


def _abc(aigs: list[Aig], commands: list[str], params: LabelParams, aliases: bool,
         extra: float) -> list[Aig | None]:
    """ABC results in batches; a failed batch is retried circuit by circuit,
    and a circuit that fails alone gets ``None``."""
    out: list[Aig | None] = []
    per_circuit = params.timeout + extra
    for start in range(0, len(aigs), params.batch_size):
        chunk = aigs[start:start + params.batch_size]
        try:
            out += run_abc_batch(chunk, commands, per_circuit * len(chunk), aliases=aliases)
        except ToolError:
            for aig in chunk:
                try:
                    out += run_abc_batch([aig], commands, per_circuit, aliases=aliases)
                except ToolError:
                    out.append(None)
    return out


# --- aigverse on disjoint unions ---------------------------------------------------
def _aigverse(aigs: list[Aig], script: str, batch_size: int) -> list[Aig | None]:
    steps = parse_recipe(script)
    out: list[Aig | None] = []
    for start in range(0, len(aigs), batch_size):
        chunk = aigs[start:start + batch_size]
        try:
            out += split_union(aigverse_engine.run_steps(disjoint_union(chunk), steps),
                               [(a.num_inputs, a.num_outputs) for a in chunk])
        except CircuitlabError:
            for aig in chunk:
                try:
                    out.append(aigverse_engine.run_steps(aig, steps))
                except CircuitlabError:
                    out.append(None)
    return out


# --- statistics ----------------------------------------------------------------------
@dataclass(frozen=True)
class LabelStats:
    """Summary of a labelling run.

    Attributes:
        circuits: labels summarised.
        mean_source_ands, mean_label_ands: mean AND counts.
        mean_ands: mean AND count per candidate, over the circuits where it
            returned an equivalent result.
        wins: how often each candidate (``"source"`` included) was chosen.
        rejected: how often each candidate was non-equivalent or failed.
        not_fitting: labels where no candidate passed ``fits``.
    """

    circuits: int
    mean_source_ands: float
    mean_label_ands: float
    mean_ands: dict[str, float]
    wins: dict[str, int]
    rejected: dict[str, int]
    not_fitting: int


def label_stats(labels: Sequence[Label]) -> LabelStats:
    """Summarise labels (means are 0.0 over no circuits)."""
    names: dict[str, list[int]] = {}
    wins: dict[str, int] = {}
    rejected: dict[str, int] = {}
    for lab in labels:
        for name, n in lab.ands.items():
            names.setdefault(name, []).append(n)
        wins[lab.best] = wins.get(lab.best, 0) + 1
        for name in lab.rejected:
            rejected[name] = rejected.get(name, 0) + 1

    def mean(xs) -> float:
        return float(np.mean(xs)) if len(xs) else 0.0

    return LabelStats(circuits=len(labels),
                      mean_source_ands=mean([lab.source_ands for lab in labels]),
                      mean_label_ands=mean([lab.aig.num_ands for lab in labels]),
                      mean_ands={k: mean(v) for k, v in names.items()}, wins=wins,
                      rejected=rejected, not_fitting=sum(not lab.fits for lab in labels))
