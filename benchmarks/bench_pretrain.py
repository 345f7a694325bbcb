"""Pre-training throughput: the batched trainer against the MGVGA release's loop.

Both train the same :class:`~circuitlab.pretrain.PretrainModel` (MGVGA
defaults: DeepGCN encoder, 7 blocks, H = 64; MGM 30 % + VGA 50 %; one text
vector of D = 3584 per design, M = 1) on the same random AIGs, and both
time forward + backward + optimiser step:

- **batched**: :func:`circuitlab.pretrain.pretrain`, disjoint-union
  batches packed to ``--budget`` nodes (its time includes batching and
  one checkpoint write);
- **release**: a replica of github.com/wuhy68/MGVGA's loop
  (``pretrain_vg.sh``: ``per_device_train_batch_size 1``): one graph per
  step, collated as ``CustomDataCollator`` does (padded ``[1, n]`` tensors
  built in a Python loop, degrees by ``torch_geometric.utils.degree``,
  ``randperm`` masks), every encoder block looping over the graphs of the
  batch in Python (``AIGMAEBlock``), latents masked by index assignment,
  losses over the padded positions; AdamW step, clipping and schedule step
  after each graph.

With ``--stream ROOT`` (a corpus built by ``circuitlab dataset build rtl`` or
``recipes``) the graphs are the corpus's first ``--graphs`` streamed ones
instead of random AIGs, and a third run, **streamed**, trains as many steps
reading the corpus shard by shard (``circuitlab pretrain --stream``), its
time including reading and encoding the graphs.

Run: python benchmarks/bench_pretrain.py [--graphs 256] [--release-graphs 64]
                                         [--ands 50 300] [--budget 20000] [--threads 1]
                                         [--stream ROOT]
     python benchmarks/bench_pretrain.py --smoke   # smallest size: checks it runs
"""

from __future__ import annotations

import argparse
import itertools
import random
import tempfile
import time

import torch
import torch.nn.functional as F
from torch_geometric.utils import degree

from bench_encoders import random_aig
from circuitlab.data import to_pyg
from circuitlab.nn import MASK_TYPE
from circuitlab.pretrain import (NodeBudgetBatchSampler, PretrainConfig, PretrainModel, pretrain,
                                 with_text_tokens)
from circuitlab.pretrain.train import _param_groups, lr_factor

TEXT_DIM = 3584


def release_collate(graph, mgm_ratio: float, vga_ratio: float) -> dict:
    """``CustomDataCollator.__call__`` for a batch of one graph (both tasks on it)."""
    graphs, batch = [graph], {}
    n_max = max(g.num_nodes for g in graphs)
    e_max = max(g.edge_index.size(1) for g in graphs)
    for prefix, ratio in (("", mgm_ratio), ("vg_", vga_ratio)):
        nodes = torch.zeros(len(graphs), n_max, dtype=torch.long)
        edges = torch.zeros(len(graphs), 2, e_max, dtype=torch.long)
        mask = torch.zeros(len(graphs), n_max, dtype=torch.long)
        padding = torch.zeros(len(graphs), n_max, dtype=torch.long)
        fanout = torch.zeros(len(graphs), n_max, dtype=torch.long)
        fanin = torch.zeros(len(graphs), n_max, dtype=torch.long)
        for idx, g in enumerate(graphs):
            n, e = g.num_nodes, g.edge_index.size(1)
            ei = g.edge_index.clone()
            fanout[idx, :n] = degree(ei[0], num_nodes=n).long()
            fanin[idx, :n] = degree(ei[1], num_nodes=n).long()
            edges[idx, :, :e] = ei
            edges[idx, :, e:] = ei[:, :1]
            nodes[idx, :n] = g.node_type
            mask[idx][torch.randperm(n)[:int(n * ratio)]] = 1
            padding[idx, :n] = 1
        batch.update({f"{prefix}nodes": nodes, f"{prefix}edges": edges, f"{prefix}mask": mask,
                      f"{prefix}padding": padding, f"{prefix}fanin": fanin,
                      f"{prefix}fanout": fanout})
    batch["verilogs"] = torch.stack([g.text_tokens[0, 0] for g in graphs])
    return batch


def release_encoder(model: PretrainModel, x: torch.Tensor, edges, padding) -> torch.Tensor:
    """``AIGMAEEncoder``: every block loops over the graphs of the padded batch."""
    layers = list(model.encoder.layers)
    for k, layer in enumerate(layers):
        x = torch.cat([layer(x[i], edges[i]).unsqueeze(0) for i in range(x.size(0))]) \
            * padding.unsqueeze(-1)
        if k < len(layers) - 1:
            x = x.relu()
    return x


