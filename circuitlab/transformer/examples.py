"""Training examples: (source, label) circuit pairs as teacher-forcing tensors.

Each label is first brought into the form the decoding mask allows
(:func:`~circuitlab.transformer.reference.conform_label`); then the batched
:class:`~circuitlab.transformer.constraints.ConstraintState` is run over it
once, so training sees exactly the legal-token masks, tree positions and
slot requirements that decoding will compute, step for step.

Storage is ragged (one flat array per field plus offsets), so 100k examples
of ~60 steps take a few hundred MB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from circuitlab.aig import Aig
from circuitlab.fsutil import atomic_path
from circuitlab.sim.tables import tables_to_ints
from circuitlab.transformer.constraints import ConstraintState, output_tables, targets_from_aigs
from circuitlab.transformer.decode import LENGTH_FACTOR
from circuitlab.transformer.reference import conform_label
from circuitlab.transformer.tokenizer import BOS, PAD, TokenizeError, Tokenizer

__all__ = ["Examples", "make_examples", "collate"]


@dataclass
class Examples:
    """Ragged teacher-forcing data of ``N`` examples.

    Shapes (``Σ`` = total steps over all examples):
        src_tokens ``[Σs]`` int64, src_pos ``[Σs, pos_dim]`` uint8, src_offsets ``[N+1]``;
        tgt_tokens ``[Σt]`` int64, tgt_pos ``[Σt, pos_dim]`` uint8,
        tgt_legal ``[Σt]`` int64 bit masks over the vocabulary,
        tgt_req ``[Σt, 2, W]`` int64 (care, value) of each slot, tgt_offsets ``[N+1]``;
        label_ands ``[N]``, source_ands ``[N]``.
    """

    src_tokens: np.ndarray
    src_pos: np.ndarray
    src_offsets: np.ndarray
    tgt_tokens: np.ndarray
    tgt_pos: np.ndarray
    tgt_legal: np.ndarray
    tgt_req: np.ndarray
    tgt_offsets: np.ndarray
    label_ands: np.ndarray
    source_ands: np.ndarray

    def __len__(self) -> int:
        return len(self.src_offsets) - 1

    def subset(self, index) -> "Examples":
        """The examples ``index`` (in that order) as a new :class:`Examples`."""
        index = np.asarray(index, dtype=np.int64)
        src = [np.arange(self.src_offsets[i], self.src_offsets[i + 1]) for i in index]
        tgt = [np.arange(self.tgt_offsets[i], self.tgt_offsets[i + 1]) for i in index]
        s = np.concatenate(src) if src else np.zeros(0, np.int64)
        t = np.concatenate(tgt) if tgt else np.zeros(0, np.int64)
        return Examples(self.src_tokens[s], self.src_pos[s], _offsets([len(x) for x in src]),
                        self.tgt_tokens[t], self.tgt_pos[t], self.tgt_legal[t], self.tgt_req[t],
                        _offsets([len(x) for x in tgt]), self.label_ands[index],
                        self.source_ands[index])

    def lengths(self) -> tuple[np.ndarray, np.ndarray]:
        """``[N]`` source and target token counts."""
        return np.diff(self.src_offsets), np.diff(self.tgt_offsets)

    def save(self, path) -> None:
        """Write to ``path`` (``.npz``) atomically: a killed run leaves no partial file."""
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, **vars(self))

    @classmethod
    def load(cls, path) -> "Examples":
        with np.load(path) as data:
            return cls(**{k: data[k] for k in data.files})


def make_examples(tokenizer: Tokenizer, pairs: Sequence[tuple[Aig, Aig]],
                  chunk: int = 512, max_source_tokens: int | None = None
                  ) -> tuple[Examples, dict]:
    """Build training examples from ``(source, label)`` pairs.

    A pair is skipped when its source does not fit the tokenizer (or has
    more than ``max_source_tokens`` tokens: the encoder's cost grows with
    the square of the length), or when neither its label nor its source
    conforms to the mask rule. Returns the examples and counts
    ``{"pairs", "kept", "source_as_label", "skipped"}``.
    """
    cfg = tokenizer.config
    kept_src, kept_tgt, kept_aigs, label_ands, source_ands = [], [], [], [], []
    stats = {"pairs": len(pairs), "kept": 0, "source_as_label": 0, "skipped": 0}
    for source, label in pairs:
        try:
            enc = tokenizer.encode(source)
        except TokenizeError:
            stats["skipped"] += 1
            continue
        if max_source_tokens is not None and len(enc.tokens) > max_source_tokens:
            stats["skipped"] += 1
            continue
        values = tables_to_ints(output_tables(cfg, source))
        target = None
        for k, cand in enumerate((label, source)):
            if tokenizer.fits(cand):
                target = conform_label(cfg, tokenizer.encode(cand).tokens.tolist(), values)
            if target is not None:
                stats["source_as_label"] += k
                break
        if target is None or len(target) > _limit(len(enc.tokens)):
            stats["skipped"] += 1
            continue
        kept_src.append(enc)
        kept_tgt.append(np.array(target, dtype=np.int64))
        kept_aigs.append(source)
        label_ands.append(tokenizer.decode(target, source.num_inputs,
                                           source.num_outputs).num_ands)
        source_ands.append(source.num_ands)
    stats["kept"] = len(kept_src)
    legal, req, pos = [], [], []
    for start in range(0, len(kept_src), chunk):
        l, r, p = _teacher_states(tokenizer, kept_aigs[start:start + chunk],
                                  kept_tgt[start:start + chunk],
                                  [len(e.tokens) for e in kept_src[start:start + chunk]])
        legal += l
        req += r
        pos += p
    W, P = cfg.num_words, cfg.pos_dim
    return Examples(
        src_tokens=_cat([e.tokens for e in kept_src], (0,), np.int64),
        src_pos=_cat([e.pos.astype(np.uint8) for e in kept_src], (0, P), np.uint8),
        src_offsets=_offsets([len(e.tokens) for e in kept_src]),
        tgt_tokens=_cat(kept_tgt, (0,), np.int64),
        tgt_pos=_cat(pos, (0, P), np.uint8),
        tgt_legal=_cat(legal, (0,), np.int64),
        tgt_req=_cat(req, (0, 2, W), np.int64),
        tgt_offsets=_offsets([len(t) for t in kept_tgt]),
        label_ands=np.array(label_ands, dtype=np.int64),
        source_ands=np.array(source_ands, dtype=np.int64)), stats


def _limit(source_tokens: int) -> int:
    """The decoding length limit of a source, as :func:`~circuitlab.transformer.decode.prepare`
    sets it: the training mask is the decoding mask."""
    return max(8, LENGTH_FACTOR * source_tokens)


def _teacher_states(tokenizer, aigs, targets, source_lengths):
    cfg = tokenizer.config
    care, value, counts = targets_from_aigs(cfg, aigs)
    state = ConstraintState(cfg, care, value, counts,
                            torch.tensor([a.num_inputs for a in aigs]),
                            torch.tensor([_limit(n) for n in source_lengths]))
    T = max(len(t) for t in targets)
    tgt = torch.full((len(targets), T), PAD, dtype=torch.long)
    for k, t in enumerate(targets):
        tgt[k, :len(t)] = torch.from_numpy(t)
    bit = 1 << torch.arange(cfg.vocab_size)
    legal, req, pos = [], [], []
    for t in range(T):
        mask = state.legal()
        if not bool(mask.gather(1, tgt[:, t:t + 1]).all()):
            raise AssertionError("a conformed label is illegal under the batched mask")
        c, v = state.requirement()
        c = c * state.active[:, None]  # as ConstraintState.features(): no slot, no requirement
        legal.append((mask.long() * bit).sum(1))
        req.append(torch.stack([c, v & c], 1))
        pos.append(state.positions().to(torch.uint8))
        state.advance(tgt[:, t])
    legal, req, pos = torch.stack(legal, 1), torch.stack(req, 1), torch.stack(pos, 1)
    n = [len(t) for t in targets]
    return ([legal[k, :n[k]].numpy() for k in range(len(n))],
            [req[k, :n[k]].numpy() for k in range(len(n))],
            [pos[k, :n[k]].numpy() for k in range(len(n))])


def _cat(parts, empty_shape, dtype):
    return np.concatenate(parts) if parts else np.zeros(empty_shape, dtype=dtype)


def _offsets(lengths) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)


def collate(ex: Examples, index: Sequence[int], tokenizer: Tokenizer, device=None) -> dict:
    """A padded batch of examples ``index`` as model inputs and targets.

    Returns a dict of tensors: ``src_tokens [B,S]``, ``src_pos [B,S,P]``,
    ``tgt_in [B,T]`` (BOS then the targets shifted), ``tgt_pos [B,T,P]``,
    ``tgt_feat [B,T,2·2^n]``, ``legal [B,T,V]`` bool, ``target [B,T]`` (PAD = ignore).
    """
    from circuitlab.transformer.constraints import words_to_bits  # loads torch: only when used
    cfg = tokenizer.config
    index = list(index)
    B = len(index)
    s_len = [int(ex.src_offsets[i + 1] - ex.src_offsets[i]) for i in index]
    t_len = [int(ex.tgt_offsets[i + 1] - ex.tgt_offsets[i]) for i in index]
    S, T, P, W = max(s_len), max(t_len), cfg.pos_dim, cfg.num_words
    src = np.full((B, S), PAD, np.int64)
    src_pos = np.zeros((B, S, P), np.float32)
    tgt = np.full((B, T), PAD, np.int64)
    tgt_pos = np.zeros((B, T, P), np.float32)
    legal = np.zeros((B, T), np.int64)
    req = np.zeros((B, T, 2, W), np.int64)
    for k, i in enumerate(index):
        a, b = ex.src_offsets[i], ex.src_offsets[i + 1]
        src[k, :b - a], src_pos[k, :b - a] = ex.src_tokens[a:b], ex.src_pos[a:b]
        a, b = ex.tgt_offsets[i], ex.tgt_offsets[i + 1]
        tgt[k, :b - a], tgt_pos[k, :b - a] = ex.tgt_tokens[a:b], ex.tgt_pos[a:b]
        legal[k, :b - a], req[k, :b - a] = ex.tgt_legal[a:b], ex.tgt_req[a:b]
    tgt_t = torch.from_numpy(tgt)
    tgt_in = torch.cat([torch.full((B, 1), BOS, dtype=torch.long), tgt_t[:, :-1]], 1)
    bits = 1 << torch.arange(cfg.vocab_size)
    legal_t = (torch.from_numpy(legal)[..., None] & bits).ne(0)
    feat = words_to_bits(torch.from_numpy(req), cfg.num_minterms).flatten(2).float()
    out = dict(src_tokens=torch.from_numpy(src), src_pos=torch.from_numpy(src_pos),
               tgt_in=tgt_in, tgt_pos=torch.from_numpy(tgt_pos), tgt_feat=feat,
               legal=legal_t, target=tgt_t)
    return {k: v.to(device) for k, v in out.items()}
