"""Shrinking large circuits with the transformer, one window at a time.

Windows of at most ``n`` leaves and 2 roots are cut from the circuit
(:func:`~circuitlab.aig.windows.find_windows`), the model
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
from circuitlab.aig.windows import find_windows
from circuitlab.errors import CircuitlabError
from circuitlab.synth.recipes import restore_latches
from circuitlab.transformer.search import SearchParams, search
from circuitlab.transformer.tokenizer import Tokenizer
from circuitlab.verify import Verdict, check_equivalence

__all__ = ["RewriteParams", "RewriteStats", "rewrite_many", "rewrite_windows"]


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
    return rewrite_many([aig], model, tokenizer, params)[0]


def rewrite_many(aigs, model, tokenizer: Tokenizer,
                 params: RewriteParams = RewriteParams()) -> list[tuple[Aig, RewriteStats]]:
    """:func:`rewrite_windows` on several circuits, their windows decoded in one batch."""
    start = time.perf_counter()
    originals = list(aigs)
    current = [a.cut_latches() for a in originals]
    stats = [RewriteStats(ands_before=a.num_ands) for a in originals]
    for p in range(params.passes):
        found = [[w for w in find_windows(c, params.windows, params.seed + p,
                                          max_inputs=tokenizer.config.num_inputs,
                                          max_outputs=tokenizer.config.num_outputs)
                  if tokenizer.fits(w.aig)] for c in current]
        flat = [w for ws in found for w in ws]
        if not flat:
            break
        results, _ = search(model, tokenizer, [w.aig for w in flat], params.search)
        k = 0
        for i, ws in enumerate(found):
            mine, k = results[k:k + len(ws)], k + len(ws)
            better = [(w, r.decoded) for w, r in zip(ws, mine)
                      if r.decoded is not None and r.decoded.num_ands < w.aig.num_ands]
            stats[i].windows += len(ws)
            candidate = _substitute(current[i], better) if better else current[i]
            if candidate.num_ands < current[i].num_ands:
                stats[i].improved += len(better)
                current[i] = candidate
    out = []
    for original, comb, st in zip(originals, current, stats):
        if comb.num_ands < original.num_ands:
            st.verdict = check_equivalence(original.cut_latches(), comb, match="position").verdict
            if st.verdict is not Verdict.EQUIVALENT:
                raise CircuitlabError(f"internal error: window rewriting gave a {st.verdict.name} "
                                      "circuit; please report it")
            result = restore_latches(comb, original)
        else:
            st.verdict, result = Verdict.EQUIVALENT, original
        st.ands_after = result.num_ands
        st.seconds = (time.perf_counter() - start) / len(originals)
        out.append((result, st))
    return out


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
