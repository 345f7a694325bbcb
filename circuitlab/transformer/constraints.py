"""Equivalence-preserving decoding constraints, vectorised over a batch.

The decoder writes each output as a pre-order tree (see
:mod:`circuitlab.transformer.tokenizer`). Every open position ("slot") of the
partial trees carries a *requirement*: a care set ``c`` and values ``v`` over
the ``2^n`` minterms that the sub-circuit written there must match. For an
output the requirement is its truth table (and care set, for incompletely
specified functions). For the children of ``g = AND(l, r)`` required to
match ``(c, v)``:

* the left child must be 1 wherever ``g`` must be 1, and 0 at the
  *witness* ``w``, the lowest minterm where ``g`` must be 0:
  ``(c & v | w, ¬w)``;
* once ``l`` is written, the right child must be 1 wherever ``g`` must be 1
  and 0 wherever ``g`` must be 0 and ``l`` is 1: ``(c & (v | l), v)``;

a ``NAND`` slot requires the complement of ``v`` from its AND. This is the
three-valued check of Circuit Transformer (Li et al., ICLR 2025,
https://arxiv.org/abs/2403.13838) written per slot: a leaf token is legal iff
its function matches the requirement on its care set, which is exactly when
the partial circuit, unwritten slots read as X, contradicts no known
minterm. A requirement can always be met by some sub-circuit, so every
finished sequence is equivalent to its target on the care set, whatever the
model's scores.

The witness loses nothing (``g`` is 0 at ``w``, so one child is, and ``AND``
commutes). A gate makes *progress* when ``g`` must be 0 on two or more care
minterms: then both children's care sets are strictly smaller than ``c``
(the right one lacks ``w``; the left one is ``c & v`` plus one minterm). A
gate without progress is not needed for the function (its left child could
meet the requirement alone), but it is how a circuit shares logic: in
``out0 = (a & b) & c`` with ``out1 = a & b`` the left child ``a & b`` is
such a gate, and writing the same function without it costs an AND. The
mask therefore allows at most ``slack`` gates without progress in a row
along any path (:class:`~circuitlab.transformer.tokenizer.TokenizerConfig`);
care sets shrink at least every ``slack + 1`` levels, so a decoder cannot
repeat a pointless subtree level after level. With ``slack`` 0 (rule 2)
the scripts' circuits grow by 30 % to obey the mask, with 4 by under 1 %
(``experiments/mask_rule_labels.py``).

Mask rule (shared by training and inference): a leaf is legal iff it meets
the requirement, constants only as a whole output (a constant fan-in makes
an AND pointless); ``AND`` (``NAND``) iff it makes progress (at least two
care minterms must be 0 (1)) or fewer than ``slack`` gates without
progress lie between the slot and the nearest gate with progress above it
(or the root), the slot is above ``max_depth``, the
sequence can still be finished within ``max_len``, and no leaf *completes
the output*: a legal leaf in the output's last open slot finishes it
correctly with no AND, so a subtree there is never needed;
``EOS`` iff every output is written; ``PAD`` once finished. When nothing is
legal (a cap was hit) only ``PAD`` is allowed, and writing it marks the row
*failed*; callers fall back to the original circuit.

When a subtree is completed its function is hashed against the functions
already written (with complements, constants and literals): ``num_ands``
counts distinct AND functions so far, the size that functional-hashing merge
gives before dangling nodes are removed.

Truth tables are int64 bitsets ``[.., W]``, ``W = max(1, 2^n / 64)``, bit
``m % 64`` of word ``m // 64`` for minterm ``m``; every tensor of a state
lives on one device, CPU or GPU.
"""

from __future__ import annotations

import numpy as np
import torch

from circuitlab.sim.simulate import truth_tables
from circuitlab.sim.tables import int_to_words, table_mask
from circuitlab.transformer.tokenizer import (AND, EOS, FALSE, FIRST_LITERAL, NAND, PAD, TRUE,
                                              TokenizerConfig, token_tables)

__all__ = ["MASK_RULE", "ConstraintState", "output_tables", "tables_to_words", "targets_from_aigs",
           "words_to_bits"]


# Version of the mask rule below: training examples store masks, so a change
# to the rule must change this (and examples are rebuilt).
MASK_RULE = 3


def tables_to_words(table: int, num_words: int) -> list[int]:
    """A Python-int truth table as signed 64-bit words (low word first)."""
    return int_to_words(table, num_words).view(np.int64).tolist()


def words_to_bits(words: torch.Tensor, num_bits: int) -> torch.Tensor:
    """Unpack ``[..., W]`` int64 words to ``[..., num_bits]`` 0/1 (same dtype)."""
    shifts = torch.arange(64, device=words.device)
    bits = (words.unsqueeze(-1) >> shifts) & 1
    return bits.flatten(-2)[..., :num_bits]


