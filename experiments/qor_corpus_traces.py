"""A QoR head trained on the recipe corpus: thousands of designs, each on its own recipes.

    python experiments/qor_corpus_traces.py [--corpus corpus/recipes] [--designs N]
        [--recipes 128] [--inputs embedding,untrained,sizes,none] [--seeds 0,1,2]
        [--protocol-train] [--record experiments/results/qor_corpus_traces.jsonl]

Training pairs: each design of the recipe corpus (``experiments/build_corpus.sh``:
the RTL corpus's designs, 12 seeded random 20-step recipes each, labelled by
ABC) with each of its recipes; a design's labels are the z-scores of its
recipes' final AND counts and their log size ratios
(``circuitlab.tasks.qor.targets``). Designs whose recipes all end at one size
teach no ranking and are left out. ``--protocol-train`` adds the 61 training
designs of ``experiments/configs/sim.toml`` on the shared recipes.

Judged on the 22 test designs of ``sim.toml`` on the first ``--recipes``
shared recipes (``qor_inputs.labelled_designs``: the same ABC labels as
``qor_inputs.py``), beside recipe-only (the mean rank of ``sim.toml``'s
training designs) and random order. The design inputs (``--inputs``):

- ``embedding``: the shipped encoder's graph embedding of the design's AIG;
- ``untrained``: the same from its untrained twin (weights seeded 0);
- ``sizes``: the five size counts (log);
- ``none``: a constant, so the head learns the recipes' effect alone (a
  recipe-only rule learned from the corpus).
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

from qor_inputs import judge, labelled_designs  # noqa: E402
from records import append_records, git_rev  # noqa: E402

INPUTS = ("embedding", "untrained", "sizes", "none")


def corpus_designs(root: Path, limit: int | None):
    """``(names, aigs, recipes, finals)`` of the recipe corpus in ``root``: each design's
    starting AIG (step 0 of its first recipe), its recipes' steps and final AND counts."""
    from circuitlab.datasets.graphs import read_item
    from circuitlab.datasets.stream import read_recipe_index
    from circuitlab.io.aiger import parse_aiger

    by_design: dict[str, list[dict]] = {}
    for shard in read_recipe_index(root):
        by_design.setdefault(shard["design"], []).append(shard)
    names = sorted(by_design)[:limit]
    aigs, recipes, finals = [], [], []
    for name in names:
        shards = sorted(by_design[name], key=lambda s: s["recipe_id"])
        item = root / "items" / f"{Path(shards[0]['file']).stem}.item"
        _, blobs = read_item(item)
        aigs.append(parse_aiger(blobs[0], str(item)))
        recipes.append([tuple(s["recipe"].split("; ")) for s in shards])
        finals.append(np.array([s["final_ands"] for s in shards], dtype=np.float64))
    return names, aigs, recipes, finals


def design_inputs(kind: str, aigs, params) -> np.ndarray:
    """``[D, P]`` inputs of ``aigs`` for the head (see the module's list)."""
    from circuitlab.inference import encode_aigs
    from circuitlab.nn import build_encoder
    from circuitlab.nn.pretrained import load_encoder
    from circuitlab.tasks.baselines import size_counts
    from circuitlab.training.seeding import seed_everything

    if kind == "none":
        return np.zeros((len(aigs), 1), dtype=np.float32)
    if kind == "sizes":
        return np.log1p(np.stack([size_counts(a) for a in aigs]).astype(np.float64)) \
            .astype(np.float32)
    encoder = load_encoder(None)
    if kind == "untrained":
        seed_everything(0)
        encoder = build_encoder(encoder.config)
    graphs, _ = encode_aigs(list(aigs), encoder.eval(), params.node_budget)
    return np.asarray(graphs, dtype=np.float32)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "recipes")
    parser.add_argument("--designs", type=int, default=None,
                        help="the first N corpus designs by name (default: all)")
    parser.add_argument("--recipes", type=int, default=128,
                        help="shared recipes the test designs are ranked on")
    parser.add_argument("--inputs", default=",".join(INPUTS))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--protocol-train", action="store_true",
                        help="add sim.toml's training designs on the shared recipes")
    parser.add_argument("--data-root", default=None)
    parser.add_argument("--cache", type=Path, default=ROOT / "out")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "qor_corpus_traces.jsonl")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.inputs.split(",")) - set(INPUTS))
    if unknown:
        raise SystemExit(f"--inputs: {unknown[0]} is not one of {', '.join(INPUTS)}")
    from circuitlab.training.threads import torch_threads
    with torch_threads(args.threads):
        return run(args)


