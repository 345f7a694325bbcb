"""Embedding under K code banks: the K copies as one batch, against K passes.

The shipped encoder (``pretrain_sim``: a ``dag`` sweep, 16 banks of 16 input
codes) embeds random AIGs of several sizes. ``Encoder.bank_states`` puts the
K copies of a graph in one batch, so the sweep visits each level once; the
baseline runs the encoder K times, once per bank, as the read-out did before.
Both give the same states (checked); the table gives each one's wall time
per graph (best of three) and their ratio.

Run: python benchmarks/bench_code_banks.py [--ands 50 500 3000] [--graphs 8] [--threads 1]
     [--smoke]
"""

from __future__ import annotations

import argparse
import random
import sys

import torch

from _common import best_of, print_table, smoke_flag
from bench_encoders import random_aig
from circuitlab.data import to_pyg
from circuitlab.nn.pretrained import load_default_encoder


def one_pass_per_bank(encoder, graph) -> list[torch.Tensor]:
    out = []
    for bank in range(encoder.config.code_banks):
        graph.code_bank = torch.tensor([bank])
        out.append(encoder(graph))
    del graph.code_bank
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ands", type=int, nargs="+", default=[50, 500, 3000])
    parser.add_argument("--graphs", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    smoke = smoke_flag(sys.argv)
    args = parser.parse_args()
    if smoke:
        args.ands, args.graphs = [20], 2
    torch.set_num_threads(args.threads)
    encoder = load_default_encoder().eval()
    banks = encoder.config.code_banks
    rows = []
    for ands in args.ands:
        rng = random.Random(ands)
        graphs = [to_pyg(random_aig(rng, (ands, ands)).cut_latches(), encoder.config.encoding)
                  for _ in range(args.graphs)]
        with torch.no_grad():
            for g in graphs:
                for a, b in zip(encoder.bank_states(g), one_pass_per_bank(encoder, g)):
                    torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
            batched = best_of(lambda: [encoder.bank_states(g) for g in graphs])
            looped = best_of(lambda: [one_pass_per_bank(encoder, g) for g in graphs])
        nodes = sum(g.num_nodes for g in graphs) / len(graphs)
        rows.append({"ANDs": ands, "nodes": round(nodes), "banks": banks,
                     "one batch ms": round(1e3 * batched / len(graphs), 1),
                     "K passes ms": round(1e3 * looped / len(graphs), 1),
                     "speed-up": f"{looped / batched:.2f}x"})
    print_table(rows)


if __name__ == "__main__":
    main()
