"""Shrinking large circuits with the transformer, one window at a time.

Windows of at most ``n`` leaves and 2 roots are cut from the circuit
(:func:`~circuitlab.transformer.data.windows.find_windows`), the model
rewrites each one (:func:`~circuitlab.transformer.search.search`), and every
window whose rewrite is smaller is substituted in one rebuild pass: each
root is recomputed from the (already rebuilt) leaves by its rewritten
window, so the roots' functions and therefore the circuit's are unchanged
whether or not windows overlap. Nodes left without fan-out disappear in the
cleanup; the result is kept only if it has fewer ANDs, and it is checked
equivalent to the input with :func:`circuitlab.verify.check_equivalence`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from circuitlab.aig import Aig, AigBuilder
from circuitlab.aig.ops import cleanup
from circuitlab.errors import CircuitlabError
from circuitlab.synth.recipes import restore_latches
from circuitlab.transformer.data.windows import find_windows
from circuitlab.transformer.search import SearchParams, search
from circuitlab.transformer.tokenizer import Tokenizer
from circuitlab.verify import Verdict, check_equivalence

__all__ = ["RewriteParams", "RewriteStats", "rewrite_windows"]


@dataclass(frozen=True)
class RewriteParams:
    """Args:
        windows: most windows tried per pass.
        passes: rounds of window-finding and substitution.
        search: the transformer's search on each window.
        seed: window sampling seed.
    """

    windows: int = 64
    passes: int = 1
    search: SearchParams = SearchParams()
    seed: int = 0


@dataclass
class RewriteStats:
    ands_before: int = 0
    ands_after: int = 0
    windows: int = 0
    improved: int = 0
    verdict: Verdict = Verdict.UNDECIDED
    seconds: float = 0.0


def rewrite_windows(aig: Aig, model, tokenizer: Tokenizer,
                    params: RewriteParams = RewriteParams()) -> tuple[Aig, RewriteStats]:
    """A circuit equivalent to ``aig`` with windows rewritten by the model.

    A sequential circuit is rewritten between its latches (latch outputs
    are window leaves, next-state functions are roots); the latches are kept.

    Raises:
        CircuitlabError: (a bug) the result is not proven equivalent.
    """
    start = time.perf_counter()
    stats = RewriteStats(ands_before=aig.num_ands)
    original, aig = aig, aig.cut_latches()
    current = aig
    for p in range(params.passes):
        windows = [w for w in find_windows(current, params.windows, params.seed + p,
                                           max_inputs=tokenizer.config.num_inputs,
                                           max_outputs=tokenizer.config.num_outputs)
                   if tokenizer.fits(w.aig)]
        if not windows:
            break
        results, _ = search(model, tokenizer, [w.aig for w in windows], params.search)
        better = [(w, r.decoded) for w, r in zip(windows, results)
                  if r.decoded is not None and r.decoded.num_ands < w.aig.num_ands]
        stats.windows += len(windows)
        candidate = _substitute(current, better) if better else current
        if candidate.num_ands < current.num_ands:
            stats.improved += len(better)
            current = candidate
    if current is not aig:
        stats.verdict = check_equivalence(aig, current, match="position").verdict
        if stats.verdict is not Verdict.EQUIVALENT:
            raise CircuitlabError(f"internal error: window rewriting gave a {stats.verdict.name} "
                                  "circuit; please report it")
    else:
        stats.verdict = Verdict.EQUIVALENT
    stats.ands_after = current.num_ands
    stats.seconds = time.perf_counter() - start
    return restore_latches(current, original), stats


def _substitute(aig: Aig, rewrites) -> Aig:
    """Rebuild ``aig`` with each window root computed by its rewritten window."""
    by_root: dict[int, tuple] = {}
    for window, new in rewrites:
        for j, root in enumerate(window.roots):
            by_root.setdefault(root, (window, new, j))
    b = AigBuilder()
    lits = [0] * aig.num_vars
    for k, lit in enumerate(b.add_inputs(aig.num_inputs, None)):
        lits[1 + k] = lit
    first = aig.first_and_var

    def mapped(lit: int) -> int:
        return lits[lit >> 1] ^ (lit & 1)

    for k, (a, c) in enumerate(aig.ands.tolist()):
        var = first + k
        hit = by_root.get(var)
        if hit is None:
            lits[var] = b.and_(mapped(a), mapped(c))
            continue
        window, new, j = hit
        outs = b.add_aig(new, [lits[leaf] for leaf in window.leaves])
        lits[var] = outs[j]
    for lit in aig.outputs.tolist():
        b.add_output(mapped(lit))
    out = cleanup(b.build())
    return out.with_names(aig.input_names, aig.output_names)
