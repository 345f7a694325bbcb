"""Label growth under the decoding mask rule, per slack.

    python experiments/mask_rule_labels.py [--circuits 1000] [--slacks 0,1,2,3,4,5]

The transformer is trained to write the smaller of ABC's ``resyn2`` and
``compress2rs`` results, rewritten to obey the mask rule
(:func:`~circuitlab.transformer.reference.conform_label`). This measures
how much larger that makes the labels for each ``slack`` (gates without
progress allowed in a row), on the held-out random circuits of
``benchmarks/bench_transformer_quality.py`` (8 inputs, 2 outputs, seed
1000) and on small 4-input functions. Every rewritten label is checked
equivalent to its source by exhaustive simulation. One JSON line per
circuit set goes to ``experiments/results/mask_rule_labels.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from circuitlab.sim.tables import tables_to_ints
from circuitlab.synth.abc import abc_available, run_abc_batch
from circuitlab.synth.recipes import SCRIPTS
from circuitlab.transformer.constraints import MASK_RULE, output_tables
from circuitlab.transformer.data.generate import random_circuits
from circuitlab.transformer.reference import conform_label
from circuitlab.transformer.tokenizer import Tokenizer, TokenizerConfig

ROOT = Path(__file__).resolve().parent.parent
SETS = {"random 8x2 (seed 1000)": dict(num_inputs=8, num_outputs=2, ands=(10, 40)),
        "random 4x1 (seed 1000)": dict(num_inputs=4, num_outputs=1, ands=(3, 16))}


def script(aigs, name):
    return run_abc_batch(aigs, [c.strip() for c in SCRIPTS[name].split(";")], timeout=3600)


def label_sizes(aigs, labels, slack):
    tok = Tokenizer(TokenizerConfig(slack=slack))
    sizes, lengths = [], []
    for aig, label in zip(aigs, labels):
        values = tables_to_ints(output_tables(tok.config, aig))
        tokens = conform_label(tok.config, tok.encode(label).tokens.tolist(), values)
        if tokens is None:
            raise SystemExit(f"a label did not conform under slack {slack}")
        back = tok.decode(tokens, aig.num_inputs, aig.num_outputs)
        if not np.array_equal(output_tables(tok.config, back), output_tables(tok.config, aig)):
            raise SystemExit(f"equivalence violation under slack {slack}")
        sizes.append(back.num_ands)
        lengths.append(len(tokens))
    return float(np.mean(sizes)), float(np.mean(lengths))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--circuits", type=int, default=1000)
    ap.add_argument("--slacks", default="0,1,2,3,4,5")
    ap.add_argument("--no-record", action="store_true", help="print only")
    args = ap.parse_args(argv)
    if not abc_available():
        raise SystemExit("ABC (berkeley-abc) is not installed: the labels are ABC's results")
    tok = Tokenizer(TokenizerConfig())
    slacks = [int(s) for s in args.slacks.split(",")]
    for name, spec in SETS.items():
        aigs = [a for a in random_circuits(2 * args.circuits, seed=1000, **spec)
                if tok.fits(a)][:args.circuits]
        r2, c2 = script(aigs, "resyn2"), script(aigs, "compress2rs")
        labels = [min(r, c, key=lambda x: x.num_ands) for r, c in zip(r2, c2)]
        base = float(np.mean([a.num_ands for a in labels]))
        record = dict(set=name, circuits=len(aigs), mask_rule=MASK_RULE,
                      resyn2=float(np.mean([a.num_ands for a in r2])),
                      compress2rs=float(np.mean([a.num_ands for a in c2])), smaller=base,
                      slack={})
        print(f"{name}: {len(aigs)} circuits; resyn2 {record['resyn2']:.3f}, "
              f"compress2rs {record['compress2rs']:.3f}, the smaller {base:.3f} ANDs")
        print("slack  label ANDs  growth  tokens")
        for s in slacks:
            size, length = label_sizes(aigs, labels, s)
            record["slack"][s] = dict(label_ands=round(size, 4), growth=round(size / base, 4),
                                      tokens=round(length, 2))
            print(f"{s:>5}  {size:>10.3f}  {size / base:>6.3f}  {length:>6.1f}")
        if not args.no_record:
            with open(ROOT / "experiments" / "results" / "mask_rule_labels.jsonl", "a") as fh:
                fh.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
