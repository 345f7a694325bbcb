"""Build the circuit transformer's data, train it, and export the shipped checkpoint.

    python experiments/train_transformer.py --out out/transformer [--steps 4000]
        [--preset small] [--export circuitlab/transformer/checkpoints/default.pt]

Training pairs: seeded random 8-input/2-output circuits, smaller random
circuits (4 inputs/1 output, 6 inputs/2 outputs), truth-table circuits
(8 and 4 inputs) and windows cut from the EPFL arithmetic and ISCAS'85 AIGs
(the suites ``circuitlab data fetch`` leaves in ``--data-root``, by
default the user cache), each labelled with the smallest checked result of
ABC resyn2 / compress2rs and aigverse. The held-out benchmark set
(``benchmarks/bench_transformer_quality.py``: random circuits, seed 1000)
is removed from training by function, and so are the 222 functions of
``benchmarks/bench_exact_distance.py``. ``--take F`` keeps the leading
fraction F of each spec's pairs. ``--augment K`` adds K relabelled
copies of each pair (:func:`circuitlab.transformer.data.relabelled_pairs`;
none on a held-out function). ``--init`` fine-tunes from a
checkpoint. Data and examples are cached under ``--out``; a rerun resumes training from its checkpoint. One JSON line per
run goes to ``experiments/results/train_transformer.jsonl``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from circuitlab.transformer.constraints import MASK_RULE
from circuitlab.transformer.data.augment import relabelled_pairs
from circuitlab.transformer.data.build import DataSpec, build_pair_dataset
from circuitlab.exact.npn import npn_classes
from circuitlab.io.truth import truth_to_aig
from circuitlab.transformer.data.dataset import function_key, remove_functions
from circuitlab.transformer.examples import Examples, make_examples
from circuitlab.transformer.tokenizer import Tokenizer, TokenizerConfig
from circuitlab.transformer.checkpoint import export_weights
from circuitlab.transformer.train import TrainConfig, train
from circuitlab.training.threads import torch_threads

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = DataSpec("random", 1500, seed=1000, ands=(10, 40))


WINDOW_SUITES = ("epfl-arithmetic", "iscas85")


def train_specs(data_root: Path, scale: float) -> list[DataSpec]:
    missing = [s for s in WINDOW_SUITES if not (data_root / s).is_dir()]
    if missing:
        raise SystemExit(f"{data_root / missing[0]} is absent: run `circuitlab data fetch "
                         f"{missing[0]}` (--mirror DIR copies it from a local mirror)")
    sources = tuple(str(p) for s in WINDOW_SUITES for p in sorted((data_root / s).glob("*.aig")))
    specs = [DataSpec("random", int(24000 * scale), seed=1, ands=(10, 40)),
             DataSpec("random", int(24000 * scale), seed=4, ands=(10, 40)),
             DataSpec("random", int(24000 * scale), seed=5, ands=(10, 40)),
             DataSpec("truth", int(4000 * scale), seed=2, ands=(1, 120)),
             # small functions: fewer inputs than the tokenizer's 8, as in exact synthesis
             DataSpec("random", int(12000 * scale), seed=6, num_inputs=4, num_outputs=1,
                      ands=(3, 16)),
             DataSpec("truth", int(4000 * scale), seed=7, num_inputs=4, num_outputs=1,
                      ands=(1, 30)),
             DataSpec("random", int(12000 * scale), seed=8, num_inputs=6, num_outputs=2,
                      ands=(6, 30))]
    if sources:
        specs.append(DataSpec("windows", int(6000 * scale), seed=3, ands=(2, 64),
                              sources=sources))
    return specs


def fits_key_of(tok: Tokenizer) -> str:
    """The pair data's cache key: which circuits fit does not depend on the mask's
    slack, so the data is kept across slacks (the examples, which hold masks, are not)."""
    return json.dumps({k: v for k, v in tok.config.to_dict().items() if k != "slack"},
                      sort_keys=True)


def training_pairs(specs, out: Path, tok: Tokenizer, held, workers: int = 1):
    """Per spec, ``(spec, [(source, label, function key), ...])`` without the held-out
    benchmark's functions and the exact benchmark's."""
    exact_bench = exact_bench_keys()
    for spec in specs:
        data = build_pair_dataset(spec, out / "data", workers, fits=tok.fits,
                                  fits_key=fits_key_of(tok))
        data = remove_functions(remove_functions(data, held), exact_bench)
        keys = data.function_keys()
        yield spec, [(data.source(k), data.label(k), keys[k]) for k in range(len(data))]


def write_labels(path: Path, labels: dict) -> None:
    """Write ``{function key: label Aig}`` as :func:`improved_labels` reads it, atomically."""
    import io

    from circuitlab.fsutil import write_bytes_atomic
    from circuitlab.io.aiger_write import dump_aiger
    blobs = [dump_aiger(a, symbols=False) for a in labels.values()]
    buf = io.BytesIO()
    np.savez(buf, keys=np.array(list(labels), dtype="S16"),
             data=np.frombuffer(b"".join(blobs), dtype=np.uint8),
             offsets=np.concatenate([[0], np.cumsum([len(b) for b in blobs])]).astype(np.int64))
    write_bytes_atomic(path, buf.getvalue())


def improved_labels(paths) -> dict[bytes, "Aig"]:
    """Labels of ``experiments/self_improve.py`` rounds by source function key; a
    later file's label replaces an earlier one's where it is smaller."""
    from circuitlab.io.aiger import parse_aiger
    found = {}
    for path in paths:
        with np.load(path) as f:
            keys, data, off = f["keys"], f["data"], f["offsets"]
        for k, key in enumerate(keys.tolist()):
            aig = parse_aiger(data[off[k]:off[k + 1]].tobytes(), f"{path} label {k}")
            if key not in found or aig.num_ands < found[key].num_ands:
                found[key] = aig
    return found


def exact_bench_keys() -> set[bytes]:
    """Functions of ``benchmarks/bench_exact_distance.py`` (one per 4-input NPN class)."""
    keys = set()
    for t in npn_classes(4):
        bits = np.array([(t >> m) & 1 for m in range(16)], dtype=np.uint8)
        keys.add(function_key(truth_to_aig(bits, 4)))
    return keys


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/transformer")
    ap.add_argument("--data-root", default=None,
                    help="folder of the fetched suites (default: the `circuitlab data fetch` "
                         "cache)")
    ap.add_argument("--preset", default="small")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the data counts")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=None,
                    help="torch threads (default: circuitlab.training.threads' rule)")
    ap.add_argument("--max-source", type=int, default=192,
                    help="longest source trained on (attention costs its square)")
    ap.add_argument("--max-target", type=int, default=128, help="longest target trained on")
    ap.add_argument("--export", default=None, help="write the fp16 weights here at the end")
    ap.add_argument("--init", default="",
                    help="start from this checkpoint's weights (fine-tuning; new optimiser)")
    ap.add_argument("--take", type=float, default=1.0,
                    help="train on this leading fraction of each spec's pairs (the data "
                         "of a larger --scale, cut down)")
    ap.add_argument("--augment", type=int, default=0,
                    help="also train on this many relabelled copies of each pair (inputs "
                         "permuted and negated, outputs permuted; seeded)")
    ap.add_argument("--labels", nargs="*", default=[],
                    help="label files of experiments/self_improve.py rounds: a smaller label "
                         "there replaces the pair's")
    args = ap.parse_args(argv)
    if not 0 < args.take <= 1:
        ap.error(f"--take must be in (0, 1], got {args.take}")
    with torch_threads(args.threads):
        return run(args)


def run(args) -> int:
    out = Path(args.out)
    tok = Tokenizer(TokenizerConfig())
    key = json.dumps(tok.config.to_dict(), sort_keys=True)
    fits_key = fits_key_of(tok)
    t0 = time.time()
    held = build_pair_dataset(HELD_OUT, out / "data", args.workers, fits=tok.fits, fits_key=fits_key)
    from circuitlab.suites import default_cache_dir
    specs = train_specs(Path(args.data_root) if args.data_root else default_cache_dir(),
                        args.scale)
    # examples hold the masks of the current rule: a new rule or data builds new ones
    label_files = [hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in args.labels]
    digest = hashlib.sha256(json.dumps([MASK_RULE, key, [repr(s) for s in specs]]
                                       + ([label_files] if label_files else [])
                                       + ([{"augment": args.augment}] if args.augment else [])
                                       + ([{"take": args.take}] if args.take != 1.0 else []))
                            .encode()).hexdigest()[:12]
    examples_path = out / f"examples-{digest}.npz"
    stats = {}
    if examples_path.exists():
        train_ex = Examples.load(examples_path)
    else:
        pairs = []
        better = improved_labels(args.labels)
        replaced = 0
        for _, part in training_pairs(specs, out, tok, held, args.workers):
            for src, lab, fkey in part[:int(round(args.take * len(part)))]:
                if fkey in better and better[fkey].num_ands < lab.num_ands:
                    lab, replaced = better[fkey], replaced + 1
                pairs.append((src, lab))
        if args.augment:
            # a copy must not land on a held-out function
            banned = set(held.function_keys()) | exact_bench_keys()
            pairs += relabelled_pairs(pairs, args.augment, seed=0, banned=banned)
        train_ex, stats = make_examples(tok, pairs, max_source_tokens=256)
        stats["labels_replaced"] = replaced
        train_ex.save(examples_path)
    src_len, tgt_len = train_ex.lengths()
    keep = np.flatnonzero((src_len <= args.max_source) & (tgt_len <= args.max_target))
    print(f"training on {len(keep)} of {len(train_ex)} examples (source <= {args.max_source}, "
          f"target <= {args.max_target} tokens)", flush=True)
    train_ex = train_ex.subset(keep)
    val_ex, val_stats = make_examples(tok, [(held.source(k), held.label(k))
                                            for k in range(200)])
    data_seconds = time.time() - t0
    print(f"{len(train_ex)} training examples ({stats or 'cached'}), "
          f"{len(val_ex)} validation; data took {data_seconds:.0f} s", flush=True)
    cfg = TrainConfig(preset=args.preset, tokenizer=tok.config, batch_size=args.batch_size,
                      lr=args.lr, warmup=min(300, args.steps // 10), steps=args.steps,
                      eval_every=max(1, args.steps // 40), ckpt_every=max(1, args.steps // 20),
                      val_size=200, device=args.device, init=args.init)
    t1 = time.time()
    last = train(cfg, train_ex, val_ex, out / f"run-{args.preset}")
    train_seconds = time.time() - t1
    if args.export:
        export_weights(out / f"run-{args.preset}" / "checkpoint.pt", args.export)
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                         capture_output=True, text=True).stdout.strip()
    record = dict(revision=rev, preset=args.preset, steps=args.steps, scale=args.scale,
                  batch_size=args.batch_size, peak_lr=args.lr, threads=args.threads,
                  max_source=args.max_source, max_target=args.max_target, init=args.init,
                  labels=args.labels, take=args.take, augment=args.augment,
                  mask_rule=MASK_RULE,
                  slack=tok.config.slack,
                  examples=len(train_ex), mean_label_ands=float(np.mean(train_ex.label_ands)),
                  mean_source_ands=float(np.mean(train_ex.source_ands)),
                  data_seconds=round(data_seconds, 1), train_seconds=round(train_seconds, 1),
                  **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in last.items()})
    results = ROOT / "experiments" / "results" / "train_transformer.jsonl"
    results.parent.mkdir(parents=True, exist_ok=True)
    with open(results, "a") as fh:
        fh.write(json.dumps(record) + "\n")
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the loop has saved the step it reached and said so
        sys.exit(130)
