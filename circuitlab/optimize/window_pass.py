"""One pass of windowed resynthesis over a combinational circuit.

For every AND node (while time is left): its reconvergence-driven window, a
second root where that frees more nodes, the window's function and care
set; then candidates from the generators, batched across windows; their
gains against the current circuit; a candidate that uses a don't care
that simulation did not prove is checked by SAT. At the end a
conflict-free set of the best candidates is substituted.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from circuitlab.aig import Aig
from circuitlab.aig.cuts import AigStructure, CutParams, reconvergence_driven_cut
from circuitlab.aig.tables import output_tables, projections, table_mask
from circuitlab.aig.windows import Window
from circuitlab.optimize.care import CareOracle
from circuitlab.optimize.resynth import ExactTask, agrees, exact_resynth
from circuitlab.optimize.window_apply import (
    Candidate, apply_candidates, evaluate_gain, select_candidates,
)
from circuitlab.optimize.window_table import table_resynth
from circuitlab.sim.tables import int_to_words

__all__ = ["PassContext", "PassResult", "window_pass"]

_CHUNK = 32
_SECOND_ROOT_TRIES = 4
_CUT_SIZES = (4, 6)
_TRANSFORMER_BATCH = 128
# windows per greedy search call: on a CPU, calls of 128 decode about 1.9x the windows/s of
# calls of 32 (benchmarks/bench_decoding.py); the time budget is checked between calls, so
# one call (a few seconds there) is what it can overrun by


@dataclass
class PassContext:
    """What persists across passes: settings, caches, worker pool, model.

    Attributes:
        max_leaves, max_roots, generators, conflicts, max_gates, care_conflicts,
        dont_cares, sim_words, seed: as in
        :class:`~circuitlab.optimize.windowed.WindowParams`.
        pool: a ``concurrent.futures`` executor for the exact generator, or ``None``.
        jobs: its worker count (1 without one).
        model, tokenizer: the transformer, or ``None``.
        exact_cache: exact-generator results by task.
        transformer_cache: transformer results by window function.
    """

    max_leaves: int
    max_roots: int
    generators: tuple[str, ...]
    conflicts: int
    max_gates: int
    care_conflicts: int
    dont_cares: bool
    sim_words: int
    seed: int
    pool: object = None
    jobs: int = 1
    model: object = None
    tokenizer: object = None
    exact_cache: dict = field(default_factory=dict)
    transformer_cache: dict = field(default_factory=dict)


@dataclass
class PassResult:
    """What a pass did.

    Attributes:
        aig: the new circuit (the input when nothing was substituted).
        windows: windows tried.
        tried, offered: per generator, windows it was given and windows for which
            it returned a smaller circuit.
        accepted, gain: per generator, substitutions made and ANDs they removed.
        complete: every node was visited before the deadline.
    """

    aig: Aig
    windows: int = 0
    tried: dict[str, int] = field(default_factory=dict)
    offered: dict[str, int] = field(default_factory=dict)
    accepted: dict[str, int] = field(default_factory=dict)
    gain: dict[str, int] = field(default_factory=dict)
    complete: bool = True


@functools.lru_cache(maxsize=None)
def _cut_params(max_leaves: int) -> tuple[CutParams, ...]:
    """Cuts of 4, 6 and ``max_leaves`` leaves (each size up to ``max_leaves``)."""
    sizes = sorted({min(k, max_leaves) for k in _CUT_SIZES + (max_leaves,)})
    return tuple(CutParams(max_leaves=k) for k in sizes)


def _windows_of(s: AigStructure, root: int, max_leaves: int, max_roots: int) -> list[Window]:
    """The root's windows: its distinct reconvergence-driven cuts (:func:`_cut_params`),
    each also with a second root where that frees more nodes."""
    out: list[Window] = []
    seen = set()
    for params in _cut_params(max_leaves):
        leaves, cone = reconvergence_driven_cut(s, root, params)
        if not cone or leaves in seen:
            continue
        seen.add(leaves)
        window = Window(s, (root,), leaves, cone)
        out.append(window)
        if max_roots >= 2:
            out += _second_root(window)
    return out


def _second_root(window: Window) -> list[Window]:
    """``window`` with a second root, the one of the largest MFFC among a few, when
    that frees more than the second root itself."""
    (root,), leaves, cone, gone = window.roots, window.leaves, window.cone, window.mffc
    top_leaf = leaves[-1]
    # a second root above every leaf: its replacement can be built before it
    inner = sorted((v for v in cone if v not in gone and v > top_leaf), reverse=True)
    best = None
    for other in inner[:_SECOND_ROOT_TRIES]:
        both = Window(window.structure, (other, root), leaves, cone)
        if len(both.mffc) > len(gone) + 1 and (best is None or len(both.mffc) > len(best.mffc)):
            best = both
    return [] if best is None else [best]


def _care(oracle: CareOracle | None, window: Window) -> tuple[int, bool]:
    """The care mask of a window and whether its don't cares are proven."""
    full = table_mask(len(window.leaves))
    if oracle is None:
        return full, True
    return oracle.seen(window.leaves), oracle.exhaustive


