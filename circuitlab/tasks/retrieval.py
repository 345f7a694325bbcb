"""Design retrieval: find a design among others from one of its optimised versions.

Each test design gets ``versions`` logically equivalent copies: ``resyn2``
and seeded random recipes (:func:`circuitlab.synth.recipes.run_recipe`).
Every copy is a query; the gallery is the ``N`` original test designs; a
query's rank is the position of its own original when the gallery is
sorted by similarity (ties share their positions evenly, so a constant
score earns exactly the random-order value). Metrics, per design the mean
over its queries, then the mean over designs:

- ``top1``: the original ranks first (random order: ``1/N``);
- ``mrr``: mean reciprocal rank (random order: ``H_N / N``, ``H_N`` the
  ``N``-th harmonic number).

The model's similarity is the cosine of the encoder's graph embeddings
(the score of ``circuitlab similar``, ``top1``/``mrr``) and the same after
centring on the mean embedding of the *training* designs
(``top1_centred``/``mrr_centred``, :mod:`circuitlab.tasks.calibration`).
``mean_cos`` and ``mean_cos_centred`` are the mean cosines between two
different test originals (unrelated designs).

Baselines (``info["baselines"]``; ``baseline`` is the first)
(:mod:`circuitlab.tasks.baselines`):

- ``size counts``: inputs, outputs, latches, ANDs and levels, standardised
  with the training designs' mean and deviation, nearest by Euclidean distance;
- ``simulation signature``: each output's fraction of ones under 256 random
  patterns (the same patterns for every circuit of an input count), sorted
  and resampled to ``signature_length`` quantiles, nearest by Euclidean
  distance. A recipe keeps the function, so this baseline only errs where
  two test designs share the signature.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from circuitlab.aig import Aig
from circuitlab.errors import CircuitlabError, require_at_least, require_choice
from circuitlab.parallel import BuildOptions, Item, run_items
from circuitlab.synth.recipes import ENGINES, RecipeParams, random_recipe, run_recipe
from circuitlab.tasks.baselines import functional_signature, neg_distance, size_counts, standardise_columns
from circuitlab.tasks.calibration import centre
from circuitlab.tasks.common import Design, TaskResult, check_disjoint
from circuitlab.tasks.similarity import pairwise_cosine

__all__ = ["RetrievalParams", "random_order", "ranks", "run"]

_CACHE_FORMAT = 1


@dataclass(frozen=True)
class RetrievalParams:
    """The retrieval task's protocol.

    Attributes:
        versions: optimised copies of each test design: ``resyn2`` first,
            then seeded random recipes.
        recipe_length: steps of each random recipe.
        engine: what runs the recipes (``"aigverse"``, ``"abc"``, ``"auto"``).
        sim_words: 64-pattern words of the signature baseline.
        signature_length: quantiles of the signature baseline.
        node_budget: most graph nodes of one circuit.
        jobs: worker processes that optimise the copies.
    """

    versions: int = 4
    recipe_length: int = 10
    engine: str = "aigverse"
    sim_words: int = 4
    signature_length: int = 16
    node_budget: int = 200_000
    jobs: int = 1

    def __post_init__(self):
        require_at_least(self.versions, 1, "versions")
        require_at_least(self.recipe_length, 1, "recipe_length")
        require_choice(self.engine, ENGINES, "engine")
        require_at_least(self.sim_words, 1, "sim_words")
        require_at_least(self.signature_length, 1, "signature_length")
        require_at_least(self.node_budget, 1, "node_budget")
        require_at_least(self.jobs, 1, "jobs")


def recipes(design: str, params: RetrievalParams, seed: int) -> list[str]:
    """The recipes of ``design``'s copies: ``resyn2``, then random ones seeded by (seed, design)."""
    base = int.from_bytes(hashlib.sha256(f"{seed} {design} retrieval".encode()).digest()[:4],
                          "little")
    return ["resyn2"] + ["; ".join(random_recipe(base + k, params.recipe_length))
                         for k in range(params.versions - 1)]