class ConstraintState:
    """Decoding constraints of a batch of sequences.

    Args:
        config: the token language.
        care: ``[B, m, W]`` int64 care sets of each output (all ones when
            the function is completely specified).
        value: ``[B, m, W]`` int64 truth tables of each output.
        num_outputs: ``[B]`` outputs of each row (``<= m``).
        num_inputs: ``[B]`` inputs of each row (``<= n``; default ``n``):
            literals of absent inputs are never legal.
        limit: ``[B]`` most tokens of each row (``<= max_len``; default ``max_len``).

    Shapes:
        ``m`` = ``config.num_outputs``; rows with fewer outputs leave the
        extra tables unused.
    """

    def __init__(self, config: TokenizerConfig, care: torch.Tensor, value: torch.Tensor,
                 num_outputs: torch.Tensor, num_inputs: torch.Tensor | None = None,
                 limit: torch.Tensor | None = None, _empty: bool = False):
        self.config = config
        if _empty:
            return
        dev = value.device
        B, D, W = value.shape[0], config.max_depth + 1, config.num_words
        if value.shape[1:] != (config.num_outputs, W) or care.shape != value.shape:
            raise ValueError(f"care/value must be [B, {config.num_outputs}, {W}], not "
                             f"{tuple(care.shape)} / {tuple(value.shape)}")
        self.full = _full_words(config, dev)
        self.root_care = care & self.full
        self.root_value = value & self.full
        self.num_outputs = num_outputs.to(dev, torch.long)
        n_in = (torch.full((B,), config.num_inputs, device=dev) if num_inputs is None
                else num_inputs.to(dev, torch.long))
        self.limit = (torch.full((B,), config.max_len, device=dev) if limit is None
                      else limit.to(dev, torch.long).clamp(max=config.max_len))
        literal_input = (torch.arange(config.vocab_size, device=dev) - FIRST_LITERAL) // 2
        self.token_ok = (literal_input[None] < n_in[:, None]) | (literal_input[None] < 0)
        self.f_care = torch.zeros(B, D, W, dtype=torch.long, device=dev)
        self.f_value = torch.zeros_like(self.f_care)
        self.f_left = torch.zeros_like(self.f_care)
        self.f_has_left = torch.zeros(B, D, dtype=torch.bool, device=dev)
        self.f_nand = torch.zeros(B, D, dtype=torch.bool, device=dev)
        self.f_slack = torch.zeros(B, D, dtype=torch.long, device=dev)
        self.sp = torch.zeros(B, dtype=torch.long, device=dev)
        self.out = torch.zeros(B, dtype=torch.long, device=dev)
        self.length = torch.zeros(B, dtype=torch.long, device=dev)
        self.done = torch.zeros(B, dtype=torch.bool, device=dev)
        self.failed = torch.zeros(B, dtype=torch.bool, device=dev)
        self.funcs = torch.zeros(B, config.max_len // 2 + 1, W, dtype=torch.long, device=dev)
        self.num_ands = torch.zeros(B, dtype=torch.long, device=dev)
        self._init_tables(dev)

    def _init_tables(self, dev) -> None:
        cfg = self.config
        tables = token_tables(cfg.num_inputs)
        words = [tables_to_words(t or 0, cfg.num_words) for t in tables]
        self.leaf_tt = torch.tensor(words, dtype=torch.long, device=dev)           # [V, W]
        self.is_leaf = torch.tensor([t is not None for t in tables], device=dev)  # [V]
        # canonical (minterm 0 -> 0) tables of constants and literals: merged, never ANDs
        self.trivial = self.leaf_tt[FIRST_LITERAL::2].clone()
        self.trivial = torch.cat([torch.zeros_like(self.trivial[:1]), self.trivial])

    # --- views -------------------------------------------------------------------
    @property
    def batch_size(self) -> int:
        return self.sp.shape[0]

    @property
    def finished(self) -> torch.Tensor:
        """``[B]`` rows that wrote EOS or failed."""
        return self.done | self.failed

    @property
    def active(self) -> torch.Tensor:
        """``[B]`` rows still writing trees."""
        return ~self.finished & (self.out < self.num_outputs)

    def _top(self) -> torch.Tensor:
        return (self.sp - 1).clamp(min=0)

    def _rows(self) -> torch.Tensor:
        return torch.arange(self.batch_size, device=self.sp.device)

    def requirement(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Care set and values ``[B, W]`` of the slot to be written next."""
        rows, top = self._rows(), self._top()
        fc, fv = self.f_care[rows, top], self.f_value[rows, top]
        fl, fh = self.f_left[rows, top], self.f_has_left[rows, top, None]
        witness = _lowest_bit(fc & ~fv)
        care = torch.where(fh, fc & (fv | fl), (fc & fv) | witness)
        value = torch.where(fh, fv, self.full & ~witness)
        out = self.out.clamp(max=self.config.num_outputs - 1)
        at_root = (self.sp == 0)[:, None]
        care = torch.where(at_root, self.root_care[rows, out], care)
        value = torch.where(at_root, self.root_value[rows, out], value)
        return care, value

    def _slack(self) -> torch.Tensor:
        """``[B]`` gates without progress still allowed in a row at the next slot."""
        inner = self.f_slack[self._rows(), self._top()]
        return torch.where(self.sp == 0, torch.full_like(inner, self.config.slack), inner)

    def _open_right(self) -> torch.Tensor:
        """``[B]`` right children still to be written above the next slot."""
        levels = torch.arange(self.f_has_left.shape[1], device=self.sp.device)
        return (~self.f_has_left & (levels[None] < self.sp[:, None])).sum(1)

    def pending(self) -> torch.Tensor:
        """``[B]`` slots still to be written, the next one included."""
        return 1 + self._open_right() + (self.num_outputs - self.out - 1).clamp(min=0)

    def legal(self) -> torch.Tensor:
        """``[B, V]`` bool: the tokens the mask rule allows next (see the module doc)."""
        cfg = self.config
        care, value = self.requirement()
        miss = ((self.leaf_tt[None] ^ value[:, None]) & care[:, None]).ne(0).any(-1)
        active = self.active
        leaf_ok = ~miss & self.is_leaf[None] & active[:, None] & self.token_ok
        leaf_ok[:, FALSE:TRUE + 1] &= (self.sp == 0)[:, None]
        open_right = self._open_right()
        pending = 1 + open_right + (self.num_outputs - self.out - 1).clamp(min=0)
        room = self.length + pending + 3 <= self.limit
        completes = leaf_ok.any(1) & (open_right == 0)
        gate_ok = active & ~completes & (self.sp < cfg.max_depth) & room
        mask = leaf_ok
        slack = self._slack() > 0
        mask[:, AND] = gate_ok & (slack | _two_or_more(care & ~value))
        mask[:, NAND] = gate_ok & (slack | _two_or_more(care & value))
        mask[:, EOS] = ~self.finished & (self.out >= self.num_outputs)
        mask[:, PAD] = ~mask.any(1)
        return mask

    def positions(self) -> torch.Tensor:
        """``[B, pos_dim]`` tree position of the next slot (as :meth:`Tokenizer.position`)."""
        cfg = self.config
        m, B = cfg.num_outputs, self.batch_size
        pos = torch.zeros(B, cfg.pos_dim, device=self.sp.device)
        writing = self.active
        rows = self._rows()
        pos[rows[writing], self.out[writing]] = 1.0
        levels = torch.arange(cfg.max_depth, device=self.sp.device)
        on_path = (levels[None] < self.sp[:, None]) & writing[:, None]
        cols = m + 2 * levels[None] + self.f_has_left[:, :cfg.max_depth].long()
        pos.scatter_(1, cols, on_path.float())
        pos[:, -1] = (~self.finished & (self.out >= self.num_outputs)).float()
        return pos

    def features(self) -> torch.Tensor:
        """``[B, 2 * 2^n]`` float: care bits, then value bits on the care set, of the next slot."""
        care, value = self.requirement()
        care = care * self.active[:, None]
        bits = words_to_bits(torch.stack([care, care & value], 1), self.config.num_minterms)
        return bits.flatten(1).float()

    # --- transitions -------------------------------------------------------------------
    def advance(self, tokens: torch.Tensor) -> None:
        """Write ``tokens`` ``[B]`` (each legal for its row) and update the state in place."""
        tokens = tokens.to(self.sp.device, torch.long)
        active, rows = self.active, self._rows()
        is_leaf = self.is_leaf[tokens] & active
        is_gate = ((tokens == AND) | (tokens == NAND)) & active
        is_eos = (tokens == EOS) & ~self.finished
        self.failed |= (tokens == PAD) & ~self.finished
        self.done |= is_eos
        self.length += (is_leaf | is_gate | is_eos).long()
        if is_gate.any():
            care, value = self.requirement()
            nand = tokens == NAND
            value = torch.where(nand[:, None], ~value & self.full, value)
            progress = _two_or_more(care & ~value)
            slack = torch.where(progress, torch.full_like(self.sp, self.config.slack),
                                self._slack() - 1)
            r, sp = rows[is_gate], self.sp[is_gate]
            self.f_slack[r, sp] = slack[is_gate]
            self.f_care[r, sp] = care[is_gate]
            self.f_value[r, sp] = value[is_gate]
            self.f_has_left[r, sp] = False
            self.f_nand[r, sp] = nand[is_gate]
            self.sp += is_gate.long()
        f = self.leaf_tt[tokens]
        carry = is_leaf
        while carry.any():
            top = self._top()
            has_left = self.f_has_left[rows, top]
            self.out += (carry & (self.sp == 0)).long()
            set_left = carry & (self.sp > 0) & ~has_left
            complete = carry & (self.sp > 0) & has_left
            r = rows[set_left]
            self.f_left[r, top[set_left]] = f[set_left]
            self.f_has_left[r, top[set_left]] = True
            node = self.f_left[rows, top] & f
            node = torch.where(self.f_nand[rows, top, None], ~node & self.full, node)
            self._record(node, complete)
            self.sp -= complete.long()
            f = torch.where(complete[:, None], node, f)
            carry = complete

    def _record(self, table: torch.Tensor, rows: torch.Tensor) -> None:
        r = rows.nonzero()[:, 0]
        if r.numel() == 0:
            return
        table = table[r]
        flip = (table[:, :1] & 1).bool()
        canon = torch.where(flip, ~table & self.full, table)
        count = self.num_ands[r]
        slots = torch.arange(self.funcs.shape[1], device=r.device)
        known = ((self.funcs[r] == canon[:, None]).all(-1) & (slots[None] < count[:, None])).any(1)
        trivial = (self.trivial[None] == canon[:, None]).all(-1).any(1)
        new = ~known & ~trivial
        self.funcs[r[new], count[new]] = canon[new]
        self.num_ands[r[new]] += 1

    def select(self, index: torch.Tensor) -> "ConstraintState":
        """A new state whose rows are rows ``index`` ``[B']`` of this one."""
        new = ConstraintState(self.config, None, None, None, _empty=True)
        for name, val in vars(self).items():
            if name in ("config", "full", "leaf_tt", "is_leaf", "trivial"):
                setattr(new, name, val)
            else:
                setattr(new, name, val[index])
        return new


def _lowest_bit(words: torch.Tensor) -> torch.Tensor:
    """``[..., W]`` words with only the lowest set bit of each bitset kept (0 if empty)."""
    low = words & -words
    nonzero = words.ne(0)
    first = nonzero & (nonzero.long().cumsum(-1) == 1)
    return torch.where(first, low, torch.zeros_like(low))


def _two_or_more(words: torch.Tensor) -> torch.Tensor:
    """``[...]`` bool: the bitsets ``[..., W]`` have at least two set bits."""
    return (words & (words - 1)).ne(0).any(-1) | (words.ne(0).sum(-1) >= 2)


def _full_words(config: TokenizerConfig, dev) -> torch.Tensor:
    full = table_mask(config.num_inputs)
    return torch.tensor(tables_to_words(full, config.num_words), dtype=torch.long, device=dev)


def output_tables(config: TokenizerConfig, aig) -> np.ndarray:
    """``[O, W]`` uint64 truth tables of ``aig``'s outputs over the ``2^n`` minterms of
    the token language (inputs beyond ``aig.num_inputs`` are ignored)."""
    return truth_tables(aig, num_inputs=config.num_inputs)


def targets_from_aigs(config: TokenizerConfig, aigs, cares=None, device=None):
    """Batch the targets of several circuits for :class:`ConstraintState`.

    Args:
        aigs: circuits that fit ``config`` (see :meth:`Tokenizer.check`).
        cares: ``None``, or per circuit ``None`` (completely specified) or a
            ``[O, W]`` uint64 care set over the ``2^n`` minterms.

    Returns:
        ``(care, value, num_outputs)``: ``[B, m, W]``, ``[B, m, W]`` int64, ``[B]`` long.
        Pass ``num_inputs`` separately (see :class:`ConstraintState`).
    """
    m, W = config.num_outputs, config.num_words
    B = len(aigs)
    value = np.zeros((B, m, W), dtype=np.int64)
    care = np.zeros((B, m, W), dtype=np.int64)
    counts = np.zeros(B, dtype=np.int64)
    for k, aig in enumerate(aigs):
        rows = aig.num_outputs
        value[k, :rows] = output_tables(config, aig).view(np.int64)
        c = None if cares is None else cares[k]
        care[k, :rows] = -1 if c is None else np.asarray(c, dtype=np.uint64).view(np.int64)
        counts[k] = rows
    return (torch.from_numpy(care).to(device), torch.from_numpy(value).to(device),
            torch.from_numpy(counts).to(device))
