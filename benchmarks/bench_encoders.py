"""Encoder training-step throughput, batched against one graph at a time.

For each backbone of ``circuitlab.nn`` (MGVGA defaults: 7 blocks, H = 64;
the ``dag`` backbone with the one round of ``pretrain_func`` and the
shipped ``pretrain_sim``) and each graph encoding: the wall time of one
forward + backward pass over a batch of many small random AIGs (a ``Batch``
of all of them), in nodes per second, against the MGVGA release's way of running the same model, one
graph at a time inside each step (``AIGMAEBlock`` loops over the graphs),
with one backward over the summed loss. Both modes compute the same loss;
their gradients are checked equal (in float64, timed in float32). Collation (``Batch.from_data_list``) is
timed apart, since a DataLoader does it in its workers.

Run: python benchmarks/bench_encoders.py [--graphs 64] [--ands 50 300] [--threads 1]
                                         [--device cpu]
"""

from __future__ import annotations

import argparse
import copy
import random

import torch
from torch_geometric.data import Batch

from _common import best_of, peak_rss_mib, print_table
from circuitlab.aig import FALSE, Aig, AigBuilder
from circuitlab.data import ENCODINGS, to_pyg
from circuitlab.nn import ENCODERS, EncoderConfig, build_encoder


ROUNDS = 1
"""Rounds of the dag backbone (pretrain_func's): each round runs its GRU through every
level, so seven would be seven sweeps of the whole depth."""

VARIANTS = {"dag": {"": {}, "codes+gate+min": {"input_codes": 16, "gate_messages": True,
                                                "aggregate": "min"}}}
"""Extra settings timed beside a backbone's plain one (the dag backbone's options for
function: 16-bit input codes, per-type messages, the minimum as aggregation)."""


def random_aig(rng: random.Random, ands: tuple[int, int]) -> Aig:
    """``ands`` (a range) AND attempts over 8 to 24 inputs; a quarter have latches."""
    b = AigBuilder()
    pool = [FALSE] + b.add_inputs(rng.randint(8, 24))
    latches = [b.add_latch() for _ in range(rng.choice([0, 0, 0, rng.randint(1, 8)]))]
    pool += latches
    for _ in range(rng.randint(*ands)):
        # Mostly recent signals, so the circuits are deep as well as wide.
        x, y = rng.choice(pool[-16:]), rng.choice(pool)
        pool.append(b.and_(x ^ rng.randint(0, 1), y ^ rng.randint(0, 1)))
    for lat in latches:
        b.set_latch_next(lat, rng.choice(pool) ^ rng.randint(0, 1))
    for _ in range(rng.randint(1, 8)):
        b.add_output(pool[-1 - rng.randint(0, 8)] ^ rng.randint(0, 1))
    return b.build()


def loss_of(enc, graph, total_nodes: int) -> torch.Tensor:
    states = enc(graph)
    return enc.pool(states, graph).sum() + states.square().sum() / total_nodes


def step_batched(enc, batch) -> None:
    enc.zero_grad()
    loss_of(enc, batch, batch.num_nodes).backward()


def step_one_at_a_time(enc, graphs, total_nodes: int) -> None:
    enc.zero_grad()
    sum(loss_of(enc, g, total_nodes) for g in graphs).backward()


def grads(enc) -> list[torch.Tensor]:
    return [p.grad.clone() for p in enc.parameters()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graphs", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ands", type=int, nargs=2, default=(50, 300), metavar=("MIN", "MAX"),
                    help="range of AND attempts per random AIG")
    ap.add_argument("--smoke", action="store_true",
                    help="smallest size (4 graphs of 10-30 ANDs): checks it runs")
    args = ap.parse_args()
    if args.smoke:
        args.graphs, args.ands = 4, (10, 30)
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    rng = random.Random(args.seed)
    aigs = [random_aig(rng, tuple(args.ands)) for _ in range(args.graphs)]
    rows = []
    for encoding in ENCODINGS:
        graphs = [to_pyg(a, encoding) for a in aigs]
        collate = best_of(lambda: Batch.from_data_list(graphs), 3)
        batch = Batch.from_data_list(graphs).to(device)
        graphs = [g.to(device) for g in graphs]
        nodes = batch.num_nodes
        for name, variant in ((n, v) for n in ENCODERS for v in VARIANTS.get(n, {"": {}})):
            torch.manual_seed(0)
            layers = ROUNDS if name == "dag" else EncoderConfig().layers
            extra = VARIANTS.get(name, {}).get(variant, {})
            enc = build_encoder(EncoderConfig(backbone=name, encoding=encoding,
                                              layers=layers, **extra)).to(device)
            # checked in float64: in float32 rounding can flip a near-tie of the minimum
            # aggregation between the two modes and route a gradient elsewhere
            check = copy.deepcopy(enc).double()
            step_batched(check, batch)
            batched_grads = grads(check)
            step_one_at_a_time(check, graphs, nodes)
            for a, b in zip(batched_grads, grads(check)):
                torch.testing.assert_close(a, b, atol=1e-8, rtol=1e-6)
            batched = best_of(lambda: (step_batched(enc, batch), sync()), 3)
            single = best_of(lambda: (step_one_at_a_time(enc, graphs, nodes), sync()), 3)
            rows.append({"backbone": name, "variant": variant or "-", "encoding": encoding,
                         "params": enc.num_parameters(), "graphs": len(graphs),
                         "nodes": nodes, "edges": batch.num_edges,
                         "batched_s": f"{batched:.3f}",
                         "batched_nodes_per_s": f"{nodes / batched:,.0f}",
                         "one_at_a_time_s": f"{single:.3f}",
                         "one_at_a_time_nodes_per_s": f"{nodes / single:,.0f}",
                         "batched_speedup": f"{single / batched:.1f}",
                         "collate_s": f"{collate:.3f}"})
    print(f"device {device}, torch threads {torch.get_num_threads()}, "
          "one forward + backward step (best of 3)")
    print_table(rows)
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
