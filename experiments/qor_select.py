"""Choose the shipped QoR head's input by cross-validation on its training designs.

    python experiments/qor_select.py [--recipes 32] [--engine abc] [--folds 5]
        [--seeds 0,1,2] [--components 0,4,8,16] [--encoders shipped,untrained twin,PATH]
        [--cache DIR]
        [--corpus-designs N] [--record experiments/results/qor_select.jsonl]

The training designs of ``experiments/train_qor_head.py`` (data/designs
less train_encoder.py's HOLDOUT, which this script never reads) are split
into ``--folds`` seeded folds. For each fold, encoder (the shipped one and
its untrained twin, weights drawn with seed 0, or a pre-training checkpoint
given by path), ``QorParams.components``
value and head seed, ``circuitlab.tasks.qor.run`` trains a head on the other
folds and judges it on this one, beside its baselines: recipe-only (the
mean rank of the other folds), the size-count and simulation-signature
heads, and random order. Every training design is judged once per seed;
the figures are means over all judged designs (NDCG over those with more
than one distinct result), then mean and range over seeds. One JSON line
per (encoder, components, seed) goes to ``--record``. ``--corpus-designs N``
adds N designs of the RTL corpus (train_qor_head.py's sample) to every
fold's fit; they are never judged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "experiments"))

from records import append_records, git_rev  # noqa: E402  experiments/records.py
from train_qor_head import add_design_options, corpus_designs, split_designs  # noqa: E402

METRICS = ("ndcg@3", "ndcg@5", "mape")
ENCODERS = ("shipped", "untrained twin")


def folds_of(count: int, folds: int, seed: int = 0) -> list[np.ndarray]:
    """``folds`` seeded, near-equal, disjoint index sets covering ``range(count)``."""
    order = np.random.default_rng(seed).permutation(count)
    return [np.sort(part) for part in np.array_split(order, folds)]


def pooled(rows: list[dict], side: str) -> dict[str, float]:
    """Each metric's mean over the rows whose value is defined."""
    out = {}
    for key in METRICS:
        values = [r[side][key] for r in rows if key in r[side] and not np.isnan(r[side][key])]
        out[key] = float(np.mean(values)) if values else float("nan")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipes", type=int, default=32)
    ap.add_argument("--engine", default="abc")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--components", default="0,4,8,16")
    ap.add_argument("--encoders", default=",".join(ENCODERS),
                    help="which of them to judge, or pre-training checkpoints by path "
                         "(processes may split the work)")
    add_design_options(ap)
    ap.add_argument("--record", type=Path,
                    default=ROOT / "experiments" / "results" / "qor_select.jsonl")
    args = ap.parse_args(argv)
    from circuitlab.training.threads import torch_threads
    with torch_threads(processes=args.jobs):
        return run(args)


def run(args) -> int:
    from circuitlab.nn import build_encoder
    from circuitlab.nn.pretrained import load_encoder
    from circuitlab.tasks.qor import QorParams
    from circuitlab.tasks.qor import run as qor_run
    from circuitlab.training.seeding import seed_everything

    train, _, _ = split_designs(args.jobs)
    extra = corpus_designs(args)
    shipped = load_encoder().eval()
    seed_everything(0)
    encoders = dict(zip(ENCODERS, (shipped, build_encoder(shipped.config).eval())))
    chosen = args.encoders.split(",")
    unknown = sorted(name for name in set(chosen) - set(ENCODERS) if not Path(name).is_file())
    if unknown:
        raise SystemExit(f"--encoders: {', '.join(unknown)} is neither one of "
                         f"{', '.join(ENCODERS)} nor a checkpoint file")
    encoders = {name: encoders[name] if name in encoders else load_encoder(name).eval()
                for name in chosen}
    parts = folds_of(len(train), args.folds)
    seeds = [int(s) for s in args.seeds.split(",")]
    rev = git_rev()
    records, sides = [], {}
    for name, encoder in encoders.items():
        for components in [int(c) for c in args.components.split(",")]:
            params = QorParams(recipes=args.recipes, engine=args.engine, jobs=args.jobs,
                               components=components)
            for seed in seeds:
                rows = []
                for part in parts:
                    held = [train[k] for k in part.tolist()]
                    fit = [d for k, d in enumerate(train) if k not in set(part.tolist())]
                    fit += extra
                    rows += qor_run(encoder, fit, held, params, seed, args.cache).rows
                record = dict(rev=rev, encoder=name, components=components, seed=seed,
                              recipes=args.recipes, engine=args.engine, folds=args.folds,
                              designs=len(train), corpus_designs=len(extra),
                              ranked=sum(r["spread"] > 1 for r in rows),
                              head=pooled(rows, "model"))
                sides.setdefault(seed, {side: pooled(rows, side) for side in
                                        ("baseline", "random", "size counts",
                                         "simulation signature")})
                records.append(record)
                print(json.dumps(record), flush=True)
    for seed, found in sides.items():
        record = dict(rev=rev, encoder="baselines", seed=seed, recipes=args.recipes,
                      engine=args.engine, folds=args.folds, designs=len(train),
                      corpus_designs=len(extra),
                      **{k.replace(" ", "_"): v for k, v in found.items()})
        records.append(record)
        print(json.dumps(record), flush=True)
    append_records(args.record, records)
    table(records)
    return 0


def table(records: list[dict]) -> None:
    """Print NDCG@3 and MAPE per candidate: mean over seeds (range)."""
    def cell(values):
        values = np.asarray(values, dtype=float)
        return f"{values.mean():.3f} ({values.min():.3f}-{values.max():.3f})"

    print("| rule | NDCG@3 | MAPE % |\n|---|---|---|")
    heads = [r for r in records if r["encoder"] != "baselines"]
    for key in sorted({(r["encoder"], r["components"]) for r in heads}):
        got = [r["head"] for r in heads if (r["encoder"], r["components"]) == key]
        print(f"| head, {key[0]}, components {key[1]} | "
              f"{cell([g['ndcg@3'] for g in got])} | {cell([g['mape'] for g in got])} |")
    base = [r for r in records if r["encoder"] == "baselines"]
    for side, label in (("baseline", "recipe-only"), ("size_counts", "size counts"),
                        ("simulation_signature", "simulation signature"),
                        ("random", "random order")):
        got = [r[side] for r in base]
        mape = "" if np.isnan(got[0]["mape"]) else cell([g["mape"] for g in got])
        print(f"| {label} | {cell([g['ndcg@3'] for g in got])} | {mape} |")


if __name__ == "__main__":
    sys.exit(main())