def _versions_item(payload: tuple) -> bytes:
    aig, steps, engine = payload
    return pickle.dumps([run_recipe(aig, s, RecipeParams(engine=engine))[0] for s in steps])


def optimised_versions(designs: Sequence[Design], params: RetrievalParams, seed: int,
                       cache: Path | None) -> list[list[Aig]]:
    """Each design's copies (:func:`recipes`), cached under ``cache/retrieval/``.

    Raises:
        CircuitlabError: a recipe failed on a design (naming it).
    """
    with tempfile.TemporaryDirectory(prefix="circuitlab-retrieval-") as tmp:
        folder = Path(cache) / "retrieval" if cache is not None else Path(tmp)
        items = []
        for d in designs:
            steps = recipes(d.name, params, seed)
            key = hashlib.sha256(repr((_CACHE_FORMAT, d.name, steps, params.engine,
                                       d.aig.num_inputs, d.aig.ands.tobytes(),
                                       d.aig.outputs.tobytes(), d.aig.latches.tobytes())
                                      ).encode()).hexdigest()[:16]
            items.append(Item(d.name, f"{d.name.replace('/', '_')}-{key}",
                              (d.aig, steps, params.engine)))
        report = run_items(_versions_item, items, folder, ".pkl",
                           BuildOptions(jobs=params.jobs, progress=False), what="designs")
        if report.failed:
            name, reason = report.failed[0]
            raise CircuitlabError(f"{name}: the optimised versions could not be built: {reason}")
        out = []
        for item in items:
            with open(folder / f"{item.key}.pkl", "rb") as fh:
                out.append(pickle.load(fh))
    return out


