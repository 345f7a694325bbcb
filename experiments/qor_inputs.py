"""What a QoR head can read: the design inputs it is given, on the protocol's designs.

    python experiments/qor_inputs.py [--recipes 32] [--seeds 0,1,2] [--data-root DIR]
        [--encoder PATH] [--untrained] [--validation N] [--extra-train A,B]
        [--record experiments/results/qor_inputs.jsonl]

The designs of ``experiments/configs/sim.toml`` (61 training, 22 test),
labels by ABC over the shared recipe set (``circuitlab.tasks.qor``), the
head of ``QorParams`` defaults. Each design input is tried as the head's
graph vector, and as the key of a nearest-neighbour rule (a test design's
ranking and size ratio are the mean of its ``k`` nearest training designs',
cosine of standardised inputs):

- ``embedding``: the encoder's graph embedding (all banks concatenated);
- ``bank-mean``: its mean over the code banks;
- ``pca8`` / ``pca16``: its first principal components on the training designs;
- ``sizes``: the five size counts (log);
- ``redundancy``: ``circuitlab.tasks.baselines.signature_redundancy``, the
  log share of distinct AND functions under 256 random patterns, what
  ``fraig`` would leave;
- ``sizes+redundancy``, ``embedding+redundancy``.

Also printed: recipe-only (the mean-rank baseline), random order, and the
MAPE of an oracle that knows each test design's mean size ratio over the
recipes (what is left when a design's compressibility is known). Nothing here
is selected for shipping on the test designs; ``--validation N`` judges on N
training designs held out of the fit instead (``judged_on`` in each record),
which is where an input is chosen. ``--extra-train`` adds designs (for
example IWLS'05 and EPFL circuits of the test designs' kind) to the training
designs; a name already in either split is refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from records import append_records, git_rev  # noqa: E402  experiments/records.py


def pca(x: np.ndarray, train: int, k: int) -> np.ndarray:
    """Projections on the first ``k`` principal axes of the first ``train`` rows: what a
    head of ``QorHeadConfig.components = k`` reads."""
    import torch

    from circuitlab.tasks.qor_head import QorHead, QorHeadConfig
    head = QorHead(QorHeadConfig(x.shape[1], components=k))
    head.set_graph_stats(torch.as_tensor(x[:train], dtype=torch.float32))
    with torch.no_grad():
        return head.project(torch.as_tensor(x, dtype=torch.float32)).numpy()


def labelled_designs(count: int, data_root: str | None, cache: Path, extra_train: str = "",
                     validation: int = 0):
    """``sim.toml``'s designs with their ABC labels over the first ``count`` shared recipes.

    ``extra_train``: comma-separated designs added to the training designs (a
    name already in either split is refused). ``validation`` > 0: the training
    designs alone, that many of them (a seeded draw) moved to the end to be
    judged on. Labels and synthesised designs are cached under ``cache``.

    Returns:
        ``(designs, n, recipes, labels)``: the first ``n`` designs train, the
        rest are judged on; ``labels[name]`` holds each recipe's AND count
        in column 0.
    """
    from circuitlab.protocol.config import load_config
    from circuitlab.protocol.designs import load_designs, locate
    from circuitlab.suites import default_cache_dir
    from circuitlab.tasks.qor import QorParams
    from circuitlab.tasks.qor_labels import recipe_labels, shared_recipes

    root = data_root or default_cache_dir()
    cfg = load_config(ROOT / "experiments" / "configs" / "sim.toml", data_root=root,
                      cache=cache / "exp-cache")
    extra = [locate(d, Path(root)) for d in extra_train.split(",") if d]
    clash = sorted({s.name for s in extra} & {s.name for s in cfg.train + cfg.test})
    if clash:
        raise SystemExit(f"--extra-train: {clash[0]} is already a training or test design")
    if validation:
        designs = load_designs(list(cfg.train) + extra, cfg.cache)
        held = set(np.random.default_rng(0).choice(len(designs), validation,
                                                   replace=False).tolist())
        designs = ([d for k, d in enumerate(designs) if k not in held]
                   + [d for k, d in enumerate(designs) if k in held])
        n = len(designs) - validation
    else:
        designs = load_designs(list(cfg.train) + extra + list(cfg.test), cfg.cache)
        n = len(cfg.train) + len(extra)
    params = QorParams(recipes=count, engine="abc")
    recipes = shared_recipes(params.recipes, params.recipe_seed, params.recipe_length)
    labels, _ = recipe_labels(designs, recipes, params.engine, cache / "qor-cache",
                              params.jobs, params.timeout)
    return designs, n, recipes, labels


def judge(test, labels, score_of, base_score, base_ratio) -> dict:
    """Mean figures over the ``test`` designs of ``score_of(k)`` -> ``(scores, predicted ANDs)``
    of design ``k``, beside the mean-rank baseline and random order."""
    from circuitlab.tasks.qor import evaluate, summarise
    rows = []
    for k, d in enumerate(test):
        score, pred = score_of(k)
        rows.append(evaluate(d.name, labels[d.name][:, 0], d.aig.num_ands, score, pred,
                             base_score, base_ratio))
    return {side: summarise(rows, side) for side in ("model", "baseline", "random")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", type=int, default=32)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--data-root", default=None,
                        help="folder of the fetched suites (default: the data fetch cache)")
    parser.add_argument("--encoder", default=None, help="encoder checkpoint (default: shipped)")
    parser.add_argument("--untrained", action="store_true",
                        help="the encoder's untrained twin (same config, weights seeded 0)")
    parser.add_argument("--validation", type=int, default=0,
                        help="judge on this many training designs (a seeded draw) held out of "
                             "the fit, never on the test designs: for choosing an input")
    parser.add_argument("--extra-train", default="",
                        help="comma-separated designs (protocol names, e.g. iwls05/tv80) added "
                             "to the training designs")
    parser.add_argument("--cache", type=Path, default=ROOT / "out")
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "qor_inputs.jsonl")
    args = parser.parse_args(argv)
    from circuitlab.training.threads import torch_threads
    with torch_threads(None):
        return run(args)


def run(args) -> int:
    import torch

    from circuitlab.inference import encode_aigs
    from circuitlab.nn.pretrained import load_encoder
    from circuitlab.tasks.baselines import signature_redundancy, size_counts
    from circuitlab.tasks.qor import QorParams, baseline_predictions, targets
    from circuitlab.tasks.qor_train import train_head
    from circuitlab.tasks.recipe_encoder import recipe_tokens

    designs, n, recipes, labels = labelled_designs(args.recipes, args.data_root, args.cache,
                                                   args.extra_train, args.validation)
    train, test = designs[:n], designs[n:]
    params = QorParams(recipes=args.recipes, engine="abc")
    encoder = load_encoder(args.encoder).eval()
    if args.untrained:
        from circuitlab.nn import build_encoder
        from circuitlab.training.seeding import seed_everything
        seed_everything(0)
        encoder = build_encoder(encoder.config).eval()
    graphs, _ = encode_aigs([d.aig for d in designs], encoder, params.node_budget,
                            [d.name for d in designs])
    banks = graphs.reshape(len(designs), encoder.config.code_banks, -1).mean(1)
    sizes = np.log1p(np.stack([size_counts(d.aig) for d in designs]).astype(np.float64))
    red = np.array([[signature_redundancy(d.aig)] for d in designs])
    inputs = {"embedding": graphs, "bank-mean": banks, "pca8": pca(graphs, n, 8),
              "pca16": pca(graphs, n, 16), "sizes": sizes, "redundancy": red,
              "sizes+redundancy": np.hstack([sizes, red]),
              "embedding+redundancy": np.hstack([graphs, red])}
    tokens = recipe_tokens(recipes)
    train_ands = np.stack([labels[d.name][:, 0] for d in train])
    train_before = np.array([d.aig.num_ands for d in train])
    z, ratio = targets(train_ands, train_before)
    base_score, base_ratio = baseline_predictions(train_ands, train_before)
    rev = git_rev()
    common = dict(recipes=args.recipes, rev=rev, encoder=args.encoder,
                  untrained=args.untrained, train_designs=n, test_designs=len(test),
                  extra_train=[d for d in args.extra_train.split(",") if d],
                  judged_on="validation" if args.validation else "test")
    records = []

    def judged(score_of) -> dict:
        return judge(test, labels, score_of, base_score, base_ratio)

    def emit(row: dict) -> None:
        row = {**common, **{k: (round(v, 4) if isinstance(v, float) else v)
                            for k, v in row.items()}}
        records.append(row)
        print(json.dumps(row), flush=True)

    base = judged(lambda k: (base_score, (test[k].aig.num_ands + 1) * np.exp(base_ratio) - 1))
    true_ratio = np.stack([np.log((labels[d.name][:, 0] + 1.0) / (d.aig.num_ands + 1.0))
                           for d in test])
    shift = true_ratio.mean(1) - base_ratio.mean()
    oracle = judged(lambda k: (base_score, (test[k].aig.num_ands + 1)
                              * np.exp(base_ratio + shift[k]) - 1))
    emit(dict(method="recipe-only", ndcg3=base["model"]["ndcg@3"],
              ndcg5=base["model"]["ndcg@5"], mape=base["model"]["mape"],
              random_ndcg3=base["random"]["ndcg@3"]))
    emit(dict(method="oracle design ratio", mape=oracle["model"]["mape"]))
    for name, x in inputs.items():
        x = np.asarray(x, dtype=np.float32)
        for seed in [int(s) for s in args.seeds.split(",")]:
            head, stats = train_head(x[:n], tokens, z, ratio, params.head_config(x.shape[1]),
                                     epochs=params.epochs, batch_size=params.batch_size,
                                     lr=params.lr, weight_decay=params.weight_decay,
                                     val_fraction=params.val_fraction,
                                     patience=params.patience, seed=seed)

            def head_of(k, head=head, x=x):
                s, p = head.predict(torch.as_tensor(x[n + k]), tokens, test[k].aig.num_ands)
                return s.numpy(), p.numpy()

            m = judged(head_of)["model"]
            emit(dict(method="head", input=name, seed=seed, best_epoch=stats.best_epoch,
                      ndcg3=m["ndcg@3"], ndcg5=m["ndcg@5"], mape=m["mape"]))
        mu, sd = x[:n].mean(0), x[:n].std(0) + 1e-6
        unit = (x - mu) / sd
        unit /= np.linalg.norm(unit, axis=1, keepdims=True) + 1e-9
        for k_nn in (5, 10):
            def knn_of(k, unit=unit, k_nn=k_nn):
                near = np.argsort(-(unit[:n] @ unit[n + k]))[:k_nn]
                return (z[near].mean(0),
                        (test[k].aig.num_ands + 1) * np.exp(ratio[near].mean(0)) - 1)

            m = judged(knn_of)["model"]
            emit(dict(method=f"knn{k_nn}", input=name, ndcg3=m["ndcg@3"], ndcg5=m["ndcg@5"],
                      mape=m["mape"]))
    append_records(args.record, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
