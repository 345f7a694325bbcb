"""Greedy decoding throughput: batched torch constraints vs per-circuit Python masks.

    python benchmarks/bench_decoding.py [--checkpoint PATH] [--circuits 256] [--device cpu]

Three ways to decode the same held-out circuits greedily with the same
model, in one process:

* ``batched``: :func:`circuitlab.transformer.decode.run_decoder`, masks
  from the vectorised ``ConstraintState``; on a CPU it steps rows in chunks
  of ``CPU_DECODE_CHUNK`` sorted by source length;
* ``python-masks``: the same batched model steps (same chunks), but each
  row's mask from the per-circuit Python reference (``ReferenceState``),
  isolating the mask cost;
* ``per-circuit``: one circuit at a time, batch 1, Python masks (how the
  original implementation decodes).

All three must produce identical tokens; the ratios are circuits/s over
the per-circuit and python-mask baselines.

Then the constraints alone, without the model: the batched decoder's tokens
replayed through the batched ``ConstraintState`` (masks, positions and
features of every step) and through one ``ReferenceState`` per circuit.
Then the model alone: the same tokens stepped through the model in the
batched chunks and one circuit at a time. Its ratio bounds what batching
can gain end to end on the device: on a CPU the model's arithmetic, not
per-step overhead, dominates even at batch 1, so the ratio stays small; on
a GPU a batch-1 step is latency-bound and the ratio is large. Last,
greedy ``search`` in calls of 8, of the windowed flow's batch, of 128 and
of all the circuits, against the flow's batch.
"""

from __future__ import annotations

import argparse
import time

import torch

from _common import print_table
from circuitlab.optimize.model import load_optimize_model
from circuitlab.sim.tables import tables_to_ints
from circuitlab.transformer.constraints import output_tables
from circuitlab.transformer.data.generate import random_circuits
from circuitlab.transformer.decode import CPU_DECODE_CHUNK, ENCODE_CHUNK, prepare, run_decoder
from circuitlab.transformer.reference import ReferenceState
from circuitlab.transformer.tokenizer import BOS, PAD


def _reference_states(tok, batch):
    cfg = tok.config
    limits = batch.limit.tolist()
    return [ReferenceState(cfg, tables_to_ints(output_tables(cfg, a)),
                           num_inputs=a.num_inputs, limit=limits[k])
            for k, a in enumerate(batch.aigs)]


@torch.no_grad()
def python_mask_decode(model, tok, batch, per_circuit: bool):
    """Greedy decoding with masks from the per-circuit Python reference."""
    device = batch.src_tokens.device
    if per_circuit:
        groups = [[k] for k in range(len(batch.aigs))]
    else:  # the row groups run_decoder steps together
        chunk = CPU_DECODE_CHUNK if device.type == "cpu" else len(batch.aigs)
        order = batch.by_length().tolist()
        groups = [order[lo:lo + chunk] for lo in range(0, len(order), chunk)]
    out = {}
    for rows in groups:
        sub = batch.select(torch.tensor(rows))
        refs = _reference_states(tok, sub)
        cache = model.start(model.encode(sub.src_tokens, sub.src_pos))
        prev = torch.full((len(rows),), BOS, dtype=torch.long, device=device)
        seqs = [[] for _ in rows]
        for _ in range(tok.config.max_len):
            legal = torch.tensor([r.legal() for r in refs], device=device)
            pos = torch.stack([torch.from_numpy(tok.position(*r.path())) if r.writing
                               else _end_position(tok, r) for r in refs]).to(device)
            feat = torch.stack([_features(tok, r) for r in refs]).to(device)
            logits = model.step(prev, pos, feat, cache).float().masked_fill(~legal, float("-inf"))
            nxt = logits.argmax(-1)
            for k, r in enumerate(refs):
                r.advance(int(nxt[k]))
                seqs[k].append(int(nxt[k]))
            prev = nxt
            if all(r.finished for r in refs):
                break
        for k, row in enumerate(rows):
            out[row] = seqs[k]
    return [out[k] for k in range(len(batch.aigs))]


