"""Functional pre-training objectives against MGM and an untrained twin, on held-out designs.

    python experiments/functional_pretrain.py [--methods func,mgm,func+mgm] [--seeds 0]
        [--steps 300] [--record FILE]

Data: the project's designs (data/designs) minus train_encoder.py's
HOLDOUT, VALIDATION and the test-only benchmarks' equivalents, and
``--corpus-designs`` designs of the RTL corpus; per training design its synthesised AIG (one view with its signal
probabilities and truth-table pairs) and, for up to ``--outputs`` outputs
whose cone has 5..150 ANDs, a contrast sample (the cone, its versions
after two seeded aigverse recipes proven equivalent, one inverted and one
rewired mutant and one other output proven different)
(:mod:`circuitlab.pretrain.functional_corpus`); ``--train-fraction F``
keeps a seeded sample of F of the training designs (the corpus-size
ablation). Every method trains on these same graphs; the encoder is by default the DeepGCN (64 wide, 7
layers, mean_max read-out, fan-in -> fan-out only).

Measured on the 10 VALIDATION designs (never pre-trained on; ``--evaluate
holdout``: the 10 HOLDOUT designs), for every method and seed, beside the
untrained encoder of the same seed and the trivial baselines:

- equivalence ROC-AUC of the embedding cosine on the pairs of
  :mod:`circuitlab.tasks.equivalence` (overall, and equivalent pairs
  against one-edge mutants, kind ``hard``); baseline random-simulation
  signatures;
- the pre-trained signal-probability head's MAE over the AND nodes (DeepGate2's
  definition, for methods with the ``prob`` objective), and the ``sim``
  head's fraction of pattern values right;
- the signal-probability probe's pooled MAE (:mod:`circuitlab.tasks.probes`,
  trained on 20 training designs); baseline the training mean;
- the mean cosine between the embeddings of distinct held-out designs.

Appends one JSON line per (method, seed, ``--eval-banks`` value) to ``--record``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "experiments"))

from train_encoder import HOLDOUT, NAME_ONLY  # noqa: E402  the shipped encoder's split

DESIGNS = ROOT / "data" / "designs"
VALIDATION = ("absdiff8", "barrel8", "bin2bcd8", "cmp6s", "inc16", "lzc16", "minmax8",
              "mul6x6", "popcount16", "satadd8s")
"""Training designs of tasks.toml kept out of pre-training to choose a configuration on;
``--evaluate holdout`` measures on HOLDOUT instead (test designs of tasks.toml)."""
CACHE = Path(tempfile.gettempdir()) / "circuitlab_functional_pretrain"


def designs(exclude=(), only=()):
    """The designs of data/designs (synthesised once, then read from the cache)."""
    import pickle

    from circuitlab.synth.design import VERILOG_SUFFIXES, list_designs, read_design
    from circuitlab.tasks.common import Design
    out = []
    CACHE.mkdir(parents=True, exist_ok=True)
    for path in list_designs(DESIGNS, VERILOG_SUFFIXES):
        if path.stem in exclude or (only and path.stem not in only):
            continue
        cached = CACHE / "aig" / f"{path.stem}.pkl"
        if cached.exists():
            aig = pickle.loads(cached.read_bytes())
        else:
            aig = read_design(path)
            cached.parent.mkdir(exist_ok=True)
            cached.write_bytes(pickle.dumps(aig))
        out.append(Design(path.stem, aig))
    return out


def training_graphs(train, args):
    """The functional graphs of ``train`` and of ``--corpus-designs`` RTL corpus designs."""
    from circuitlab.datasets.rtl_corpus import rtl_corpus_aigs
    from circuitlab.parallel import BuildOptions
    from circuitlab.pretrain.functional_corpus import (FunctionalSampleParams,
                                                       functional_training_graphs)

    designs = [(d.name, d.aig) for d in train]
    if args.corpus_designs:
        designs += rtl_corpus_aigs(args.corpus, args.corpus_designs)
    return functional_training_graphs(designs, CACHE / "views",
                                      FunctionalSampleParams(outputs=args.outputs),
                                      BuildOptions(jobs=args.jobs), allow=NAME_ONLY)


def evaluate(encoder, train, test) -> dict:
    import numpy as np

    from circuitlab.inference import encode_aigs
    from circuitlab.tasks import probes
    from circuitlab.tasks.classification import roc_auc
    from circuitlab.tasks.equivalence import EquivalenceTaskParams, score_pairs
    from circuitlab.tasks.equivalence_pairs import cached_pair_sets
    from circuitlab.tasks.similarity import pairwise_cosine

    encoder.eval()
    params = EquivalenceTaskParams()
    sets = cached_pair_sets(test, params, 0, CACHE / "pairs")
    model, base, labels, kinds = [], [], [], []
    for p in sets:
        m, b = score_pairs(p, encoder, params, 0)
        model.append(m)
        base.append(b)
        labels.append(p.labels)
        kinds.extend(p.kinds)
    model, base, labels = map(np.concatenate, (model, base, labels))
    kinds = np.array(kinds)
    mutants = (kinds == "equivalent") | (kinds == "hard")
    probe = probes.run(encoder, train[:20], test, probes.ProbeParams(), seed=0)
    emb, _ = encode_aigs([d.aig for d in test], encoder)
    cos = pairwise_cosine(emb)
    off = cos[~np.eye(len(cos), dtype=bool)]
    return {"auc": roc_auc(model, labels), "auc_mutants": roc_auc(model[mutants], labels[mutants]),
            "sig_auc": roc_auc(base, labels),
            "sig_auc_mutants": roc_auc(base[mutants], labels[mutants]),
            "pairs": int(len(labels)), "mutant_pairs": int(mutants.sum()),
            "sp_mae": probe.metrics["pooled_sp_mae"],
            "sp_mae_mean_baseline": probe.baseline["pooled_sp_mae"],
            "tt_mae": probe.metrics["pooled_tt_mae"],
            "mean_cosine": float(off.mean())}


def sp_head_error(model, test) -> dict:
    """DeepGate2's measure: the pre-trained SP head's MAE over the AND nodes of ``test``.

    Pooled over all AND nodes of the held-out designs' whole graphs (latches
    cut), against the simulated signal probability; absent without a ``prob``
    objective. With a ``sim`` head: the fraction of the AND nodes' pattern
    values it gets right under the input codes of bank 0 (``sim_head_acc``),
    on the AND nodes 32 or more levels deep (NOT nodes count as levels,
    ``sim_head_acc_deep``), and under bank 7, a bank the encoder is never
    used with (``sim_head_acc_bank7``).
    """
    import torch

    from circuitlab.nn.dag import topological_levels
    from circuitlab.pretrain.functional_graphs import and_nodes, functional_graph
    from circuitlab.pretrain.objective_sim import code_values

    head = getattr(model, "prob_head", None)
    sim = getattr(model, "sim_head", None)
    model.eval()
    errors, right, deep, other = [], [], [], []
    with torch.no_grad():
        for d in test:
            graph = functional_graph(d.aig.cut_latches(), model.encoder.config.encoding)
            states = model.encoder(graph)
            keep = and_nodes(graph) & torch.isfinite(graph.prob)
            if head is not None:
                errors.append((head(states)[keep] - graph.prob[keep].float()).abs())
            if sim is None:
                continue
            width = model.encoder.config.input_codes
            hits = ((sim(states) > 0).float() == code_values(graph, width)).float().mean(1)
            right.append(hits[keep])
            level = topological_levels(graph.edge_index, graph.num_nodes)
            deep.append(hits[keep & (level >= 32)])
            graph.code_bank = torch.tensor([7])
            hits = ((sim(model.encoder(graph)) > 0).float()
                    == code_values(graph, width)).float().mean(1)
            other.append(hits[keep])
    out = {}
    if errors:
        out.update(sp_head_mae=float(torch.cat(errors).mean()),
                   sp_head_nodes=int(sum(len(e) for e in errors)))
    if right:
        out.update(sim_head_acc=float(torch.cat(right).mean()),
                   sim_head_acc_deep=float(torch.cat(deep).mean()),
                   sim_head_acc_bank7=float(torch.cat(other).mean()),
                   deep_nodes=int(sum(len(x) for x in deep)))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default="func,mgm,func+mgm")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--node-budget", type=int, default=6000)
    parser.add_argument("--outputs", type=int, default=4, help="contrast samples per design")
    parser.add_argument("--bidirectional", action="store_true")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "rtl",
                        help="RTL corpus (experiments/build_corpus.sh)")
    parser.add_argument("--corpus-designs", type=int, default=0,
                        help="train on this many of its designs too")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--evaluate", choices=("validation", "holdout"), default="validation")
    parser.add_argument("--backbone", default="deepgcn")
    parser.add_argument("--layers", type=int, default=7)
    parser.add_argument("--pool", default="mean_max")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--aggregate", default="sum", help="EncoderConfig.aggregate")
    parser.add_argument("--gate-messages", action="store_true",
                        help="EncoderConfig.gate_messages")
    parser.add_argument("--contrast-weight", type=float, default=None,
                        help="PretrainConfig.contrast_weight (default: the config's)")
    parser.add_argument("--no-sweep-norm", dest="sweep_norm", action="store_false",
                        help="EncoderConfig.sweep_norm off")
    parser.add_argument("--input-codes", type=int, default=0,
                        help="EncoderConfig.input_codes: bits of each input's fixed random code")
    from circuitlab.nn import EncoderConfig
    parser.add_argument("--code-banks", type=int, default=EncoderConfig.code_banks,
                        help="EncoderConfig.code_banks: banks of codes the embeddings concatenate")
    parser.add_argument("--train-fraction", type=float, default=1.0,
                        help="pre-train on this fraction of the training designs (at least one, "
                             "a seeded sample; the probes still train on the first 20)")
    parser.add_argument("--fraction-seed", type=int, default=0, help="seed of that sample")
    parser.add_argument("--eval-banks", default=None,
                        help="comma-separated code_banks to evaluate each encoder under, one "
                             "record each (default: --code-banks); training does not use them")
    parser.add_argument("--random-code-banks", action="store_true",
                        help="PretrainConfig.random_code_banks: a random bank per graph and step")
    parser.add_argument("--lr", type=float, default=None,
                        help="PretrainConfig.lr (default: the dataclass's)")
    parser.add_argument("--weight-decay", type=float, default=None,
                        help="PretrainConfig.weight_decay (default: the dataclass's)")
    parser.add_argument("--no-untrained", dest="untrained", action="store_false",
                        help="skip the untrained twin (already recorded for this encoder)")
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "functional_pretrain.jsonl")
    args = parser.parse_args(argv)
    from circuitlab.training.threads import torch_threads
    with torch_threads(None):
        return run(args)


def run(args) -> int:
    from circuitlab.nn import EncoderConfig, build_encoder
    from circuitlab.pretrain import PretrainConfig, pretrain
    from circuitlab.training.seeding import seed_everything

    from circuitlab.datasets.test_only import screen

    t0 = time.perf_counter()
    held = VALIDATION if args.evaluate == "validation" else HOLDOUT
    train = designs(exclude=HOLDOUT + VALIDATION)
    refused = dict(screen([(d.name, d.aig) for d in train], allow=NAME_ONLY))
    for name, reason in refused.items():
        print(f"not trained on {name}: it is the test-only {reason}", flush=True)
    train = [d for d in train if d.name not in refused]
    test = designs(only=held)
    if args.train_fraction < 1:
        import numpy as np
        keep = max(1, round(args.train_fraction * len(train)))
        picked = np.random.default_rng(args.fraction_seed).permutation(len(train))[:keep]
        pre_train = [train[int(k)] for k in sorted(picked)]
        print(f"pre-training on {keep} of {len(train)} designs: "
              f"{', '.join(d.name for d in pre_train)}", flush=True)
    else:
        pre_train = train
    graphs = training_graphs(pre_train, args)
    print(f"{len(graphs)} training graphs ({sum(g.num_nodes for g in graphs)} nodes) from "
          f"{len(pre_train)} designs and {args.corpus_designs} of the RTL corpus; {len(test)} held out; {time.perf_counter() - t0:.0f} s",
          flush=True)
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                         capture_output=True).stdout.strip()
    encoder = EncoderConfig(backbone=args.backbone, layers=args.layers, pool=args.pool,
                            hidden=args.hidden, input_codes=args.input_codes,
                            aggregate=args.aggregate, gate_messages=args.gate_messages,
                            bidirectional=args.bidirectional, sweep_norm=args.sweep_norm,
                            code_banks=args.code_banks)
    args.record.parent.mkdir(parents=True, exist_ok=True)
    common = {"rev": rev, "bidirectional": args.bidirectional, "backbone": args.backbone,
              "layers": args.layers, "pool": args.pool, "hidden": args.hidden,
              "input_codes": args.input_codes, "aggregate": args.aggregate,
              "gate_messages": args.gate_messages, "sweep_norm": args.sweep_norm,
              "code_banks": args.code_banks, "evaluate": args.evaluate}
    eval_banks = [int(k) for k in (args.eval_banks or str(args.code_banks)).split(",")]

    def under_banks(trained):
        """``(K, the trained encoder read under K banks)`` for each of ``eval_banks``."""
        for banks in eval_banks:
            copy = build_encoder(dataclasses.replace(trained.config, code_banks=banks))
            copy.load_state_dict(trained.state_dict())
            yield banks, copy
    for seed in [int(s) for s in args.seeds.split(",")]:
        seed_everything(seed)
        if args.untrained:
            for banks, copy in under_banks(build_encoder(encoder)):
                _record(args.record, {"method": "untrained", "seed": seed, **common,
                                      "code_banks": banks, **evaluate(copy, train, test)})
        for method in args.methods.split(","):
            options = {name: getattr(args, name) for name in ("contrast_weight", "lr",
                                                               "weight_decay")
                       if getattr(args, name) is not None}
            config = PretrainConfig(encoder=encoder, method=method, steps=args.steps, **options,
                                    node_budget=args.node_budget, seed=seed, device="cpu",
                                    progress=False, warmup_steps=20,
                                    ckpt_interval=args.steps, log_interval=10,
                                    random_code_banks=args.random_code_banks)
            with tempfile.TemporaryDirectory() as tmp:
                t1 = time.perf_counter()
                stats = pretrain(config, graphs, Path(tmp) / "run")
                train_s = time.perf_counter() - t1
            found = sp_head_error(stats["model"], test)
            fitted = sp_head_error(stats["model"], train)
            found.update({f"train_{k}": v for k, v in fitted.items() if not k.endswith("nodes")})
            for banks, copy in under_banks(stats["model"].encoder):
                _record(args.record, {"method": method, "seed": seed, **common,
                                      "code_banks": banks, **evaluate(copy, train, test),
                                      "steps": args.steps, "contrast_weight": config.contrast_weight,
                                      "lr": config.lr, "weight_decay": config.weight_decay,
                                      "random_code_banks": args.random_code_banks,
                                      "corpus_designs": args.corpus_designs,
                                      "train_fraction": args.train_fraction,
                                      "pretrain_designs": len(pre_train),
                                      "pretrain_graphs": len(graphs),
                                      "train_seconds": round(train_s, 1), "loss": stats["loss"],
                                      **found})
    return 0


def _record(path: Path, row: dict) -> None:
    line = json.dumps(row, default=float)
    print(line, flush=True)
    with open(path, "a") as f:
        f.write(line + "\n")


if __name__ == "__main__":
    sys.exit(main())