def run(args) -> int:
    import time

    import torch

    from circuitlab.tasks.qor import QorParams, baseline_predictions, targets
    from circuitlab.tasks.qor_train import train_pairs
    from circuitlab.tasks.recipe_encoder import recipe_tokens

    t0 = time.perf_counter()
    names, aigs, recipes, finals = corpus_designs(args.corpus, args.designs)
    keep = [k for k, f in enumerate(finals) if f.std() > 0]
    print(f"{len(names)} corpus designs, {len(keep)} whose recipes end at more than one size; "
          f"{time.perf_counter() - t0:.0f} s", flush=True)
    designs, n, shared, labels = labelled_designs(args.recipes, args.data_root, args.cache)
    train, test = designs[:n], designs[n:]
    params = QorParams(recipes=args.recipes, engine="abc")

    # pairs: corpus designs on their own recipes, then (optionally) sim.toml's on the shared
    corpus_recipes = sorted({r for k in keep for r in recipes[k]})
    recipe_at = {r: j for j, r in enumerate(corpus_recipes)}
    pair_d, pair_r, z, ratio = [], [], [], []
    for row, k in enumerate(keep):
        zk, rk = targets(finals[k][None], np.array([aigs[k].num_ands]))
        pair_d += [row] * len(recipes[k])
        pair_r += [recipe_at[r] for r in recipes[k]]
        z += zk[0].tolist()
        ratio += rk[0].tolist()
    train_ands = np.stack([labels[d.name][:, 0] for d in train])
    train_before = np.array([d.aig.num_ands for d in train])
    if args.protocol_train:
        zt, rt = targets(train_ands, train_before)
        offset = len(corpus_recipes)
        for j in range(len(train)):
            pair_d += [len(keep) + j] * len(shared)
            pair_r += [offset + i for i in range(len(shared))]
            z += zt[j].tolist()
            ratio += rt[j].tolist()
    tokens = recipe_tokens(list(corpus_recipes) + (list(shared) if args.protocol_train else []))
    shared_tokens = recipe_tokens(shared)
    base_score, base_ratio = baseline_predictions(train_ands, train_before)
    common = dict(rev=git_rev(), recipes=args.recipes, corpus_designs=len(keep),
                  corpus_pairs=int(sum(len(recipes[k]) for k in keep)),
                  protocol_train=args.protocol_train, test_designs=len(test))
    records = []

    def emit(row: dict) -> None:
        row = {**common, **{k: (round(v, 4) if isinstance(v, float) else v)
                            for k, v in row.items()}}
        records.append(row)
        print(json.dumps(row), flush=True)

    def judged(score_of) -> dict:
        return judge(test, labels, score_of, base_score, base_ratio)

    base = judged(lambda k: (base_score, (test[k].aig.num_ands + 1) * np.exp(base_ratio) - 1))
    emit(dict(method="recipe-only", ndcg3=base["model"]["ndcg@3"], ndcg5=base["model"]["ndcg@5"],
              mape=base["model"]["mape"], random_ndcg3=base["random"]["ndcg@3"]))
    for kind in args.inputs.split(","):
        t1 = time.perf_counter()
        # one encoding pass: corpus designs, then protocol training designs, then test
        extra = [d.aig for d in train] if args.protocol_train else []
        every = design_inputs(kind, [aigs[k] for k in keep] + extra + [d.aig for d in test],
                              params)
        x, test_x = every[:-len(test)], every[-len(test):]
        encode_s = time.perf_counter() - t1
        for seed in [int(s) for s in args.seeds.split(",")]:
            head, stats = train_pairs(x, tokens, np.array(pair_d), np.array(pair_r),
                                      np.array(z), np.array(ratio),
                                      params.head_config(x.shape[1]), epochs=params.epochs,
                                      batch_size=params.batch_size, lr=params.lr,
                                      weight_decay=params.weight_decay,
                                      val_fraction=params.val_fraction,
                                      patience=params.patience, seed=seed)

            def head_of(k, head=head):
                s, p = head.predict(torch.as_tensor(test_x[k]), shared_tokens,
                                    test[k].aig.num_ands)
                return s.numpy(), p.numpy()

            m = judged(head_of)["model"]
            emit(dict(method="head", input=kind, seed=seed, best_epoch=stats.best_epoch,
                      epochs=stats.epochs, train_s=round(stats.seconds, 1),
                      encode_s=round(encode_s, 1), ndcg3=m["ndcg@3"], ndcg5=m["ndcg@5"],
                      mape=m["mape"]))
    append_records(args.record, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
