"""Labels for training pairs: the smallest equivalent circuit classical synthesis finds.

Every source circuit is optimised by several scripts
(:func:`circuitlab.synth.best_of.best_of_scripts`, which checks each result
against the source on its exhaustive truth table and discards, and counts,
those that differ). The label is the smallest candidate (fewest ANDs, then
least depth, then the earlier candidate), the source itself included, among
those that ``fits`` accepts.

Candidates, in tie-breaking order after ``"source"``, named
``str(script)`` (``"<engine>:<script>"``):

* ``"abc:<script>"`` for each of ``LabelParams.abc_scripts`` (ABC's
  ``resyn2`` and ``compress2rs`` by default);
* ``"abc:deepsyn"``: ABC's ``&deepsyn <options>`` (off by default: ``-T 1``
  costs one to two seconds of wall-clock time per circuit, and a time limit
  makes the result depend on the machine's speed);
* ``"aigverse:<script>"`` for each of ``LabelParams.aigverse_scripts``
  (``compress2rs``).

ABC is optional: without it (``use_abc=None``) only the aigverse scripts run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError
from circuitlab.sim.simulate import MAX_EXHAUSTIVE_INPUTS
from circuitlab.synth.abc import abc_available
from circuitlab.synth.best_of import (DEEPSYN, BestOf, BestOfParams, Script, best_of_scripts,
                                      check_deepsyn_options)
from circuitlab.synth.recipes import parse_recipe

__all__ = ["Label", "LabelParams", "LabelSummary", "label_circuits", "label_stats"]

SOURCE = "source"


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
        check_deepsyn_options(self.deepsyn_options, "deepsyn_options")
        self.run_params()  # raises on a bad batch_size or timeout

    def scripts(self, abc: bool) -> tuple[Script, ...]:
        """The candidate scripts besides the source, in tie-breaking order."""
        found = [Script("abc", s) for s in self.abc_scripts] if abc else []
        if abc and self.deepsyn:
            found.append(Script("abc", DEEPSYN, self.deepsyn_options))
        return tuple(found + [Script("aigverse", s) for s in self.aigverse_scripts])

    def candidate_names(self, abc: bool) -> tuple[str, ...]:
        """Names of the candidates besides the source, in tie-breaking order."""
        return tuple(str(s) for s in self.scripts(abc))

    def run_params(self) -> BestOfParams:
        return BestOfParams(batch_size=self.batch_size, timeout=self.timeout)

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
    found = best_of_scripts(aigs, params.scripts(bool(use_abc)), params.run_params())
    return [_choose(f, fits) for f in found]


def _choose(found: BestOf, fits: Callable[[Aig], bool] | None) -> Label:
    ranked = found.ranked
    chosen = next(((s, a) for s, a in ranked if fits is None or fits(a)), None)
    ok = chosen is not None
    script, aig = chosen if ok else (None, found.source)
    return Label(aig=aig, best=SOURCE if script is None else str(script),
                 source_ands=found.source.num_ands,
                 ands={str(s): n for s, n in found.ands.items()},
                 rejected=tuple(str(s) for s in found.rejected), fits=ok)


# --- statistics ----------------------------------------------------------------------
@dataclass(frozen=True)
class LabelSummary:
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


def label_stats(labels: Sequence[Label]) -> LabelSummary:
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

    return LabelSummary(circuits=len(labels),
                      mean_source_ands=mean([lab.source_ands for lab in labels]),
                      mean_label_ands=mean([lab.aig.num_ands for lab in labels]),
                      mean_ands={k: mean(v) for k, v in names.items()}, wins=wins,
                      rejected=rejected, not_fitting=sum(not lab.fits for lab in labels))
