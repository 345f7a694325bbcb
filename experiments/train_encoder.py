"""Train the shipped graph encoder on the project's designs or a built corpus.

    python experiments/train_encoder.py [--config NAME] [--steps N] [--recipes R]
        [--corpus ROOT [--corpus-designs N] | --stream ROOT] [--resume CKPT]
        [--out FILE] [--record FILE]

With ``--stream ROOT`` (the methods whose targets come from the graph: sim,
mgm, graphmae): the corpus built in ROOT (``experiments/build_corpus.sh``'s
``corpus/rtl`` or ``corpus/recipes``), streamed shard by shard as
``circuitlab pretrain --stream`` does. The run's folder ``--run-dir``
(default ``out/train_encoder``) holds a checkpoint every ``ckpt_interval``
steps; ``--resume`` continues an interrupted run from its checkpoint (a
finished run's checkpoint: nothing left to train, its weights are written).

With ``--config pretrain_func`` (the functional objectives): each design's
functional views (circuitlab.pretrain.functional_corpus) of data/designs
minus HOLDOUT and the test-only benchmarks' equivalents, plus the first
``--corpus-designs`` designs of an RTL corpus. Otherwise, as follows.

Config: circuitlab/configs/pretrain_default.toml (MiniLM text tokens, M = 16,
D = 384), ``steps`` overridden here. Data: data/designs minus the fixed
held-out split HOLDOUT (every 7th design by name, from the 4th), each
design's synthesised AIG plus the distinct AIGs along ``--recipes`` seeded
random recipes (10 steps), every graph carrying its design's text tokens.
Writes the slim checkpoint (config + weights) to circuitlab/nn/checkpoints/
default.pt and a JSON record (config, data, steps, wall time, peak RSS,
last training metrics, held-out reconstruction metrics) to
experiments/results/encoder_default.json. The same seed and data give the
same weights on the same machine (torch CPU kernels, one process).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOLDOUT = ("alu8f", "bitrev16", "cmp8u", "div8by4", "ham74enc", "maj5", "parity16",
           "rom_sin32", "sqr6", "vending")
"""Designs never trained on; the evaluation split (benchmarks/eval_encoder.py)."""
NAME_ONLY = ("traffic_light",)
"""Designs sharing only a name with a test-only design (their function differs)."""

DESIGNS = ROOT / "data" / "designs"
EVAL_SEEDS = (0, 1, 2)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="pretrain_default",
                        help="a shipped pre-training config or a .toml file")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="RTL corpus whose designs are added (functional configs)")
    parser.add_argument("--corpus-designs", type=int, default=None,
                        help="the first N designs of --corpus (default: all)")
    parser.add_argument("--stream", type=Path, default=None,
                        help="train on the corpus built in ROOT, streamed (sim, mgm, graphmae)")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "out" / "train_encoder",
                        help="the streamed run's folder (checkpoints, metrics)")
    parser.add_argument("--resume", type=Path, default=None,
                        help="a streamed run's checkpoint to continue from")
    parser.add_argument("--steps", type=int, default=1200)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: circuitlab.training.threads' rule)")
    parser.add_argument("--recipes", type=int, default=1, help="random recipes per design")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "circuitlab" / "nn" / "checkpoints" / "default.pt")
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "encoder_default.json")
    args = parser.parse_args(argv)
    from circuitlab.training.threads import torch_threads
    with torch_threads(args.threads):
        return run(args)


def run(args) -> int:
    import torch

    from circuitlab.pretrain import PretrainConfig, pretrain, save_weights
    from circuitlab.pretrain.corpus import CorpusParams, verilog_corpus
    from circuitlab.pretrain.evaluate import reconstruction_metrics

    from circuitlab import config as config_file

    config = PretrainConfig.load(config_file.resolve(args.config)).with_overrides(
        ["--steps", str(args.steps), "--seed", str(args.seed), "--device", "cpu",
         "--progress", "false"]
        + ([] if args.stream else ["--ckpt-interval", str(args.steps)]))
    t0 = time.perf_counter()
    corpus = CorpusParams(recipes=args.recipes, recipe_length=10, seed=args.seed)
    functional = bool(config.functional_objectives) and not config.uses_text
    if args.stream is not None:
        from circuitlab.datasets.stream import corpus_stream
        graphs = corpus_stream(args.stream, encoding=config.encoder.encoding, seed=config.seed)
        held = []
    elif args.resume is not None:
        raise SystemExit("--resume continues a streamed run (--stream)")
    elif functional:
        graphs = functional_graphs(config, args)
        held = []
    else:
        graphs = verilog_corpus(DESIGNS, corpus, exclude=HOLDOUT)
        held = verilog_corpus(DESIGNS, CorpusParams(), designs=HOLDOUT)
    data_s = time.perf_counter() - t0
    if args.stream is not None:
        nodes = designs = None  # a stream is never held: counted by corpus_stats.py
        print(f"{len(graphs)} training graphs streamed from {args.stream}; {data_s:.0f} s",
              flush=True)
    else:
        nodes, designs = sum(g.num_nodes for g in graphs), sorted({g.design for g in graphs})
        print(f"{len(graphs)} training graphs ({nodes} nodes) from {len(designs)} designs; "
              f"{len(held)} held out; {data_s:.0f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.run_dir if args.stream is not None else Path(tmp) / "run"
        t1 = time.perf_counter()
        stats = pretrain(config, graphs, run_dir, resume=args.resume)
        train_s = time.perf_counter() - t1
        metrics_csv = (run_dir / "metrics.csv").read_text()
    model = stats["model"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_weights(args.out, config, model, stats["steps"])
    last = dict(zip(*[line.split(",") for line in metrics_csv.strip().splitlines()[::len(
        metrics_csv.strip().splitlines()) - 1]]))
    record = {
        "config": config.to_dict(),
        "data": {"designs": None if args.stream else str(DESIGNS.relative_to(ROOT)),
                 "holdout": None if args.stream else list(HOLDOUT),
                 "train_designs": designs, "stream": None if args.stream is None
                 else str(args.stream), "resumed_from": None if args.resume is None
                 else str(args.resume),
                 "train_graphs": len(graphs), "train_nodes": nodes,
                 "recipes_per_design": None if functional else args.recipes,
                 "recipe_length": None if functional else corpus.recipe_length,
                 "corpus": None if args.corpus is None else str(args.corpus),
                 "corpus_designs": args.corpus_designs,
                 "text": None if functional else
                 "circuitlab.llm defaults (all-MiniLM-L6-v2, M=16, D=384)"},
        "steps": stats["steps"], "epochs": stats["epochs"],
        "train_seconds": round(train_s, 1), "data_seconds": round(data_s, 1),
        "graphs_per_s": round(stats["graphs_per_s"], 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "last_logged": {k: float(v) for k, v in last.items()},
        "heldout": reconstruction_metrics(model, held, EVAL_SEEDS) if held else
        "see the protocol runs on the test designs (experiments/configs/sim.toml, functional.toml)",
        "eval_seeds": list(EVAL_SEEDS),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, "
                   f"torch {torch.__version__}",
        "checkpoint": str(args.out.relative_to(ROOT)) if args.out.is_relative_to(ROOT)
        else str(args.out),
        "checkpoint_bytes": args.out.stat().st_size,
    }
    args.record.parent.mkdir(parents=True, exist_ok=True)
    args.record.write_text(json.dumps(record, indent=1) + "\n")
    print(json.dumps({k: record[k] for k in ("steps", "train_seconds", "peak_rss_mib",
                                             "heldout")}, indent=1))
    return 0


def functional_graphs(config, args) -> list:
    """The functional views of data/designs minus HOLDOUT and the test-only benchmarks'
    equivalents, and of ``--corpus``'s designs."""
    from circuitlab.datasets.rtl_corpus import rtl_corpus_aigs
    from circuitlab.datasets.test_only import screen
    from circuitlab.parallel import BuildOptions
    from circuitlab.pretrain.functional_corpus import (FunctionalSampleParams,
                                                       functional_training_graphs)
    from circuitlab.synth.design import VERILOG_SUFFIXES, list_designs, read_design

    designs = [(p.stem, read_design(p)) for p in list_designs(DESIGNS, VERILOG_SUFFIXES)
               if p.stem not in HOLDOUT]
    refused = dict(screen(designs, allow=NAME_ONLY))
    for name, reason in refused.items():
        print(f"not trained on {name}: it is the test-only {reason}", flush=True)
    designs = [(n, a) for n, a in designs if n not in refused]
    if args.corpus is not None:
        designs += rtl_corpus_aigs(args.corpus, args.corpus_designs)
    params = FunctionalSampleParams.of_config(config)
    cache = Path(tempfile.gettempdir()) / "circuitlab_train_encoder_views"
    return functional_training_graphs(designs, cache, params, BuildOptions(jobs=1),
                                      allow=NAME_ONLY)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the loop has saved the step it reached and said so
        sys.exit(130)