def release_losses(model: PretrainModel, b: dict, degree_weight: float) -> torch.Tensor:
    emb = model.encoder.node_embedding
    # MGM
    latents = release_encoder(model, emb(b["nodes"]), b["edges"], b["padding"]).clone()
    idx = torch.where(b["mask"].bool())
    latents[idx] = model.mask_latent.expand_as(latents[idx])
    decoded = torch.cat([model.mgm_decoder(latents[i], b["edges"][i]).unsqueeze(0)
                         for i in range(latents.size(0))]) * b["padding"].unsqueeze(-1)
    logits, degrees = model.mgm_heads(decoded)
    target = b["nodes"] * b["mask"] + (b["mask"] == 0) * -100
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), target.reshape(-1))
    real = b["padding"].bool()
    loss = loss + degree_weight * (F.huber_loss(degrees[..., 0][real], b["fanin"][real].float())
                                   + F.huber_loss(degrees[..., 1][real], b["fanout"][real].float()))
    # VGA
    vg = emb(b["vg_nodes"]).clone()
    idx = torch.where(b["vg_mask"].bool())
    vg[idx] = emb.weight[MASK_TYPE].expand_as(vg[idx])
    states = release_encoder(model, vg, b["vg_edges"], b["vg_padding"])
    tokens = b["verilogs"][:, None, :]
    out = []
    for i in range(states.size(0)):
        x = states[i]
        for block in model.vga_decoder:
            x = block(x, torch.zeros(x.size(0), dtype=torch.long), tokens[i:i + 1])
        out.append(x.unsqueeze(0))
    logits, _ = model.vga_heads(torch.cat(out))
    target = b["vg_nodes"] * b["vg_mask"] + (b["vg_mask"] == 0) * -100
    return loss + F.cross_entropy(logits.reshape(-1, logits.size(-1)), target.reshape(-1))


def release_loop(config: PretrainConfig, graphs) -> float:
    """Seconds to train on ``graphs`` one graph per step, as the release does."""
    torch.manual_seed(config.seed)
    model = PretrainModel(config).train()
    opt = torch.optim.AdamW(_param_groups(model, config.weight_decay), lr=config.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_factor(config, s))
    start = time.perf_counter()
    for g in graphs:
        loss = release_losses(model, release_collate(g, config.mgm_mask_ratio,
                                                     config.vga_mask_ratio),
                              config.degree_weight)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graphs", type=int, default=256)
    ap.add_argument("--release-graphs", type=int, default=64)
    ap.add_argument("--ands", type=int, nargs=2, default=(50, 300))
    ap.add_argument("--budget", type=int, default=20000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--stream", metavar="ROOT", default=None,
                    help="a built corpus whose graphs are trained on (and streamed)")
    ap.add_argument("--smoke", action="store_true",
                    help="smallest size (8 graphs, 4 release steps, 20-40 ANDs): checks it runs")
    args = ap.parse_args(argv)
    if args.smoke:
        args.graphs, args.release_graphs, args.ands, args.budget = 8, 4, (20, 40), 2000
    torch.set_num_threads(args.threads)
    rng = random.Random(0)
    gen = torch.Generator().manual_seed(0)
    if args.stream:
        from circuitlab.datasets.stream import corpus_stream

        def with_text(graph, gen=torch.Generator().manual_seed(1)):
            return with_text_tokens(graph, torch.randn(TEXT_DIM, generator=gen))

        graphs = list(itertools.islice(corpus_stream(args.stream, seed=0, transform=with_text),
                                       args.graphs))
    else:
        graphs = [with_text_tokens(to_pyg(random_aig(rng, tuple(args.ands))),
                                   torch.randn(TEXT_DIM, generator=gen))
                  for _ in range(args.graphs)]
    nodes = sum(g.num_nodes for g in graphs)
    print(f"{len(graphs)} graphs, {nodes} nodes ({nodes / len(graphs):.0f} per graph), "
          f"torch.set_num_threads({args.threads}), device cpu")

    steps = NodeBudgetBatchSampler([g.num_nodes for g in graphs], args.budget).batches_per_epoch()
    # The release's text: one vector of D = 3584 per design (M = 1).
    config = PretrainConfig(text_dim=TEXT_DIM, text_tokens=1, node_budget=args.budget,
                            steps=steps, log_interval=steps, ckpt_interval=steps, device="cpu",
                            progress=False)
    with tempfile.TemporaryDirectory() as out:
        stats = pretrain(config, graphs, out)
    batched_gps, batched_nps = stats["graphs_per_s"], stats["nodes_per_s"]

    sub = graphs[:args.release_graphs]
    seconds = release_loop(config, sub)
    sub_nodes = sum(g.num_nodes for g in sub)
    release_gps, release_nps = len(sub) / seconds, sub_nodes / seconds
    print(f"batched  ({steps} steps of <= {args.budget} nodes): {batched_gps:8.1f} graphs/s "
          f"{batched_nps:10.0f} nodes/s")
    print(f"release  ({len(sub)} steps of one graph):        {release_gps:8.1f} graphs/s "
          f"{release_nps:10.0f} nodes/s")
    print(f"ratio (graphs/s, batched / release): {batched_gps / release_gps:.1f}x")
    if args.stream:
        with tempfile.TemporaryDirectory() as out:
            stats = pretrain(config, corpus_stream(args.stream, seed=0, transform=with_text), out)
        print(f"streamed ({steps} steps of <= {args.budget} nodes): "
              f"{stats['graphs_per_s']:8.1f} graphs/s {stats['nodes_per_s']:10.0f} nodes/s; "
              f"ratio to release {stats['graphs_per_s'] / release_gps:.1f}x")


if __name__ == "__main__":
    main()
