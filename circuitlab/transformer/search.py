"""Search over constrained decodings: greedy, sampling best-of-N, beam, MCTS.

Every candidate any method produces is a finished sequence under the
decoding mask, so it is equivalent by construction; :func:`finish` rebuilds
and re-checks each one and keeps the smallest. MCTS follows Circuit
Transformer (Li et al., ICLR 2025): PUCT over next tokens with the model's
masked distribution as priors and a greedy rollout from every new leaf
scored by the AND count; rollouts of all circuits in a batch run together.
A :class:`~circuitlab.transformer.value.ValueGuide` reshapes the logits of
every method (MCTS's priors and rollouts included) by a learned value.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Sequence

import torch

from circuitlab.aig import Aig
from circuitlab.transformer.decode import (Cursor, DecodeResult, Decoded, finish, prepare,
                                           run_decoder, sampling_choice)
from circuitlab.transformer.search_params import METHODS, SearchParams
from circuitlab.transformer.tokenizer import EOS, Tokenizer

__all__ = ["METHODS", "SearchParams", "SearchStats", "search"]

@dataclass
class SearchStats:
    """What a search did; ``model_calls`` counts decoding steps of one row, the
    unit in which the methods' budgets compare."""

    circuits: int = 0
    candidates: int = 0
    failed: int = 0
    violations: int = 0
    seconds: float = 0.0
    model_calls: int = 0


def search(model, tokenizer: Tokenizer, aigs: Sequence[Aig], params: SearchParams = SearchParams(),
           cares=None, guide=None) -> tuple[list[DecodeResult], SearchStats]:
    """Optimise each circuit with ``params.method``; results in input order.

    Args:
        cares: ``None`` or per circuit ``None`` / a ``[O, W]`` uint64 care set.
        guide: a :class:`~circuitlab.transformer.value.ValueGuide` reshaping
            every step's logits (priors and roll-outs of MCTS too), or ``None``.

    Raises:
        TokenizeError: a circuit exceeds the model's limits.
    """
    if not aigs:
        return [], SearchStats()
    device = next(model.parameters()).device
    start = time.perf_counter()
    results: list[DecodeResult] = [None] * len(aigs)
    step = max(1, params.batch_size // (1 if params.method in ("greedy", "mcts")
                                        else params.budget))
    everything = prepare(tokenizer, aigs, cares, device)
    # batches of similar source length: less padding in every attention step
    order = everything.by_length().tolist()
    calls = 0
    for lo in range(0, len(aigs), step):
        idx = order[lo:lo + step]
        chunk_cares = None if cares is None else [cares[i] for i in idx]
        batch = everything.select(torch.tensor(idx, device=device))
        if params.method == "greedy":
            decoded = run_decoder(model, tokenizer, batch, guide=guide)
            found, used = finish(tokenizer, batch.aigs, decoded, cares=chunk_cares), decoded.calls
        elif params.method == "sample":
            found, used = _sample(model, tokenizer, batch, params, lo, chunk_cares, guide)
        elif params.method == "beam":
            found, used = _beam(model, tokenizer, batch, params, chunk_cares, guide)
        else:
            found, used = _mcts(model, tokenizer, batch, params, chunk_cares, guide)
        calls += used
        for i, res in zip(idx, found):
            results[i] = res
    stats = SearchStats(len(results), sum(r.candidates for r in results),
                        sum(r.failed for r in results), sum(r.violations for r in results),
                        time.perf_counter() - start, calls)
    return results, stats


def _sample(model, tokenizer, batch, params, offset, cares, guide):
    """Greedy plus ``budget - 1`` samples per circuit."""
    n = len(batch.aigs)
    owner = torch.arange(n).repeat_interleave(params.budget)
    rep = batch.select(owner)
    gen = torch.Generator(device=batch.src_tokens.device).manual_seed(params.seed + offset)
    sampler = sampling_choice(params.temperature, gen)
    first = (torch.arange(len(owner)) % params.budget == 0).to(batch.src_tokens.device)

    def choose(logits, step, rows):
        return torch.where(first[rows], logits.argmax(-1), sampler(logits, step, rows))

    decoded = run_decoder(model, tokenizer, rep, choose, guide=guide)
    return finish(tokenizer, batch.aigs, decoded, owner.tolist(), cares), decoded.calls


