"""One round of expert iteration: the model's searched circuits become labels.

    python experiments/self_improve.py --checkpoint out/transformer/run-small/checkpoint.pt \\
        --round 1 [--out out/transformer] [--per-spec 2000] [--budget 16]

For a seeded subset of the training pairs of ``experiments/train_transformer.py``
(``--per-spec`` per data spec; the held-out benchmark functions are never
among them), the model searches (best of ``--budget`` samples), the
classical scripts polish the ``--polish`` smallest distinct circuits it
finished (:func:`circuitlab.optimize.small.polish`), and the smallest of the current
label, the model's circuit and the polished ones becomes the new label.
Every new label is checked equivalent to its source by exhaustive
simulation. The labels that got smaller are written to
``OUT/labels-round<R>.npz`` (function key of the source, binary AIGER of
the label); ``train_transformer.py --labels`` trains on them. One JSON line
per round goes to ``experiments/results/self_improve.jsonl``.

``--expert product`` takes the product's circuit in place of the search and
the polish: ``circuitlab.optimize.small.optimize_circuits`` with
``OptimizeParams`` defaults (the same search, the scripts, ``&deepsyn`` with
ABC, the polish, the SAT search below the best candidate), and records how
often each candidate was the smallest.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from circuitlab.optimize.small import OptimizeParams, optimize_circuits, polish
from circuitlab.sim.simulate import truth_tables
from circuitlab.transformer.checkpoint import load_transformer
from circuitlab.transformer.data.build import build_pair_dataset
from circuitlab.transformer.search import SearchParams, search
from circuitlab.training.threads import torch_threads

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_transformer import (HELD_OUT, fits_key_of, improved_labels, train_specs,  # noqa: E402
                               training_pairs, write_labels)

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--round", type=int, required=True)
    ap.add_argument("--out", default="out/transformer")
    ap.add_argument("--data-root", default=None)
    ap.add_argument("--scale", type=float, default=0.5)
    ap.add_argument("--per-spec", type=int, default=2000)
    ap.add_argument("--budget", type=int, default=16)
    ap.add_argument("--polish", type=int, default=4,
                    help="smallest distinct circuits per source the scripts polish")
    ap.add_argument("--labels", nargs="*", default=[],
                    help="earlier rounds' label files: the current labels")
    ap.add_argument("--expert", choices=("search", "product"), default="search",
                    help="search: the model's search and the polish; product: "
                         "circuitlab optimize's whole flow")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args(argv)
    with torch_threads(args.threads):
        return run(args)


def run(args) -> int:
    out = Path(args.out)
    model, tok = load_transformer(args.checkpoint)
    from circuitlab.suites import default_cache_dir
    specs = train_specs(Path(args.data_root) if args.data_root else default_cache_dir(),
                        args.scale)
    t0 = time.time()
    held = build_pair_dataset(HELD_OUT, out / "data", 1, fits=tok.fits,
                              fits_key=fits_key_of(tok))
    rng = np.random.default_rng(args.seed)
    better = improved_labels(args.labels)
    sources, labels, keys = [], [], []
    for spec, pairs in training_pairs(specs, out, tok, held):
        take = rng.permutation(len(pairs))[:args.per_spec]
        for k in take.tolist():
            src, lab, key = pairs[k]
            if not tok.fits(src):
                continue
            if key in better and better[key].num_ands < lab.num_ands:
                lab = better[key]
            sources.append(src)
            labels.append(lab)
            keys.append(key)
    print(f"{len(sources)} training sources; {args.expert} (sample-{args.budget})", flush=True)
    params = SearchParams("sample", args.budget, seed=args.seed)
    if args.expert == "product":
        results = optimize_circuits(sources, model, tok, OptimizeParams(search=params))
        t1 = t2 = time.time()
        offers = [[r.aig] for r in results]
        own = [r.transformer_ands for r in results]
        failed, winners = None, Counter(r.best for r in results)
    else:
        found, stats = search(model, tok, sources, params)
        t1 = time.time()
        polished = polish([r.pool[:args.polish] for r in found])
        t2 = time.time()
        offers = [([res.decoded] if res.decoded is not None else [])
                  + ([pol] if pol is not None else []) for res, pol in zip(found, polished)]
        own = [None if r.decoded is None else r.decoded.num_ands for r in found]
        failed, winners = stats.failed, None
    improved = {}
    old_sizes, new_sizes, model_sizes = [], [], []
    for src, lab, key, offer, mine in zip(sources, labels, keys, offers, own):
        best = min([lab] + offer, key=lambda a: a.num_ands)
        if not np.array_equal(truth_tables(best), truth_tables(src)):
            raise SystemExit("a new label is not equivalent to its source")
        old_sizes.append(lab.num_ands)
        new_sizes.append(best.num_ands)
        model_sizes.append(src.num_ands if mine is None else mine)
        if best.num_ands < lab.num_ands:
            improved[key] = best
    path = out / f"labels-round{args.round}.npz"
    write_labels(path, improved)
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                         capture_output=True, text=True).stdout.strip()
    record = dict(revision=rev, round=args.round, checkpoint=str(args.checkpoint),
                  sources=len(sources), budget=args.budget,
                  label_ands=round(float(np.mean(old_sizes)), 4),
                  model_ands=round(float(np.mean(model_sizes)), 4),
                  new_label_ands=round(float(np.mean(new_sizes)), 4),
                  improved=len(improved), expert=args.expert, search_failed=failed,
                  smallest_from=winners,
                  search_seconds=round(t1 - t0, 1), polish_seconds=round(t2 - t1, 1),
                  labels_file=str(path))
    with open(ROOT / "experiments" / "results" / "self_improve.jsonl", "a") as fh:
        fh.write(json.dumps(record) + "\n")
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
