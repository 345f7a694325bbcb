"""Fit a value head on the transformer's own sampled decodes (issue 23: search with a value).

    python experiments/fit_value.py [--checkpoint PATH] [--circuits 2000] [--samples 8]
        [--seed 3000] [--out out/value/value.pt]

Training circuits: random 8-input/2-output circuits of ``--seed`` (3000;
10-40 ANDs as the held-out sets), less any whose function is among the
held-out circuits of ``bench_transformer_quality.py`` (seed 1000) or the
validation circuits of ``search_budgets.py --seed 2000``. The model samples
``--samples`` decodes of each (temperature 1); every step becomes a row
(decoder state, token taken, size fraction the decode ended at), and
:func:`circuitlab.transformer.value.fit_value` fits the head on 90 % of the
circuits, by default on the advantage (the fraction less its circuit's mean
over the samples: a guide uses only the differences between choices). The
other 10 % report the head's squared error beside the constants (the mean,
and each circuit's own mean) and the correlation of prediction and target
within a circuit. Writes the head and one
JSON line to ``experiments/results/value_fit.jsonl``;
``search_budgets.py --value PATH --value-weight W`` searches with it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from records import append_records, git_rev  # noqa: E402  experiments/records.py

EXCLUDED_SEEDS = (1000, 2000)
"""Seeds of the held-out and the validation random circuits."""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=None)
    parser.add_argument("--circuits", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--seed", type=int, default=3000, help="seed of the training circuits")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--target", choices=("fraction", "advantage"), default="advantage",
                        help="the size fraction a decode ended at, or that less its "
                             "circuit's mean over its samples")
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "value" / "value.pt")
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep the sampled steps here and reuse them on a rerun")
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "value_fit.jsonl")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    if args.seed in EXCLUDED_SEEDS:
        parser.error(f"--seed {args.seed} draws the held-out or validation circuits")
    from circuitlab.training.threads import torch_threads
    with torch_threads(args.threads):
        return run(args)


def run(args) -> int:
    import torch

    from circuitlab.optimize.model import load_optimize_model
    from circuitlab.transformer.data.dataset import function_key
    from circuitlab.transformer.data.generate import random_circuits
    from circuitlab.transformer.value import (ValueData, collect, fit_value, model_digest,
                                              save_value, value_error)

    model, tok = load_optimize_model(args.checkpoint, "cpu")
    banned = {function_key(a) for s in EXCLUDED_SEEDS
              for a in random_circuits(4000, seed=s, ands=(10, 40))}
    aigs = [a for a in random_circuits(2 * args.circuits, seed=args.seed, ands=(10, 40))
            if tok.fits(a) and function_key(a) not in banned][:args.circuits]
    t0 = time.perf_counter()
    key = {"model": model_digest(model), "circuits": args.circuits,
           "samples": args.samples, "seed": args.seed}
    if args.cache is not None and args.cache.is_file() and \
            torch.load(args.cache, weights_only=False)["key"] == key:
        data = ValueData(**torch.load(args.cache, weights_only=False)["data"])
    else:
        data = collect(model, tok, aigs, samples=args.samples, seed=args.seed)
        if args.cache is not None:
            args.cache.parent.mkdir(parents=True, exist_ok=True)
            torch.save({"key": key, "data": vars(data)}, args.cache)
    collect_s = time.perf_counter() - t0
    mean_fraction = float(data.target.mean())
    if args.target == "advantage":
        data = data.advantage()
    held = data.circuit >= int(0.9 * len(aigs))
    t1 = time.perf_counter()
    head, losses = fit_value(data.where(~held), model.config.d_model, tok.config.vocab_size,
                             hidden=args.hidden, epochs=args.epochs, seed=args.seed)
    fit_s = time.perf_counter() - t1
    errors = value_error(head, data.where(held))
    row = {"rev": git_rev(), "checkpoint": args.checkpoint, "circuits": len(aigs),
           "samples": args.samples, "seed": args.seed, "rows": len(data),
           "target": args.target,
           "mean_fraction": mean_fraction, "epochs": args.epochs,
           "hidden": args.hidden, "losses": [round(x, 5) for x in losses],
           "validation": {k: round(v, 5) for k, v in errors.items()},
           "collect_s": round(collect_s, 1), "fit_s": round(fit_s, 1), "out": str(args.out)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_value(args.out, head, model, {"fit": {k: row[k] for k in
                                               ("circuits", "samples", "seed", "epochs",
                                                "target")}})
    append_records(args.record, [row])
    print(f"{len(aigs)} circuits x {args.samples} samples: {len(data)} steps in "
          f"{collect_s:.0f} s; fit {fit_s:.0f} s; held-out circuits MSE {errors['mse']:.4f} "
          f"(the mean {errors['mse_mean']:.4f}, each circuit's own mean "
          f"{errors['mse_circuit_mean']:.4f}); within a circuit, correlation "
          f"{errors['within_corr']:.3f}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