@torch.no_grad()
def _beam(model, tokenizer, batch, params, cares, guide):
    """Beam search on log-probability; the smallest finished beam wins."""
    cfg = tokenizer.config
    K, n = params.budget, len(batch.aigs)
    device = batch.src_tokens.device
    owner = torch.arange(n, device=device).repeat_interleave(K)
    cur = Cursor(model, tokenizer, batch.select(owner.cpu()), guide)
    score = torch.zeros(n, K, device=device)
    score[:, 1:] = float("-inf")  # all beams start identical: keep one
    history = torch.zeros(n * K, 0, dtype=torch.long, device=device)
    calls = 0
    for _ in range(cfg.max_len):
        calls += int((~cur.state.finished).sum())
        _, logp = cur.scores()
        done = cur.state.finished
        logp = torch.where(done[:, None], torch.full_like(logp, float("-inf")), logp)
        logp[done, 0] = 0.0  # a finished beam continues with PAD at no cost
        total = (score.reshape(-1, 1) + logp).reshape(n, -1)
        score, flat = total.topk(K, dim=1)
        beam = flat // cfg.vocab_size
        token = (flat % cfg.vocab_size).reshape(-1)
        rows = (torch.arange(n, device=device)[:, None] * K + beam).reshape(-1)
        cur.select(rows)
        history = torch.cat([history[rows], token[:, None]], 1)
        cur.advance(token)
        if bool(cur.state.finished.all()):
            break
    failed = cur.state.failed | ~torch.isfinite(score.reshape(-1))
    decoded = Decoded(history, failed, score.reshape(-1))
    return finish(tokenizer, batch.aigs, decoded, owner.tolist(), cares), calls


class _Node:
    __slots__ = ("prior", "visits", "value", "children", "terminal")

    def __init__(self, prior: float):
        self.prior = prior
        self.visits = 0
        self.value = 0.0
        self.children: dict[int, _Node] | None = None
        self.terminal = False


def _mcts(model, tokenizer, batch, params, cares, guide):
    """PUCT search per circuit; each simulation is one batched rollout for all circuits.
    Returns the results and the model calls."""
    n = len(batch.aigs)
    roots = [_Node(1.0) for _ in range(n)]
    base = [max(1, a.num_ands) for a in batch.aigs]
    # one failed placeholder per circuit, so circuits without a finished rollout are reported
    all_rows: list[list[int]] = [[0] for _ in range(n)]
    all_owner: list[int] = list(range(n))
    all_failed: list[bool] = [True] * n
    calls = 0
    for _ in range(params.budget):
        paths, prefixes = [], []
        for k in range(n):
            path, prefix = _select(roots[k], params.c_puct)
            paths.append(path)
            prefixes.append(prefix)
        decoded = run_decoder(model, tokenizer, batch, prefixes=prefixes, guide=guide)
        calls += decoded.calls
        rows = decoded.tokens.cpu().tolist()
        failed = decoded.failed.cpu().tolist()
        probs = decoded.prefix_probs.cpu()
        for k in range(n):
            leaf = paths[k][-1]
            if leaf.children is None and not leaf.terminal:
                legal = probs[k].nonzero()[:, 0].tolist()
                if not legal or prefixes[k][-1:] == [EOS]:
                    leaf.terminal = True
                else:
                    leaf.children = {t: _Node(float(probs[k, t])) for t in legal}
            size = None
            all_rows.append(rows[k])
            all_owner.append(k)
            all_failed.append(bool(failed[k]))
            if not failed[k]:
                size = tokenizer.decode(rows[k], batch.aigs[k].num_inputs,
                                        batch.aigs[k].num_outputs).num_ands
            reward = -1.0 if size is None else -size / base[k]
            for node in paths[k]:
                node.visits += 1
                node.value += reward
    width = max(len(r) for r in all_rows)
    tokens = torch.tensor([r + [0] * (width - len(r)) for r in all_rows])
    decoded = Decoded(tokens, torch.tensor(all_failed), torch.zeros(len(all_rows)))
    results = finish(tokenizer, batch.aigs, decoded, all_owner, cares)
    for r in results:  # placeholders are not candidates
        r.candidates -= 1
        r.failed -= 1
    return results, calls


def _select(root: _Node, c_puct: float) -> tuple[list[_Node], list[int]]:
    """Walk down by PUCT to a node not yet expanded; returns the path and its tokens."""
    path, prefix, node = [root], [], root
    while node.children:
        sqrt_n = math.sqrt(max(1, node.visits))
        parent_q = node.value / node.visits if node.visits else 0.0

        def score(item):
            child = item[1]
            q = child.value / child.visits if child.visits else parent_q
            return q + c_puct * child.prior * sqrt_n / (1 + child.visits)

        token, node = max(node.children.items(), key=score)
        path.append(node)
        prefix.append(token)
    return path, prefix
