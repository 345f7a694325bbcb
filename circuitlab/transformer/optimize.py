"""Shrinking a small circuit: transformer search, optionally raced against classical scripts.

:func:`optimize_circuits` runs the circuit transformer's search on each
circuit and, with ``classical=True``, also ABC's (or aigverse's) ``resyn2``
and ``compress2rs`` and the transformer again on the best classical result;
the smallest equivalent candidate wins. The transformer's own result is
reported separately, so what the model contributes stays visible. The
winner is re-checked with :func:`circuitlab.verify.check_equivalence`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Sequence

from circuitlab.aig import Aig
from circuitlab.errors import CircuitlabError
from circuitlab.synth.recipes import RecipeParams, run_recipe
from circuitlab.transformer.search import SearchParams, search
from circuitlab.transformer.tokenizer import TokenizeError, Tokenizer
from circuitlab.verify import Verdict, check_equivalence

__all__ = ["DEFAULT_CHECKPOINT", "OptimizeParams", "OptimizeResult", "default_checkpoint",
           "load_model", "optimize_circuits"]

DEFAULT_CHECKPOINT = "default.pt"
CLASSICAL_SCRIPTS = ("resyn2", "compress2rs")


def default_checkpoint() -> Path:
    """Path of the checkpoint shipped inside the package."""
    return Path(str(resources.files("circuitlab.transformer") / "checkpoints" / DEFAULT_CHECKPOINT))


def load_model(checkpoint=None, device: str = "auto"):
    """``(model, tokenizer)`` from ``checkpoint`` (default: the shipped one), in eval mode."""
    from circuitlab.transformer.train import load_checkpoint, resolve_device
    path = Path(checkpoint) if checkpoint else default_checkpoint()
    if checkpoint is None and not path.exists():
        raise CircuitlabError(f"the shipped transformer checkpoint is missing ({path}); "
                              "reinstall circuitlab or pass --checkpoint")
    return load_checkpoint(path, resolve_device(device))


@dataclass(frozen=True)
class OptimizeParams:
    """Args:
        search: the transformer's search (method, budget, seed).
        classical: also run ``resyn2`` / ``compress2rs`` and keep the smallest.
        engine: the classical engine ("auto", "abc", "aigverse").
    """

    search: SearchParams = SearchParams()
    classical: bool = True
    engine: str = "auto"


@dataclass
class OptimizeResult:
    """One circuit's outcome; AND counts per candidate in ``candidates``."""

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
    results = []
    for aig, res in zip(aigs, own):
        cands = {"source": aig}
        if res.decoded is not None:
            cands["transformer"] = res.decoded
        results.append((aig, res, cands))
    if params.classical:
        second = []
        for aig, _, cands in results:
            best_classical = aig
            for script in CLASSICAL_SCRIPTS:
                out, _ = run_recipe(aig, script, RecipeParams(engine=params.engine))
                cands[script] = out
                if out.num_ands < best_classical.num_ands:
                    best_classical = out
            second.append(best_classical if tokenizer.fits(best_classical) else aig)
        again, _ = search(model, tokenizer, second, params.search)
        for (_, _, cands), res in zip(results, again):
            if res.decoded is not None:
                cands["transformer+classical"] = res.decoded
    out_list = []
    for aig, res, cands in results:
        name = min(cands, key=lambda n: (cands[n].num_ands, n != "source"))
        best = cands[name].with_names(aig.input_names, aig.output_names)
        verdict = check_equivalence(aig, best, match="position").verdict
        if verdict is not Verdict.EQUIVALENT:
            raise CircuitlabError(f"internal error: the {name} result is {verdict.name} "
                                  "to its source; please report it")
        out_list.append(OptimizeResult(
            aig, best, name, None if res.decoded is None else res.decoded.num_ands,
            {n: c.num_ands for n, c in cands.items()}, verdict))
    elapsed = time.perf_counter() - start
    for r in out_list:
        r.seconds = elapsed / max(1, len(out_list))
    return out_list


def check_fits(tokenizer: Tokenizer, aig: Aig, path) -> None:
    """Raise a :class:`CircuitlabError` naming ``path`` if ``aig`` is beyond the model."""
    try:
        tokenizer.check(aig, what=str(path))
    except TokenizeError as exc:
        raise CircuitlabError(str(exc)) from None
