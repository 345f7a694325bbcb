"""Train the shipped QoR head: recipe ranking on the shipped encoder's embeddings.

    python experiments/train_qor_head.py [--recipes N] [--seed S] [--cache DIR]
                                         [--out FILE] [--record FILE]

Data: every design of data/designs synthesised with Yosys; the training
designs are all but the test-only benchmarks' equivalents and
train_encoder.py's HOLDOUT (which neither the encoder
nor the head ever sees), plus ``--corpus-designs`` designs of the RTL corpus
(the corpus builder refused the test-only benchmarks); the HOLDOUT designs
are the test designs. Labels:
the shared recipe set of circuitlab.tasks.qor (recipe k =
random_recipe(k, 20)), run by --engine (QorParams' by default) and cached under --cache. The head
(circuitlab.tasks.qor.QorParams defaults, ``recipes`` overridden) is trained
with a validation split of the training designs for early stopping, seeded.
Writes the self-contained checkpoint (head, encoder, recipe set, the
training designs' labels for the mean-rank baseline) to
circuitlab/tasks/checkpoints/qor_default.pt and a JSON record (metrics of
the head and of the baseline on HOLDOUT, per-design rows, timings) to
experiments/results/qor_default.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "experiments"))

from train_encoder import HOLDOUT, NAME_ONLY  # noqa: E402  (the encoder's held-out split)

DESIGNS = ROOT / "data" / "designs"


def _synthesize(path: Path):
    from circuitlab.synth import synthesize
    return path.stem, synthesize(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", type=int, default=None,
                        help="recipes per design (default: QorParams' full-protocol size)")
    parser.add_argument("--engine", default=None,
                        help="what labels the recipes (default: QorParams' engine)")
    parser.add_argument("--components", type=int, default=None,
                        help="principal components of the embedding the head reads, 0 for "
                             "all (default: QorParams'; experiments/qor_select.py chooses)")
    parser.add_argument("--seed", type=int, default=0)
    add_design_options(parser)
    parser.add_argument("--untrained", action="store_true",
                        help="the shipped encoder's untrained twin (same config, weights "
                             "drawn with --seed) in its place")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "circuitlab" / "tasks" / "checkpoints" / "qor_default.pt")
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "qor_default.json")
    args = parser.parse_args(argv)
    from circuitlab.training.threads import torch_threads
    with torch_threads(processes=args.jobs):
        return run(args)


def run(args) -> int:
    import torch

    from circuitlab.nn.pretrained import DEFAULT_CHECKPOINT, load_encoder
    from circuitlab.tasks.qor import QorParams, train_and_evaluate
    from circuitlab.tasks.qor_head import save_head

    overrides = {key: getattr(args, key) for key in ("recipes", "engine", "components")
                 if getattr(args, key) is not None}
    params = QorParams(jobs=args.jobs, progress=True, **overrides)
    train, test, synth_s = split_designs(args.jobs)
    train += corpus_designs(args)
    print(f"{len(train)} training designs, {len(test)} held out; synthesis {synth_s:.0f} s",
          flush=True)
    encoder = load_encoder()
    if args.untrained:
        from circuitlab.nn import build_encoder
        from circuitlab.training.seeding import seed_everything
        seed_everything(args.seed)
        encoder = build_encoder(encoder.config).eval()
    result, head, meta = train_and_evaluate(encoder, train, test, params, args.seed, args.cache)
    record = {"git": _git_revision(), "metrics": result.metrics, "baseline": result.baseline,
              "info": result.info, "rows": result.rows, "synth_seconds": round(synth_s, 1),
              "encoder_sha256": hashlib.sha256(DEFAULT_CHECKPOINT.read_bytes()).hexdigest(),
              "untrained": args.untrained,
              "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, "
                         f"torch {torch.__version__}"}
    meta.update(heldout=list(HOLDOUT), record={k: record[k] for k in
                                               ("git", "metrics", "baseline", "info")})
    save_head(args.out, head, encoder, meta)
    record["checkpoint"] = (str(args.out.relative_to(ROOT)) if args.out.is_relative_to(ROOT)
                            else str(args.out))
    record["checkpoint_bytes"] = args.out.stat().st_size
    record["params"] = meta["params"]
    args.record.parent.mkdir(parents=True, exist_ok=True)
    args.record.write_text(json.dumps(record, indent=1, allow_nan=True) + "\n")
    print(json.dumps({k: record[k] for k in ("metrics", "baseline", "info")}, indent=1))
    return 0


def split_designs(jobs: int):
    """``(train, test, synthesis seconds)``: data/designs synthesised with Yosys, the
    HOLDOUT designs as ``test``, the others but the test-only benchmarks' equivalents
    as ``train`` (sorted by name)."""
    from circuitlab.datasets.test_only import screen
    from circuitlab.tasks import Design

    t0 = time.perf_counter()
    files = sorted(DESIGNS.glob("*.v"))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        aigs = dict(pool.map(_synthesize, files))
    refused = dict(screen(aigs.items(), allow=NAME_ONLY))
    for name, reason in refused.items():
        print(f"not trained on {name}: it is the test-only {reason}", flush=True)
    train = [Design(n, a) for n, a in sorted(aigs.items())
             if n not in HOLDOUT and n not in refused]
    test = [Design(n, aigs[n]) for n in HOLDOUT]
    return train, test, time.perf_counter() - t0


def add_design_options(parser: argparse.ArgumentParser) -> None:
    """The options of the training designs and their labels: :func:`corpus_designs`
    reads the ``--corpus*`` ones; ``--jobs`` worker processes, ``--cache`` of labels."""
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "rtl",
                        help="RTL corpus (experiments/build_corpus.sh) for --corpus-designs")
    parser.add_argument("--corpus-designs", type=int, default=0,
                        help="also train on this many of its designs (a seeded sample)")
    parser.add_argument("--corpus-min-ands", type=int, default=30,
                        help="sample only corpus designs with at least this many ANDs")
    parser.add_argument("--corpus-seed", type=int, default=0, help="seed of that sample")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=ROOT / "out" / "qor-cache")


def corpus_designs(args) -> list:
    """``--corpus-designs`` designs of the RTL corpus with ``--corpus-min-ands`` ANDs or more,
    sampled with ``--corpus-seed``; their names start with ``rtl/``."""
    import numpy as np

    from circuitlab.datasets.rtl_corpus import rtl_corpus_aigs
    from circuitlab.datasets.test_only import screen
    from circuitlab.tasks import Design

    if not args.corpus_designs:
        return []
    found = [(n, a) for n, a in rtl_corpus_aigs(args.corpus) if a.num_ands >= args.corpus_min_ands]
    pick = np.random.default_rng(args.corpus_seed).permutation(len(found))[:args.corpus_designs]
    chosen = [(f"rtl/{found[k][0]}", found[k][1]) for k in sorted(pick.tolist())]
    refused = dict(screen(chosen))  # the builder refuses them already; checked again here
    for name, reason in refused.items():
        print(f"not trained on {name}: it is the test-only {reason}", flush=True)
    return [Design(n, a) for n, a in chosen if n not in refused]


def _git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
