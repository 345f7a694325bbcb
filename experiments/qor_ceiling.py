"""What a design's own results on some recipes tell about its ranking of the others.

    python experiments/qor_ceiling.py [--recipes 32] [--probes 4,8,16] [--draws 20]
        [--data-root DIR] [--record experiments/results/qor_ceiling.jsonl]

A QoR head ranks the recipes of a design it has never seen from the design
alone. This gives a predictor far more than any design input can: the
test design's own ABC results under ``P`` of the shared recipes (the
probes, a seeded draw), from which it ranks the other ``R - P``. If that
does not beat the mean rank of the training designs (recipe-only) on the
same recipes, the design-specific part of the ranking is beyond what 61
training designs teach from that much knowledge of the design.

Predictors, fitted on the training designs of ``experiments/configs/sim.toml``
(the labels and designs of ``qor_inputs.py``, cached under ``--cache``):

- ``probe-ridge``: ridge regression from the probes' log size ratios to each
  other recipe's (ridge strength chosen by 5-fold cross-validation on the
  training designs' NDCG@3, from ``ALPHAS``);
- ``probe-ridge-z``: the same from the probes' per-design z-scores to the
  other recipes' (each set standardised over its own recipes);
- ``probe-knn5``: the mean z-scores of the 5 training designs whose probe
  ratios, centred, are nearest.

Reported over ``--draws`` probe draws and the ranked test designs: NDCG@3
with the z gain (MGVGA's), next to recipe-only and random order (0) on the
same held-back recipes. Nothing here is a model that ships, and it is not a
strict bound: a design input may hold what a few probes do not.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qor_inputs import labelled_designs  # noqa: E402  the same designs and labels
from records import append_records, git_rev  # noqa: E402  experiments/records.py

ALPHAS = (0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)
"""Ridge strengths tried (the training designs' Gram matrix has entries of order 0.1-1
for log ratios, 10-100 for z-scores)."""


def ridge(x: np.ndarray, y: np.ndarray, alpha: float):
    """The ridge map from ``x`` [N, P] to ``y`` [N, Q], centred; returns a predictor."""
    mx, my = x.mean(0), y.mean(0)
    a = x - mx
    w = np.linalg.solve(a.T @ a + alpha * np.eye(x.shape[1]), a.T @ (y - my))
    return lambda q: my + (q - mx) @ w


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", type=int, default=32)
    parser.add_argument("--probes", default="4,8,16",
                        help="comma-separated numbers of recipes observed on each test design")
    parser.add_argument("--draws", type=int, default=20, help="seeded draws of the probes")
    parser.add_argument("--data-root", default=None,
                        help="folder of the fetched suites (default: the data fetch cache)")
    parser.add_argument("--cache", type=Path, default=ROOT / "out")
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "qor_ceiling.jsonl")
    args = parser.parse_args(argv)
    probes = [int(p) for p in args.probes.split(",") if p]
    if any(not 0 < p < args.recipes - 2 for p in probes):
        parser.error(f"--probes must lie between 1 and {args.recipes - 3} (of --recipes "
                     f"{args.recipes}, leaving 3 to rank)")
    from circuitlab.tasks.qor import targets
    from circuitlab.tasks.ranking import (mean_ranks, random_rank_metrics, rank_metrics,
                                          standardise)

    designs, n, _, labels = labelled_designs(args.recipes, args.data_root, args.cache)
    ands = np.stack([labels[d.name][:, 0] for d in designs]).astype(np.float64)
    _, ratio = targets(ands, np.array([d.aig.num_ands for d in designs]))
    rev = git_rev()

    def ndcg(rows, rest, score_of) -> float:
        """Mean NDCG@3 over ``rows`` with something to rank; ``score_of`` None: random order."""
        found = []
        for k in rows:
            if len(set(ands[k, rest])) < 2:
                continue
            z = standardise(ands[k, rest])
            metrics = random_rank_metrics(z) if score_of is None else rank_metrics(z, score_of(k))
            found.append(metrics["ndcg@3"])
        return float(np.mean(found)) if found else float("nan")

    def z_of(rows, rest):
        return np.stack([standardise(ands[k, rest]) for k in rows])

    records = []
    for p in probes:
        got = {"recipe-only": [], "probe-ridge": [], "probe-ridge-z": [], "probe-knn5": [],
               "random order": []}
        alphas, alphas_z = [], []
        for draw in range(args.draws):
            rng = np.random.default_rng(draw)
            probe = np.sort(rng.choice(args.recipes, p, replace=False))
            rest = np.setdiff1d(np.arange(args.recipes), probe)
            train = np.arange(n)
            folds = np.array_split(rng.permutation(n), 5)

            zp = np.stack([standardise(a) for a in ands[:, probe]])
            zr = np.stack([standardise(a) for a in ands[:, rest]])

            def cv(alpha, x, y, sign):
                score = []
                for fold in folds:
                    fit = np.setdiff1d(train, fold)
                    f = ridge(x[fit], y[fit], alpha)
                    score.append(ndcg(fold, rest, lambda k: sign * f(x[k])))
                return np.nanmean(score)

            alpha = max(ALPHAS, key=lambda a: cv(a, ratio[:, probe], ratio[:, rest], -1))
            alpha_z = max(ALPHAS, key=lambda a: cv(a, zp, zr, 1))
            alphas.append(alpha)
            alphas_z.append(alpha_z)
            f = ridge(ratio[:n][:, probe], ratio[:n][:, rest], alpha)
            fz = ridge(zp[:n], zr[:n], alpha_z)
            base = -mean_ranks(z_of(train, rest))
            test = range(n, len(designs))
            got["recipe-only"].append(ndcg(test, rest, lambda k: base))
            got["random order"].append(ndcg(test, rest, None))
            got["probe-ridge"].append(ndcg(test, rest, lambda k: -f(ratio[k, probe])))
            got["probe-ridge-z"].append(ndcg(test, rest, lambda k: fz(zp[k])))
            centred = ratio[:n][:, probe] - ratio[:n][:, probe].mean(1, keepdims=True)

            def knn(k):
                q = ratio[k, probe] - ratio[k, probe].mean()
                near = np.argsort(np.linalg.norm(centred - q, axis=1))[:5]
                return z_of(near, rest).mean(0)

            got["probe-knn5"].append(ndcg(test, rest, knn))
        for method, values in got.items():
            v = np.array(values)
            row = {"recipes": args.recipes, "probes": p, "method": method, "draws": args.draws,
                   "ndcg3": round(float(v.mean()), 4), "ndcg3_sd": round(float(v.std()), 4),
                   "beats_recipe_only": int((v > np.array(got["recipe-only"])).sum()),
                   "train_designs": n,
                   "test_designs": len(designs) - n, "rev": rev}
            if method.startswith("probe-ridge"):
                chosen = alphas if method == "probe-ridge" else alphas_z
                row["alphas"] = {str(a): chosen.count(a) for a in ALPHAS}
            records.append(row)
            print(json.dumps(row), flush=True)
    append_records(args.record, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
