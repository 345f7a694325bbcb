"""Batched constrained decoding: sources in, equivalent circuits out.

Every step masks the model's scores with
:class:`~circuitlab.transformer.constraints.ConstraintState`, so each
finished sequence is equivalent to its source whatever the weights. Each
result is still rebuilt and compared with the source over all ``2^n``
minterms (on the care set) before it is returned; a sequence that hit a
length or depth cap, or (never expected) failed that check, falls back to
the source circuit and is counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch

from circuitlab.aig import Aig
from circuitlab.transformer.constraints import ConstraintState, output_tables, targets_from_aigs
from circuitlab.transformer.tokenizer import BOS, PAD, Tokenizer

__all__ = ["Cursor", "Decoded", "DecodeResult", "SourceBatch", "finish", "greedy_choice",
           "prepare", "run_decoder", "sampling_choice"]


@dataclass
class SourceBatch:
    """Model inputs and decoding targets of a batch of circuits.

    Shapes:
        src_tokens ``[B, S]``, src_pos ``[B, S, pos_dim]``; care/value
        ``[B, m, W]``; num_outputs ``[B]``.
    """

    aigs: list[Aig]
    src_tokens: torch.Tensor
    src_pos: torch.Tensor
    care: torch.Tensor
    value: torch.Tensor
    num_outputs: torch.Tensor
    num_inputs: torch.Tensor
    limit: torch.Tensor

    def select(self, index: torch.Tensor) -> "SourceBatch":
        """Rows ``index``, with the source padding cut to their longest row."""
        idx = index.tolist()
        width = max(1, int((self.src_tokens[index] != PAD).sum(1).max())) if idx else 1
        return SourceBatch([self.aigs[i] for i in idx], self.src_tokens[index, :width],
                           self.src_pos[index, :width], self.care[index], self.value[index],
                           self.num_outputs[index], self.num_inputs[index], self.limit[index])

    def by_length(self) -> torch.Tensor:
        """``[B]`` row indices ordered by source token count (stable)."""
        return torch.argsort((self.src_tokens != PAD).sum(1), stable=True)

    def state(self, tokenizer: Tokenizer) -> ConstraintState:
        return ConstraintState(tokenizer.config, self.care, self.value, self.num_outputs,
                               self.num_inputs, self.limit)


# A decoded sequence may be this many times longer than its source's: longer
# ones are rarely smaller and only cost time (the source is the fallback).
LENGTH_FACTOR = 2
# Sources are encoded this many rows at a time, grouped by length.
ENCODE_CHUNK = 32
# On a CPU, rows are decoded this many at a time, grouped by source length: the
# step is bound by memory traffic over the attention caches, which shorter
# padding and cache-sized batches cut (256 held-out circuits: 44 circuits/s
# in sorted chunks of 64-128, 28 as one batch). A GPU takes the batch whole.
CPU_DECODE_CHUNK = 128


def prepare(tokenizer: Tokenizer, aigs: Sequence[Aig], cares=None, device=None) -> SourceBatch:
    """Tokenise ``aigs`` and their targets for decoding.

    Each row may decode at most ``LENGTH_FACTOR`` times its source's token
    count (and ``max_len``).

    Args:
        cares: ``None`` or, per circuit, ``None`` or a ``[O, W]`` uint64 care set.

    Raises:
        TokenizeError: a circuit exceeds the tokenizer's limits.
    """
    encoded = [tokenizer.encode(a) for a in aigs]
    S = max(len(e.tokens) for e in encoded)
    P = tokenizer.config.pos_dim
    tokens = np.full((len(aigs), S), PAD, dtype=np.int64)
    pos = np.zeros((len(aigs), S, P), dtype=np.float32)
    for k, e in enumerate(encoded):
        tokens[k, :len(e.tokens)] = e.tokens
        pos[k, :len(e.tokens)] = e.pos
    care, value, counts = targets_from_aigs(tokenizer.config, aigs, cares, device)
    num_inputs = torch.tensor([a.num_inputs for a in aigs], device=device)
    limit = torch.tensor([max(8, LENGTH_FACTOR * len(e.tokens)) for e in encoded], device=device)
    return SourceBatch(list(aigs), torch.from_numpy(tokens).to(device),
                       torch.from_numpy(pos).to(device), care, value, counts, num_inputs, limit)


# (masked logits [B', V], step, original row index of each of the B' live rows)
#   -> chosen tokens [B']
Chooser = Callable[[torch.Tensor, int, torch.Tensor], torch.Tensor]

# (decoder states [B', d_model], chosen tokens [B'], original row index [B']) -> None
Observer = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], None]


def greedy_choice(logits: torch.Tensor, step: int, rows: torch.Tensor) -> torch.Tensor:
    return logits.argmax(-1)


def sampling_choice(temperature: float, generator: torch.Generator) -> Chooser:
    def choose(logits: torch.Tensor, step: int, rows: torch.Tensor) -> torch.Tensor:
        probs = torch.softmax(logits.float() / temperature, -1)
        gen = generator if generator.device == probs.device else None
        return torch.multinomial(probs, 1, generator=gen)[:, 0]
    return choose


@dataclass
class Decoded:
    """Raw output of :func:`run_decoder` and of beam search.

    Shapes:
        tokens ``[B, T]``; failed ``[B]`` bool (the row hit a cap and falls
        back to its source); log_prob ``[B]``; prefix_probs ``[B, V]`` (the
        masked distribution right after each row's forced prefix) or None;
        steps ``[B]`` long: model steps each row took before it finished
        (its model calls) or None.
    """

    tokens: torch.Tensor
    failed: torch.Tensor
    log_prob: torch.Tensor
    prefix_probs: torch.Tensor | None = None
    steps: torch.Tensor | None = None

    @property
    def calls(self) -> int:
        """Model calls: decoding steps summed over rows (0 when not counted)."""
        return 0 if self.steps is None else int(self.steps.sum())


class Cursor:
    """Rows being decoded together: constraint state, attention cache, last token.

    One step of every decoder: :meth:`scores` masks the model's logits with
    the constraints, :meth:`advance` appends the chosen tokens. A ``guide``
    (:class:`~circuitlab.transformer.value.ValueGuide`) reshapes the logits
    from the decoder's states before the mask; ``states`` holds the last
    step's.
    """

    def __init__(self, model, tokenizer: Tokenizer, batch: SourceBatch, guide=None):
        self.model = model
        self.guide = guide
        self.states: torch.Tensor | None = None
        self.state = batch.state(tokenizer)
        self.cache = model.start(model.encode(batch.src_tokens, batch.src_pos,
                                              chunk=ENCODE_CHUNK))
        self.prev = torch.full((self.state.batch_size,), BOS, dtype=torch.long,
                               device=batch.src_tokens.device)

    def scores(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Masked logits and their log-probabilities, both ``[B, V]`` float
        (illegal tokens ``-inf``)."""
        state = self.state
        feat = state.features() if self.model.config.feat_dim > 0 else None
        logits, self.states = self.model.step(self.prev, state.positions(), feat, self.cache,
                                              hidden=True)
        logits = logits.float()
        if self.guide is not None:
            logits = self.guide.shape(logits, self.states)
        logits = logits.masked_fill(~state.legal(), float("-inf"))
        return logits, torch.log_softmax(logits, -1)

    def advance(self, tokens: torch.Tensor) -> None:
        """Append ``tokens`` ``[B]`` (each legal for its row)."""
        self.state.advance(tokens)
        self.prev = tokens

    def select(self, index: torch.Tensor) -> None:
        """Keep (or repeat) rows ``index``."""
        self.state = self.state.select(index)
        self.cache = self.cache.select(index)
        self.prev = self.prev[index]
        if self.states is not None:
            self.states = self.states[index]


@torch.no_grad()
def run_decoder(model, tokenizer: Tokenizer, batch: SourceBatch, choose: Chooser = greedy_choice,
                prefixes: Sequence[Sequence[int]] | None = None,
                chunk: int | None = None, guide=None, observe: Observer | None = None) -> Decoded:
    """Decode every row of ``batch`` to the end under the constraints.

    Finished rows are dropped from the batch as decoding goes on, so a few
    long rows do not keep the whole batch stepping.

    Args:
        model: a :class:`~circuitlab.transformer.model.CircuitTransformer`.
        choose: picks the next token of every row from masked logits.
        prefixes: optional tokens forced at the start of each row (each
            must be legal); ``prefix_probs`` then holds the model's masked
            distribution at the first free step of each row.
        chunk: most rows stepped together, grouped by source length
            (default: ``CPU_DECODE_CHUNK`` on a CPU, the whole batch on a GPU).
        guide: reshapes the logits (see :class:`Cursor`).
        observe: called at every step with the decoder states ``[B', d_model]``,
            the chosen tokens ``[B']`` and the rows' indices in ``batch``, for
            the rows still writing.
    """
    B = len(batch.aigs)
    if chunk is None:
        chunk = CPU_DECODE_CHUNK if batch.src_tokens.device.type == "cpu" else B
    if B <= chunk:
        return _decode(model, tokenizer, batch, choose, prefixes, guide, observe)
    order = batch.by_length()
    parts = []
    for lo in range(0, B, chunk):
        idx = order[lo:lo + chunk]

        def sub_choose(logits, step, rows, idx=idx):
            return choose(logits, step, idx[rows])

        def sub_observe(states, tokens, rows, idx=idx):
            observe(states, tokens, idx[rows])
        sub_prefixes = None if prefixes is None else [prefixes[i] for i in idx.tolist()]
        parts.append((idx, _decode(model, tokenizer, batch.select(idx), sub_choose,
                                   sub_prefixes, guide,
                                   None if observe is None else sub_observe)))
    device = batch.src_tokens.device
    T = max(d.tokens.shape[1] for _, d in parts)
    tokens = torch.full((B, T), PAD, dtype=torch.long, device=device)
    failed = torch.zeros(B, dtype=torch.bool, device=device)
    log_prob = torch.zeros(B, device=device)
    probs = None if prefixes is None else torch.zeros(B, tokenizer.config.vocab_size,
                                                      device=device)
    steps = torch.zeros(B, dtype=torch.long, device=device)
    for idx, d in parts:
        tokens[idx, :d.tokens.shape[1]] = d.tokens
        failed[idx] = d.failed
        log_prob[idx] = d.log_prob
        steps[idx] = d.steps
        if probs is not None:
            probs[idx] = d.prefix_probs
    return Decoded(tokens, failed, log_prob, probs, steps)


def _decode(model, tokenizer: Tokenizer, batch: SourceBatch, choose: Chooser,
            prefixes: Sequence[Sequence[int]] | None, guide=None,
            observe: Observer | None = None) -> Decoded:
    cfg = tokenizer.config
    device = batch.src_tokens.device
    cur = Cursor(model, tokenizer, batch, guide)
    B = cur.state.batch_size
    rows = torch.arange(B, device=device)           # original index of each live row
    tokens = torch.full((B, cfg.max_len), PAD, dtype=torch.long, device=device)
    failed = torch.zeros(B, dtype=torch.bool, device=device)
    log_prob = torch.zeros(B, device=device)
    row_steps = torch.zeros(B, dtype=torch.long, device=device)
    forced = plen = prefix_probs = None
    if prefixes is not None:
        L = max((len(p) for p in prefixes), default=0)
        forced = torch.full((B, L + 1), -1, dtype=torch.long, device=device)
        for k, p in enumerate(prefixes):
            forced[k, :len(p)] = torch.tensor(list(p), dtype=torch.long)
        plen = torch.tensor([len(p) for p in prefixes], device=device)
        prefix_probs = torch.zeros(B, cfg.vocab_size, device=device)
    steps = 0
    for t in range(cfg.max_len):
        row_steps[rows] += (~cur.state.finished).long()
        logits, logp = cur.scores()
        tok = choose(logits, t, rows)
        if forced is not None:
            if t < forced.shape[1]:
                f = forced[rows, t]
                tok = torch.where(f >= 0, f, tok)
            at = plen[rows] == t
            prefix_probs[rows[at]] = logp[at].exp()
        if observe is not None:
            live = ~cur.state.finished
            observe(cur.states[live], tok[live], rows[live])
        log_prob[rows] += torch.where(cur.state.finished, 0.0,
                                      logp.gather(1, tok[:, None])[:, 0])
        cur.advance(tok)
        tokens[rows, t] = tok
        steps = t + 1
        finished = cur.state.finished
        if bool(finished.all()):
            failed[rows] = cur.state.failed
            break
        if t % 8 == 7 and int(finished.sum()) * 4 >= len(rows):
            failed[rows[finished]] = cur.state.failed[finished]
            keep = (~finished).nonzero()[:, 0]
            rows = rows[keep]
            cur.select(keep)
    else:
        failed[rows] = cur.state.failed | ~cur.state.finished
    return Decoded(tokens[:, :steps], failed, log_prob, prefix_probs, row_steps)


@dataclass
class DecodeResult:
    """One circuit's outcome.

    Attributes:
        aig: the circuit to use: the smallest equivalent candidate, or the
            source when no candidate was smaller or none finished.
        decoded: the model's own best circuit (``None`` when every
            candidate hit a cap).
        tokens: the tokens of ``decoded``.
        candidates: sequences decoded for this circuit.
        failed: candidates that hit a cap.
        violations: candidates that finished but were not equivalent (a bug if ever > 0).
        pool: every distinct finished candidate, smallest first (seeds for
            classical post-optimisation, see :mod:`circuitlab.optimize.small`).
    """

    source: Aig
    aig: Aig
    decoded: Aig | None
    tokens: list[int] = field(default_factory=list)
    candidates: int = 0
    failed: int = 0
    violations: int = 0
    pool: list[Aig] = field(default_factory=list)

    @property
    def ands_before(self) -> int:
        return self.source.num_ands

    @property
    def ands_after(self) -> int:
        return self.aig.num_ands


def finish(tokenizer: Tokenizer, sources: Sequence[Aig], decoded: Decoded,
           owner: Sequence[int] | None = None, cares=None) -> list[DecodeResult]:
    """Rebuild, check and pick the best candidate per source circuit.

    Args:
        sources: the circuits decoded (``batch.aigs``).
        owner: per decoded row, the index of its source circuit in
            ``sources`` (default: row ``k`` belongs to circuit ``k``).
        cares: as for :func:`prepare`, indexed by source circuit.
    """
    rows = decoded.tokens.cpu().tolist()
    failed = decoded.failed.cpu().tolist()
    owner = list(range(len(rows))) if owner is None else list(owner)
    results: dict[int, DecodeResult] = {}
    tables = {}
    seen: set[tuple[int, tuple[int, ...]]] = set()
    for r, src_idx in enumerate(owner):
        src = sources[src_idx]
        res = results.setdefault(src_idx, DecodeResult(src, src, None))
        res.candidates += 1
        if failed[r]:
            res.failed += 1
            continue
        aig = tokenizer.decode(rows[r], src.num_inputs, src.num_outputs)
        if src_idx not in tables:
            tables[src_idx] = output_tables(tokenizer.config, src)
        care = None if cares is None else cares[src_idx]
        if not _same_on_care(output_tables(tokenizer.config, aig), tables[src_idx], care):
            res.violations += 1
            continue
        aig = aig.with_names(src.input_names, src.output_names)
        body = [t for t in rows[r] if t != PAD]
        key = (src_idx, tuple(body))
        if key not in seen:
            seen.add(key)
            res.pool.append(aig)
        if res.decoded is None or aig.num_ands < res.decoded.num_ands:
            res.decoded, res.tokens = aig, body
        if aig.num_ands < res.aig.num_ands:
            res.aig = aig
    for res in results.values():
        res.pool.sort(key=lambda a: a.num_ands)
    return [results[k] for k in sorted(results)]


def _same_on_care(a: np.ndarray, b: np.ndarray, care) -> bool:
    diff = a ^ b
    if care is not None:
        diff &= np.asarray(care, dtype=np.uint64)
    return not diff.any()
