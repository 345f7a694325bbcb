"""Reconstruction accuracy of the shipped encoder on the held-out designs.

The 10 designs of ``experiments/train_encoder.py``'s HOLDOUT (never trained
on), each its synthesised AIG with its Verilog's MiniLM tokens. For each of
MGM and VGA, with the masks of seeds 0, 1, 2 (the same for every model):
masked gate-type accuracy and fan-in / fan-out mean absolute error over the
masked nodes, for

- **shipped**: ``circuitlab/nn/checkpoints/default.pt`` (encoder and heads);
- **random init**: the same architecture, untrained (encoder and heads),
  seeds 0, 1, 2 of the initial weights, mean;
- **majority**: the training designs' most common node type and median
  fan-in / fan-out for every masked node (the mask of each objective).

Run: python benchmarks/eval_encoder.py [--json experiments/results/encoder_eval.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "experiments"))

SEEDS = (0, 1, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    import torch

    from circuitlab.pretrain import PretrainModel, load_pretrain_model
    from circuitlab.pretrain.corpus import CorpusParams, verilog_corpus
    from circuitlab.pretrain.evaluate import majority_metrics, reconstruction_metrics
    from train_encoder import DESIGNS, HOLDOUT

    torch.set_num_threads(2)
    held = verilog_corpus(DESIGNS, CorpusParams(), designs=HOLDOUT)
    train = verilog_corpus(DESIGNS, CorpusParams(), None, exclude=HOLDOUT)
    shipped = load_pretrain_model()
    config = shipped.config
    results = {"shipped": reconstruction_metrics(shipped, held, SEEDS)}
    runs = []
    for seed in SEEDS:
        torch.manual_seed(seed)
        runs.append(reconstruction_metrics(PretrainModel(config).eval(), held, SEEDS))
    results["random_init"] = {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}
    for method in config.method.split("+"):
        ratio = getattr(config, f"{method}_mask_ratio")
        results[f"majority_{method}"] = majority_metrics(train, held, ratio, SEEDS)
    print(f"held-out designs ({len(held)}, {sum(g.num_nodes for g in held)} nodes): "
          f"{', '.join(HOLDOUT)}; mask seeds {list(SEEDS)}")
    print(f"{'model':<12} {'objective':<9} {'type acc':>9} {'fan-in MAE':>11} {'fan-out MAE':>12}")
    for method in config.method.split("+"):
        for name in ("shipped", "random_init"):
            r = results[name]
            print(f"{name:<12} {method:<9} {r[f'{method}_type_acc']:>9.3f} "
                  f"{r[f'{method}_fanin_mae']:>11.3f} {r[f'{method}_fanout_mae']:>12.3f}")
        r = results[f"majority_{method}"]
        print(f"{'majority':<12} {method:<9} {r['type_acc']:>9.3f} {r['fanin_mae']:>11.3f} "
              f"{r['fanout_mae']:>12.3f}")
    if args.json:
        args.json.write_text(json.dumps({"holdout": list(HOLDOUT), "mask_seeds": list(SEEDS),
                                         "init_seeds": list(SEEDS), **results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
