"""The transformer's searches at equal model-call budgets, on held-out random 8×2 circuits.

    python experiments/search_budgets.py [--circuits 200] [--budget 16] [--checkpoint PATH]
        [--seed 1000] [--slack K] [--temperature T] [--c-puct C]
        [--value PATH --value-weight W] [--record experiments/results/search_budgets.jsonl]

The held-out set of ``benchmarks/bench_transformer_quality.py`` (random
8-input/2-output circuits, seed 1000, removed from training by function);
``--seed 2000`` draws validation circuits to choose search settings on.
Every method runs the transformer alone (no script, no SAT search) and is
charged in model calls, one decoding step of one row:

- greedy (one rollout);
- sampling best-of-``budget`` (greedy plus ``budget - 1`` samples);
- beam search of width ``budget`` on log-probability, the smallest finished beam kept;
- MCTS with ``budget`` greedy rollouts scored by their AND count (Circuit
  Transformer's search).

``--value`` (a head of ``experiments/fit_value.py``) guides every method by
its predicted final size, ``--value-weight`` logits per source-size fraction.

A row's result is its own best finished circuit, the source where none
finished; each is checked equivalent to its source by exhaustive simulation.
``resyn2`` (ABC when installed, else aigverse) is the reference. Prints the
table and appends one JSON line per method to ``--record``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from held_out import random_8x2, resyn2_of  # noqa: E402  experiments/held_out.py
from records import append_records, git_rev  # noqa: E402  experiments/records.py


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--circuits", type=int, default=200)
    parser.add_argument("--budget", type=int, default=16)
    parser.add_argument("--checkpoint", default=None)
    parser.add_argument("--methods", default="greedy,sample,mcts")
    parser.add_argument("--seed", type=int, default=1000, help="seed of the random circuits")
    parser.add_argument("--slack", type=int, default=None,
                        help="decode under this mask slack (TokenizerConfig.slack) instead of "
                             "the checkpoint's")
    parser.add_argument("--value", type=Path, default=None,
                        help="a value head (experiments/fit_value.py) guiding every method")
    parser.add_argument("--value-weight", type=float, default=10.0,
                        help="logits per source-size fraction of predicted final size")
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "search_budgets.jsonl")
    from circuitlab.cli.options import add_option
    from circuitlab.transformer.search_params import SearchParams
    for field in ("temperature", "c_puct"):
        add_option(parser, SearchParams(), field)
    args = parser.parse_args(argv)
    from circuitlab.training.threads import torch_threads
    with torch_threads(None):
        return run(args)


def run(args) -> int:
    from circuitlab.optimize.model import load_optimize_model
    from circuitlab.synth.abc import abc_available
    from circuitlab.transformer.constraints import output_tables
    from circuitlab.transformer.search import SearchParams, search

    model, tok = load_optimize_model(args.checkpoint, "cpu")
    if args.slack is not None:
        from dataclasses import replace

        from circuitlab.transformer.tokenizer import Tokenizer
        tok = Tokenizer(replace(tok.config, slack=args.slack))
    guide = None
    if args.value is not None:
        from circuitlab.transformer.value import ValueGuide, load_value
        guide = ValueGuide(load_value(args.value, model), args.value_weight)
    aigs = random_8x2(tok, args.circuits, args.seed)
    ref = resyn2_of(aigs)
    resyn2 = float(np.mean([a.num_ands for a in ref]))
    source = float(np.mean([a.num_ands for a in aigs]))
    print(f"{len(aigs)} random 8x2 circuits of seed {args.seed}: source {source:.2f} ANDs, resyn2 {resyn2:.2f} "
          f"(abc={abc_available()})", flush=True)
    rev = git_rev()
    knobs = dict(temperature=args.temperature, c_puct=args.c_puct)
    configs = {"greedy": SearchParams("greedy"),
               "sample": SearchParams("sample", args.budget, **knobs),
               "beam": SearchParams("beam", args.budget),
               "mcts": SearchParams("mcts", args.budget, **knobs)}
    print(f"{'method':<10}{'ANDs':>7}{'× resyn2':>10}{'finished':>10}{'calls/circuit':>15}"
          f"{'s':>8}")
    for name in args.methods.split(","):
        params = configs[name]
        start = time.perf_counter()
        results, stats = search(model, tok, aigs, params, guide=guide)
        seconds = time.perf_counter() - start
        own = []
        for r in results:
            if r.decoded is not None and not np.array_equal(
                    output_tables(tok.config, r.decoded), output_tables(tok.config, r.source)):
                raise SystemExit(f"{name}: a result is not equivalent to its source")
            own.append(r.decoded.num_ands if r.decoded is not None else r.source.num_ands)
        finished = float(np.mean([r.decoded is not None for r in results]))
        row = {"method": name, "budget": args.budget if name != "greedy" else 1,
               **(knobs if name in ("sample", "mcts") else {}),
               "circuits": len(aigs), "seed": args.seed, "slack": tok.config.slack,
               "rev": rev, "checkpoint": args.checkpoint,
               **({"value": str(args.value), "value_weight": args.value_weight}
                  if guide is not None else {}),
               "mean_ands": float(np.mean(own)), "resyn2": resyn2, "source": source,
               "vs_resyn2": float(np.mean(own)) / resyn2, "finished": finished,
               "calls_per_circuit": stats.model_calls / len(aigs),
               "candidates": stats.candidates, "seconds": round(seconds, 1)}
        print(f"{name:<10}{row['mean_ands']:>7.2f}{row['vs_resyn2']:>10.3f}{finished:>10.3f}"
              f"{row['calls_per_circuit']:>15.0f}{seconds:>8.1f}", flush=True)
        append_records(args.record, [row])
    return 0


if __name__ == "__main__":
    sys.exit(main())