def _end_position(tok, ref):
    vec = torch.zeros(tok.config.pos_dim)
    vec[-1] = float(not ref.finished)
    return vec


def _features(tok, ref):
    n = tok.config.num_minterms
    if not ref.writing:
        return torch.zeros(2 * n)
    care, value = ref.requirement()
    bits = [(care >> m) & 1 for m in range(n)] + [((care & value) >> m) & 1 for m in range(n)]
    return torch.tensor(bits, dtype=torch.float32)


def replay_torch(tok, batch, tokens):
    """The batched constraints alone: masks, positions and features of every step."""
    state = batch.state(tok)
    for t in range(tokens.shape[1]):
        state.legal(), state.positions(), state.features()
        state.advance(tokens[:, t])
    return state.failed


def replay_python(tok, batch, tokens):
    """The per-circuit Python reference alone, on the same tokens."""
    failed = []
    for ref, row in zip(_reference_states(tok, batch), tokens.tolist()):
        for token in row:
            if ref.finished:
                break
            ref.legal(), _features(tok, ref)
            if ref.writing:
                tok.position(*ref.path())
            ref.advance(token)
        failed.append(ref.failed)
    return failed


@torch.no_grad()
def replay_model(model, tok, batch, tokens, chunk):
    """The model's steps alone on the decoded tokens, ``chunk`` rows at a time
    (1: per circuit), finished rows dropped as ``run_decoder`` drops them.
    Positions and features are zeros: the same arithmetic."""
    device = tokens.device
    order = batch.by_length().tolist()
    lengths = (tokens != PAD).sum(1)
    for lo in range(0, len(order), chunk):
        rows = torch.tensor(order[lo:lo + chunk], device=device)
        sub = batch.select(rows)
        cache = model.start(model.encode(sub.src_tokens, sub.src_pos, chunk=ENCODE_CHUNK))
        prev = torch.full((len(rows),), BOS, dtype=torch.long, device=device)
        pos = torch.zeros(len(rows), tok.config.pos_dim, device=device)
        feat = torch.zeros(len(rows), 2 * tok.config.num_minterms, device=device)
        for t in range(int(lengths[rows].max())):
            model.step(prev, pos, feat, cache)
            prev = tokens[rows, t]
            finished = lengths[rows] <= t + 1
            if t % 8 == 7 and int(finished.sum()) * 4 >= len(rows):
                keep = (~finished).nonzero()[:, 0]
                rows, cache, prev = rows[keep], cache.select(keep), prev[keep]
                pos, feat = pos[keep], feat[keep]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", default=None, help="default: the shipped model")
    ap.add_argument("--circuits", type=int, default=256)
    ap.add_argument("--per-circuit", type=int, default=64,
                    help="circuits decoded by the slow per-circuit baseline")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--smoke", action="store_true",
                    help="smallest size (16 circuits, 8 per circuit): checks it runs")
    args = ap.parse_args()
    if args.smoke:
        args.circuits, args.per_circuit = 16, 8
    if args.threads:
        torch.set_num_threads(args.threads)
    model, tok = load_optimize_model(args.checkpoint, args.device)
    aigs = [a for a in random_circuits(4 * args.circuits, seed=1000, ands=(10, 40))
            if tok.fits(a)][:args.circuits]
    batch = prepare(tok, aigs, device=model.tok_emb.weight.device)
    run_decoder(model, tok, batch.select(torch.arange(8)))  # warm-up

    def timed(fn):
        start = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - start

    fast, t_fast = timed(lambda: run_decoder(model, tok, batch).tokens.cpu().tolist())
    slow, t_slow = timed(lambda: python_mask_decode(model, tok, batch, per_circuit=False))
    few = batch.select(torch.arange(args.per_circuit))
    single, t_single = timed(lambda: python_mask_decode(model, tok, few, per_circuit=True))
    decoded = run_decoder(model, tok, batch).tokens
    masks_fast, t_mfast = timed(lambda: replay_torch(tok, batch, decoded).tolist())
    masks_slow, t_mslow = timed(lambda: replay_python(tok, batch, decoded))
    same_masks = masks_fast == masks_slow
    chunk = CPU_DECODE_CHUNK if decoded.device.type == "cpu" else len(aigs)
    _, t_model = timed(lambda: replay_model(model, tok, batch, decoded, chunk))
    _, t_model1 = timed(lambda: replay_model(model, tok, few, decoded[:args.per_circuit], 1))
    fast = [[t for t in row if t != 0] for row in fast]
    same = all(fast[k] == [t for t in slow[k] if t != 0] for k in range(len(aigs)))
    same &= all(fast[k] == [t for t in single[k] if t != 0] for k in range(args.per_circuit))
    rate = len(aigs) / t_fast
    rows = [
        dict(method="batched (torch masks)", circuits=len(aigs), seconds=f"{t_fast:.2f}",
             circuits_per_s=f"{rate:.1f}", speedup="1.0"),
        dict(method="batched model, Python masks", circuits=len(aigs), seconds=f"{t_slow:.2f}",
             circuits_per_s=f"{len(aigs) / t_slow:.1f}", speedup=f"{rate * t_slow / len(aigs):.1f}"),
        dict(method="per circuit, Python masks", circuits=args.per_circuit,
             seconds=f"{t_single:.2f}", circuits_per_s=f"{args.per_circuit / t_single:.1f}",
             speedup=f"{rate * t_single / args.per_circuit:.1f}"),
    ]
    rows += [
        dict(method="constraints only, batched torch", circuits=len(aigs),
             seconds=f"{t_mfast:.2f}", circuits_per_s=f"{len(aigs) / t_mfast:.1f}",
             speedup="1.0"),
        dict(method="constraints only, per-circuit Python", circuits=len(aigs),
             seconds=f"{t_mslow:.2f}", circuits_per_s=f"{len(aigs) / t_mslow:.1f}",
             speedup=f"{t_mslow / t_mfast:.1f}"),
        dict(method="model steps only, batched", circuits=len(aigs),
             seconds=f"{t_model:.2f}", circuits_per_s=f"{len(aigs) / t_model:.1f}",
             speedup="1.0"),
        dict(method="model steps only, per circuit", circuits=args.per_circuit,
             seconds=f"{t_model1:.2f}", circuits_per_s=f"{args.per_circuit / t_model1:.1f}",
             speedup=f"{len(aigs) * t_model1 / (args.per_circuit * t_model):.1f}"),
    ]
    print(f"model: {model.num_parameters():,} parameters, device {args.device}, "
          f"torch threads {torch.get_num_threads()}")
    print_table(rows)
    print(f"identical tokens from all three: {same}; same failures from both constraint "
          f"replays: {same_masks}")
    if not (same and same_masks):
        raise SystemExit("decoders disagree")
    calls_table(model, tok, aigs)


def calls_table(model, tok, aigs) -> None:
    """Greedy ``search`` over the same circuits in calls of a few to all of them.

    The windowed flow hands the transformer its windows ``_TRANSFORMER_BATCH``
    at a time (a deadline is checked between calls); this is what the call
    size costs or gains in circuits per second, against calls of that size.
    """
    from circuitlab.optimize.window_pass import _TRANSFORMER_BATCH
    from circuitlab.transformer.search import SearchParams, search

    sizes = sorted({8, _TRANSFORMER_BATCH, 128, len(aigs)})
    times = {}
    for size in sizes:
        start = time.perf_counter()
        for lo in range(0, len(aigs), size):
            search(model, tok, aigs[lo:lo + size], SearchParams("greedy"))
        times[size] = time.perf_counter() - start
    base = times[_TRANSFORMER_BATCH]
    print_table([dict(circuits_per_call=size, circuits=len(aigs), seconds=f"{t:.2f}",
                      circuits_per_s=f"{len(aigs) / t:.1f}",
                      speedup_over_flow_batch=f"{base / t:.2f}") for size, t in times.items()])


if __name__ == "__main__":
    main()
