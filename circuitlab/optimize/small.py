"""Shrinking a small circuit: transformer search, classical scripts, and both combined.

:func:`optimize_circuits` runs the circuit transformer's search on each
circuit. With ``classical=True`` it also runs ``resyn2`` and
``compress2rs`` (ABC, or aigverse without ABC), with ABC also
``&deepsyn`` (:attr:`OptimizeParams.deepsyn`), and searches again from the
best classical result; with ``polish=True`` as well, the two scripts then
run on every distinct circuit the model proposed. The model's proposals
differ in structure from what local rewriting reaches from the source, so
polishing them finds circuits that neither finds alone. With ``exact``
set, SAT-based exact synthesis (:func:`circuitlab.exact.shrink.shrink`)
then looks for a circuit with fewer gates than the smallest candidate. The
smallest equivalent candidate wins. The model's own result and the polished
one are reported separately, so what the model contributes stays visible.
The winner is re-checked with :func:`circuitlab.verify.check_equivalence`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Sequence

from circuitlab.aig import Aig
from circuitlab.errors import CircuitlabError
from circuitlab.exact.shrink import ShrinkParams, shrink
from circuitlab.optimize.params import OptimizeParams
from circuitlab.parallel import pmap
from circuitlab.synth.best_of import DEEPSYN, Script, best_of_scripts
from circuitlab.synth.recipes import resolve_engine
from circuitlab.transformer.search import search
from circuitlab.transformer.tokenizer import TokenizeError, Tokenizer
from circuitlab.verify import Verdict, check_equivalence

__all__ = ["CLASSICAL_SCRIPTS", "OptimizeParams", "OptimizeResult", "check_fits",
           "classical_scripts", "optimize_circuits", "polish", "shrink_all"]

SOURCE = "source"
CLASSICAL_SCRIPTS = ("resyn2", "compress2rs")


@dataclass
class OptimizeResult:
    """One circuit's outcome.

    Attributes:
        aig: the smallest candidate, proven equivalent to ``source``.
        best: the name of the candidate it came from.
        transformer_ands: the model's own best circuit (``None`` when no
            decode finished).
        candidates: AND count per candidate: ``source``, ``transformer``,
            ``transformer+polish`` (the scripts run on the model's circuits),
            the scripts by name (``deepsyn`` too), ``transformer+classical`` (the model
            run on the best classical result, its circuits polished too) and
            ``exact`` (the SAT search below the best of the others).
    """

    source: Aig
    aig: Aig
    best: str
    transformer_ands: int | None
    candidates: dict[str, int] = field(default_factory=dict)
    verdict: Verdict = Verdict.UNDECIDED
    seconds: float = 0.0


def optimize_circuits(aigs: Sequence[Aig], model, tokenizer: Tokenizer,
                      params: OptimizeParams = OptimizeParams()) -> list[OptimizeResult]:
    """Optimise every circuit; the result of each is proven equivalent to its source.

    Raises:
        TokenizeError: a circuit exceeds the model's limits (inputs, outputs, size).
        CircuitlabError: a result could not be proven equivalent (a bug).
    """
    start = time.perf_counter()
    for k, aig in enumerate(aigs):
        tokenizer.check(aig, what=f"circuit {k}" if len(aigs) > 1 else "the circuit")
    own, _ = search(model, tokenizer, aigs, params.search)
    cands: list[dict[str, Aig]] = [{SOURCE: aig} for aig in aigs]
    sizes: list[dict[str, int]] = [{} for _ in aigs]
    for c, res in zip(cands, own):
        if res.decoded is not None:
            c["transformer"] = res.decoded
    if params.classical:
        found = best_of_scripts(aigs, classical_scripts(params.engine, params.deepsyn))
        for c, size, f in zip(cands, sizes, found):
            size.update({s.script: n for s, n in f.ands.items()})
            if f.best is not None:
                c[f.best.script] = f.aig
        second = [f.aig if tokenizer.fits(f.aig) else aig for f, aig in zip(found, aigs)]
        again, _ = search(model, tokenizer, second, params.search)
        if params.polish:
            _offer(cands, "transformer+polish", polish([r.pool for r in own], params.engine))
            _offer(cands, "transformer+classical",
                   polish([r.pool for r in again], params.engine))
        _offer(cands, "transformer+classical", [r.decoded for r in again])
    # ties go to the source, then to the classical scripts: the model is credited
    # only with circuits strictly smaller than theirs
    names = [min(c, key=lambda n: (c[n].num_ands, n != SOURCE, n not in size))
             for c, size in zip(cands, sizes)]
    if params.exact is not None:
        _offer(cands, "exact", shrink_all([c[n] for c, n in zip(cands, names)], params.exact,
                                          params.jobs))
        names = [n if c["exact"].num_ands >= c[n].num_ands else "exact"
                 for c, n in zip(cands, names)]
    out_list = []
    for aig, res, c, size, name in zip(aigs, own, cands, sizes, names):
        best = c[name].with_names(aig.input_names, aig.output_names)
        verdict = check_equivalence(aig, best, match="position").verdict
        if verdict is not Verdict.EQUIVALENT:
            raise CircuitlabError(f"internal error: the {name} result is {verdict.name} "
                                  "to its source; please report it")
        counts = {n: a.num_ands for n, a in c.items()}
        counts.update(size)
        out_list.append(OptimizeResult(
            aig, best, name, None if res.decoded is None else res.decoded.num_ands,
            counts, verdict))
    elapsed = time.perf_counter() - start
    for r in out_list:
        r.seconds = elapsed / max(1, len(out_list))
    return out_list


def classical_scripts(engine: str = "auto", deepsyn: str | None = None) -> tuple[Script, ...]:
    """The classical scripts (:data:`CLASSICAL_SCRIPTS`) on one engine.

    ``deepsyn`` adds ABC's ``&deepsyn`` with these options (ABC only).
    """
    if resolve_engine(engine) == "abc":
        extra = (Script("abc", DEEPSYN, deepsyn),) if deepsyn is not None else ()
        return tuple(Script("abc", s) for s in CLASSICAL_SCRIPTS) + extra
    return tuple(Script("aigverse", s) for s in CLASSICAL_SCRIPTS)


def polish(pools: Sequence[Sequence[Aig]], engine: str = "auto") -> list[Aig | None]:
    """Per pool, the smallest of its circuits after the classical scripts.

    All circuits of all pools go through the scripts together (one ABC
    process per batch); every result is checked against its own circuit.
    An empty pool gives ``None``.
    """
    flat = [aig for pool in pools for aig in pool]
    found = best_of_scripts(flat, classical_scripts(engine)) if flat else []
    out: list[Aig | None] = []
    k = 0
    for pool in pools:
        best = min(found[k:k + len(pool)], key=lambda f: f.aig.num_ands, default=None)
        out.append(None if best is None else best.aig)
        k += len(pool)
    return out


def shrink_all(aigs: Sequence[Aig], params: ShrinkParams, jobs: int = 1) -> list[Aig]:
    """:func:`~circuitlab.exact.shrink.shrink` on each circuit, in ``jobs`` processes."""
    if jobs <= 1 or len(aigs) < 2:
        return [shrink(aig, params)[0] for aig in aigs]
    found = dict(pmap(shrink, [(aig, params) for aig in aigs], jobs, spawn=True))
    return [found[k][0] for k in range(len(aigs))]


def _offer(cands: list[dict[str, Aig]], name: str, found: Sequence[Aig | None]) -> None:
    """Record ``found[k]`` as candidate ``name`` of circuit ``k`` when it is smaller."""
    for c, aig in zip(cands, found):
        if aig is not None and (name not in c or aig.num_ands < c[name].num_ands):
            c[name] = aig


def check_fits(tokenizer: Tokenizer, aig: Aig, path) -> None:
    """Raise a :class:`CircuitlabError` naming ``path`` if ``aig`` is beyond the model."""
    try:
        tokenizer.check(aig, what=str(path))
    except TokenizeError as exc:
        raise CircuitlabError(str(exc)) from None
