"""Trained encoders side by side, each beside its untrained twin, on held-out designs.

    python experiments/encoder_eval.py [--encoders shipped,PATH,...] [--evaluate validation]
        [--twin-seeds 0] [--record experiments/results/encoder_compare.jsonl]

Each encoder (``shipped``: the packaged one; else a pre-training checkpoint)
is measured by ``functional_pretrain.evaluate`` on the 10 VALIDATION designs
(where a configuration is chosen) or, with ``--evaluate holdout``, the 10
HOLDOUT designs: equivalence ROC-AUC of the embedding cosine (overall and
against one-edge mutants; random-simulation signatures beside it), the
signal-probability and truth-table-distance probes (trained on 20 training
designs; the training mean beside them) and the mean cosine between two
different designs. The untrained twin of each (its config, weights seeded
by each of ``--twin-seeds``) is measured the same way. One JSON line per
row is appended to ``--record``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "experiments"))

from functional_pretrain import VALIDATION, designs, evaluate  # noqa: E402
from records import append_records, git_rev  # noqa: E402
from train_encoder import HOLDOUT, NAME_ONLY  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", default="shipped",
                        help="comma-separated: 'shipped' or pre-training checkpoints")
    parser.add_argument("--evaluate", choices=("validation", "holdout"), default="validation")
    parser.add_argument("--twin-seeds", default="0",
                        help="seeds of the untrained twins ('' for none)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "encoder_compare.jsonl")
    args = parser.parse_args(argv)
    from circuitlab.training.threads import torch_threads
    with torch_threads(args.threads):
        return run(args)


def run(args) -> int:
    import json

    from circuitlab.datasets.test_only import screen
    from circuitlab.nn import build_encoder
    from circuitlab.nn.pretrained import load_encoder
    from circuitlab.training.seeding import seed_everything

    held = VALIDATION if args.evaluate == "validation" else HOLDOUT
    train = designs(exclude=HOLDOUT + VALIDATION)
    refused = dict(screen([(d.name, d.aig) for d in train], allow=NAME_ONLY))
    train = [d for d in train if d.name not in refused]
    test = designs(only=held)
    common = {"rev": git_rev(), "evaluate": args.evaluate, "designs": len(test)}
    records = []

    def emit(row: dict) -> None:
        row = {**common, **row}
        records.append(row)
        print(json.dumps(row, default=float), flush=True)

    for name in args.encoders.split(","):
        encoder = load_encoder(None if name == "shipped" else name)
        emit({"encoder": name, "untrained": False, **evaluate(encoder, train, test)})
        for seed in [int(s) for s in args.twin_seeds.split(",") if s]:
            seed_everything(seed)
            twin = build_encoder(encoder.config)
            emit({"encoder": name, "untrained": True, "seed": seed,
                  **evaluate(twin, train, test)})
    append_records(args.record, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