def _safe(oracle: CareOracle, window: Window, cand: Aig) -> bool:
    """The replacement differs from the window only on leaf patterns proven unreachable."""
    diff = 0
    for x, y in zip(output_tables(cand), window.tables):
        diff |= x ^ y
    m = 0
    while diff:
        if diff & 1 and not oracle.unreachable(window.leaves, m):
            return False
        diff >>= 1
        m += 1
    return True


def _exact_all(ctx: PassContext, tasks: list[ExactTask]) -> list[Aig | None]:
    todo = [t for t in dict.fromkeys(tasks) if t not in ctx.exact_cache]
    if ctx.pool is not None and len(todo) > 1:
        results = list(ctx.pool.map(exact_resynth, todo, chunksize=max(1, len(todo) // 32)))
    else:
        results = [exact_resynth(t) for t in todo]
    ctx.exact_cache.update(zip(todo, results))
    return [ctx.exact_cache[t] for t in tasks]


def _tally(counts: dict[str, int], name: str) -> None:
    counts[name] = counts.get(name, 0) + 1


def _transformer_all(ctx: PassContext, sites: list["_Site"], deadline: float | None,
                     result: PassResult) -> None:
    """Offer the transformer's circuits for the sites it fits (MFFC of 2 nodes or
    more, largest first), in batches while ``deadline`` is not passed."""
    # torch loads with the model code: only when the transformer generator runs
    from circuitlab.transformer.search import SearchParams, search  # loads torch: only when used

    order = sorted((site for site in sites if len(site.window.mffc) >= 2),
                   key=lambda site: -len(site.window.mffc))
    for lo in range(0, len(order), _TRANSFORMER_BATCH):
        if _expired(deadline):
            return
        batch = order[lo:lo + _TRANSFORMER_BATCH]
        aigs = [x.window.aig for x in batch]
        keys = [(x.window.tables, len(x.window.leaves), x.care) for x in batch]
        todo = {}
        for key, a in zip(keys, aigs):
            if key not in ctx.transformer_cache and ctx.tokenizer.fits(a):
                todo.setdefault(key, a)
        if todo:
            cares = [_token_care(ctx.tokenizer.config.num_inputs, n, care, len(tables))
                     for tables, n, care in todo]
            found, _ = search(ctx.model, ctx.tokenizer, list(todo.values()),
                              SearchParams("greedy"), cares=cares)
            for key, res in zip(todo, found):
                smaller = res.aig.num_ands < res.source.num_ands
                ctx.transformer_cache[key] = res.aig if smaller else None
        for site, key in zip(batch, keys):
            if key in ctx.transformer_cache:
                _tally(result.tried, "transformer")
            if ctx.transformer_cache.get(key) is not None:
                _tally(result.offered, "transformer")
                site.offers.append(("transformer", ctx.transformer_cache[key]))


def _token_care(num_inputs: int, n: int, care: int, roots: int) -> np.ndarray:
    """The care set of an ``n``-leaf window over the ``2^num_inputs`` minterms of the
    token language, one ``[W]`` row per root: the leaves are the low inputs, the
    others do not matter, so the pattern repeats."""
    span = 1 << n
    table = 0
    for k in range(1 << (num_inputs - n)):
        table |= care << (k * span)
    words = int_to_words(table, max(1, (1 << num_inputs) // 64))
    return np.tile(words, (roots, 1))


@dataclass
class _Site:
    """A window, its care set and the replacements offered for it."""

    window: Window
    care: int
    proven: bool
    offers: list[tuple[str, Aig]] = field(default_factory=list)


def care_support(table: int, n: int, care: int) -> int:
    """Leaves ``table`` depends on over the care patterns (a pair of care
    patterns differing in that leaf alone has different values)."""
    mask = table_mask(n)
    count = 0
    for i, leaf in enumerate(projections(n)):
        shift = 1 << i
        c = care & (care >> shift) & ~leaf & mask   # pairs read at leaf i = 0
        count += bool((table ^ (table >> shift)) & c)
    return count


def _survey(ctx: PassContext, oracle: CareOracle | None,
            windows: list[Window], tasks: list, result: PassResult) -> list[_Site]:
    """Sites of ``windows`` with the table generator's offers; exact tasks appended
    to ``tasks`` as ``(promise, site, task)``."""
    sites = []
    for w in windows:
        tables = w.tables
        care, proven = _care(oracle if ctx.dont_cares else None, w)
        site = _Site(w, care, proven)
        sites.append(site)
        n, size = len(w.leaves), len(w.mffc)
        if "table" in ctx.generators and n <= 4 and len(w.roots) == 1:
            _tally(result.tried, "table")
            found = table_resynth(tables[0], n, care, size)
            if found is not None:
                _tally(result.offered, "table")
                site.offers.append(("table", found))
                continue
        if "exact" in ctx.generators and size >= 1:
            # an output of support k needs at least k - 1 gates
            bound = max(care_support(t, n, care) - 1 for t in tables)
            promise = size - max(1, bound)
            if promise > 0 or size == 1:
                task = ExactTask(tables, n, care, min(size - 1, ctx.max_gates),
                                 ctx.conflicts, ctx.seed)
                tasks.append((promise, site, task))
    return sites


def _best(s: AigStructure, oracle: CareOracle | None, site: _Site) -> Candidate | None:
    """The offer of the largest gain, if positive and safe."""
    top = None
    for name, aig in site.offers:
        if not agrees(aig, site.window.tables, site.care):
            continue
        cand = Candidate(site.window, aig, name)
        if evaluate_gain(s, cand) > 0 and (top is None or cand.gain > top.gain):
            top = cand
    if top is not None and not site.proven and oracle is not None \
            and not _safe(oracle, site.window, top.aig):
        return None
    return top


def _expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def window_pass(comb: Aig, ctx: PassContext, deadline: float | None,
                progress: Callable[[float], None] | None = None, order_seed: int = 0) -> PassResult:
    """One pass over ``comb`` (combinational), within ``deadline``.

    First every node's windows are surveyed (in an order shuffled by
    ``order_seed``, for at most half the time left): function, care set,
    the table's offer. Then the transformer takes the windows it fits
    (largest MFFC first, for at most a third of the time left), and the
    exact generator takes windows in order of promise (MFFC size above the
    lower bound of its support) while time is left.
    """
    s = AigStructure(comb)
    oracle = CareOracle(comb, ctx.sim_words, ctx.seed, ctx.care_conflicts) \
        if ctx.dont_cares else None
    result = PassResult(comb)
    roots = (s.first_and + np.random.default_rng([ctx.seed, order_seed])
             .permutation(comb.num_ands)).tolist()
    start = time.monotonic()
    survey_end = None if deadline is None else start + (deadline - start) / 2
    report = progress or (lambda part: None)
    sites: list[_Site] = []
    tasks: list = []
    try:
        for lo in range(0, len(roots), _CHUNK):
            if _expired(survey_end):
                result.complete = False
                break
            windows = [w for r in roots[lo:lo + _CHUNK]
                       for w in _windows_of(s, r, ctx.max_leaves, ctx.max_roots)]
            sites += _survey(ctx, oracle, windows, tasks, result)
            report(0.3 * min(1.0, (lo + _CHUNK) / max(1, len(roots))))
        result.windows = len(sites)
        if "transformer" in ctx.generators and ctx.model is not None:
            # at most a third of the time left, the rest for the exact generator
            share = None if deadline is None else \
                time.monotonic() + max(0.0, deadline - time.monotonic()) / 3
            _transformer_all(ctx, sites, share, result)
        tasks.sort(key=lambda t: -t[0])
        step = 4 * ctx.jobs
        for lo in range(0, len(tasks), step):
            if _expired(deadline):
                result.complete = False
                break
            batch = tasks[lo:lo + step]
            for (_, site, _), found in zip(batch, _exact_all(ctx, [t for _, _, t in batch])):
                _tally(result.tried, "exact")
                if found is not None:
                    _tally(result.offered, "exact")
                    site.offers.append(("exact", found))
            report(0.3 + 0.6 * min(1.0, (lo + step) / len(tasks)))
        cands = [c for c in (_best(s, oracle, site) for site in sites) if c is not None]
    finally:
        if oracle is not None:
            oracle.close()
    report(1.0)
    taken = select_candidates(cands)
    if not taken:
        return result
    new = apply_candidates(s, taken)
    if new.num_ands >= comb.num_ands:
        return result
    result.aig = new
    for cand in taken:
        result.accepted[cand.generator] = result.accepted.get(cand.generator, 0) + 1
        result.gain[cand.generator] = result.gain.get(cand.generator, 0) + cand.gain
    return result