def ranks(similarity: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Expected rank (1 = first) of each query's true gallery item, ties broken at random.

    Shapes:
        ``similarity`` ``[Q, N]`` (higher is closer), ``truth`` ``[Q]`` int;
        returns float64 ``[Q]``; a query whose true item ties with ``t``
        others has rank ``better + 1 + t/2``.
    """
    similarity = np.asarray(similarity, dtype=np.float64)
    own = similarity[np.arange(len(truth)), truth][:, None]
    better = (similarity > own).sum(axis=1)
    ties = (similarity == own).sum(axis=1) - 1
    return better + 1 + ties / 2


def _rank_metrics(similarity: np.ndarray, truth: np.ndarray) -> dict[str, np.ndarray]:
    """Per query: ``top1`` (probability of rank 1 under random tie-breaks) and ``mrr``."""
    similarity = np.asarray(similarity, dtype=np.float64)
    own = similarity[np.arange(len(truth)), truth][:, None]
    better = (similarity > own).sum(axis=1)
    tied = (similarity == own).sum(axis=1)  # includes the true item
    top1 = np.where(better == 0, 1.0 / tied, 0.0)
    # exact expected reciprocal rank: the true item is uniform among its tied positions
    mrr = np.array([np.mean(1.0 / (b + np.arange(1, t + 1))) for b, t in zip(better, tied)])
    return {"top1": top1, "mrr": mrr}


def random_order(n: int) -> dict[str, float]:
    """Expected ``top1`` and ``mrr`` of a uniformly random gallery order of ``n`` items."""
    return {"top1": 1.0 / n, "mrr": float(np.sum(1.0 / np.arange(1, n + 1)) / n)}


def _cross_cosine(queries: np.ndarray, gallery: np.ndarray) -> np.ndarray:
    both = pairwise_cosine(np.concatenate([queries, gallery]))
    return both[:len(queries), len(queries):]


def _mean_off_diagonal(m: np.ndarray) -> float:
    n = len(m)
    return float((m.sum() - np.trace(m)) / (n * (n - 1))) if n > 1 else float("nan")


def _by_design(per_query: dict[str, np.ndarray], truth: np.ndarray, n: int) -> list[dict]:
    return [{m: float(v[truth == k].mean()) for m, v in per_query.items()} for k in range(n)]


def _mean_rows(rows: list[dict]) -> dict[str, float]:
    return {m: float(np.mean([r[m] for r in rows])) for m in rows[0]}


def run(encoder, train: Sequence[Design], test: Sequence[Design],
        params: RetrievalParams = RetrievalParams(), seed: int = 0,
        cache: Path | None = None) -> TaskResult:
    """Retrieve each test design from its optimised copies with the frozen ``encoder``.

    Returns:
        :class:`TaskResult` ``"retrieval"``: ``metrics`` (``top1``, ``mrr``,
        their centred twins, the mean cosines between unrelated test
        designs), ``baseline`` (size counts), ``rows`` per test design,
        ``info`` with ``baselines`` (every baseline's metrics),
        ``random_order``, the recipes and timings.

    Raises:
        CircuitlabError: a design in both splits, fewer than two test designs,
            no training design, a recipe that fails.
    """
    check_disjoint(train, test)
    if len(test) < 2:
        raise CircuitlabError("retrieval needs at least two test designs")
    if not train:
        raise CircuitlabError("retrieval needs training designs (to centre and standardise_columns)")
    from circuitlab.inference import encode_aigs

    t0 = time.perf_counter()
    versions = optimised_versions(test, params, seed, cache)
    build_s = time.perf_counter() - t0
    n = len(test)
    originals = [d.aig for d in test]
    queries = [v for vs in versions for v in vs]
    truth = np.repeat(np.arange(n), [len(vs) for vs in versions])
    names = [f"{d.name} copy {k}" for d, vs in zip(test, versions) for k in range(len(vs))]

    t1 = time.perf_counter()
    budget = params.node_budget
    ref, _ = encode_aigs([d.aig for d in train], encoder, budget, [d.name for d in train])
    gal, _ = encode_aigs(originals, encoder, budget, [d.name for d in test])
    qry, _ = encode_aigs(queries, encoder, budget, names)
    encode_s = time.perf_counter() - t1
    mean = ref.astype(np.float64).mean(axis=0)
    model = {**_rank_metrics(_cross_cosine(qry, gal), truth)}
    centred = _rank_metrics(_cross_cosine(centre(qry, mean), centre(gal, mean)), truth)
    model.update({f"{m}_centred": v for m, v in centred.items()})
    model_rows = _by_design(model, truth, n)

    sizes_train = np.stack([size_counts(d.aig) for d in train])
    def sizes(aigs):
        return standardise_columns(sizes_train, np.stack([size_counts(a) for a in aigs]))
    size_sim = neg_distance(sizes(queries), sizes(originals))
    sig = [functional_signature(a, params.sim_words, params.signature_length)
           for a in (*queries, *originals)]
    sig_sim = neg_distance(np.stack(sig[:len(queries)]), np.stack(sig[len(queries):]))
    sides = {"size counts": _by_design(_rank_metrics(size_sim, truth), truth, n),
             "simulation signature": _by_design(_rank_metrics(sig_sim, truth), truth, n)}

    metrics = _mean_rows(model_rows)
    metrics["mean_cos"] = _mean_off_diagonal(pairwise_cosine(gal))
    metrics["mean_cos_centred"] = _mean_off_diagonal(pairwise_cosine(centre(gal, mean)))
    baselines = {name: _mean_rows(rows) for name, rows in sides.items()}
    rows = [{"design": d.name, "model": model_rows[k], "baseline": sides["size counts"][k]}
            for k, d in enumerate(test)]
    info = {"baselines": baselines, "random_order": random_order(n),
            "gallery": n, "queries": len(queries),
            "recipes": {d.name: recipes(d.name, params, seed) for d in test},
            "build_seconds": round(build_s, 2), "encode_seconds": round(encode_s, 2)}
    return TaskResult("retrieval", metrics, baselines["size counts"], rows, info)
