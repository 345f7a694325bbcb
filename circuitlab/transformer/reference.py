"""The decoding constraints for one sequence, in plain Python.

The same mask rule as :class:`~circuitlab.transformer.constraints.ConstraintState`
(see that module for the rule), one circuit and one step at a time with
Python integers as truth tables. It is the specification the vectorised
version is tested against, the per-circuit baseline of the decoding
benchmark, and it brings training labels into the form the mask allows
(:func:`conform_label`).
"""

from __future__ import annotations

from typing import Sequence

from circuitlab.transformer.tokenizer import (AND, EOS, FALSE, FIRST_LITERAL, NAND, PAD, TRUE,
                                              TokenizerConfig, token_tables)

__all__ = ["ReferenceState", "conform_label"]


class ReferenceState:
    """Constraint state of one sequence.

    Args:
        config: the token language.
        values: truth table of each output (int, bit m = minterm m).
        cares: care set of each output (default: every minterm).
    """

    def __init__(self, config: TokenizerConfig, values: Sequence[int],
                 cares: Sequence[int] | None = None, num_inputs: int | None = None,
                 limit: int | None = None):
        self.config = config
        self.num_inputs = config.num_inputs if num_inputs is None else num_inputs
        self.limit = config.max_len if limit is None else min(limit, config.max_len)
        self.full = (1 << config.num_minterms) - 1
        self.values = [v & self.full for v in values]
        self.cares = [self.full] * len(values) if cares is None else [c & self.full
                                                                       for c in cares]
        self.tables = token_tables(config.num_inputs)
        self.frames: list[list] = []  # [care, value, left or None, nand]
        self.out = 0
        self.length = 0
        self.done = False
        self.failed = False
        self.funcs: set[int] = set()
        trivial = [t for t in self.tables[FIRST_LITERAL::2]]
        self.trivial = {0, *trivial}

    @property
    def finished(self) -> bool:
        return self.done or self.failed

    @property
    def writing(self) -> bool:
        return not self.finished and self.out < len(self.values)

    @property
    def num_ands(self) -> int:
        return len(self.funcs)

    def requirement(self) -> tuple[int, int]:
        """``(care, value)`` of the next slot."""
        if not self.frames:
            out = min(self.out, len(self.values) - 1)
            return self.cares[out], self.values[out]
        care, value, left, _ = self.frames[-1]
        if left is None:
            return care & value, self.full
        return care & (value | left), value

    def legal(self) -> list[bool]:
        """Per token id, whether the mask rule allows it next."""
        cfg = self.config
        mask = [False] * cfg.vocab_size
        if self.writing:
            care, value = self.requirement()
            for tok, table in enumerate(self.tables):
                if tok in (FALSE, TRUE) and self.frames:
                    continue
                if tok >= FIRST_LITERAL and (tok - FIRST_LITERAL) // 2 >= self.num_inputs:
                    continue
                if table is not None and not (table ^ value) & care:
                    mask[tok] = True
            open_right = sum(f[2] is None for f in self.frames)
            pending = 1 + open_right + len(self.values) - self.out - 1
            completes = any(mask) and open_right == 0
            if (not completes and len(self.frames) < cfg.max_depth
                    and self.length + pending + 3 <= self.limit):
                mask[AND] = mask[NAND] = True
        elif not self.finished:
            mask[EOS] = True
        if not any(mask):
            mask[PAD] = True
        return mask

    def path(self) -> tuple[int, tuple[int, ...]]:
        """Output index and root-to-slot path of the next slot."""
        return self.out, tuple(int(f[2] is not None) for f in self.frames)

    def advance(self, token: int) -> None:
        """Write ``token``; raises ``ValueError`` if the mask forbids it."""
        if not self.legal()[token]:
            raise ValueError(f"token {token} is not legal here")
        if token == PAD:
            self.failed = self.failed or not self.done
            return
        self.length += 1
        if token == EOS:
            self.done = True
            return
        if token in (AND, NAND):
            care, value = self.requirement()
            if token == NAND:
                value = ~value & self.full
            self.frames.append([care, value, None, token == NAND])
            return
        f = self.tables[token]
        while True:
            if not self.frames:
                self.out += 1
                return
            frame = self.frames[-1]
            if frame[2] is None:
                frame[2] = f
                return
            node = frame[2] & f
            if frame[3]:
                node = ~node & self.full
            canon = ~node & self.full if node & 1 else node
            if canon not in self.trivial:
                self.funcs.add(canon)
            self.frames.pop()
            f = node


def conform_label(config: TokenizerConfig, tokens: Sequence[int], values: Sequence[int],
                  cares: Sequence[int] | None = None) -> list[int] | None:
    """``tokens`` of an equivalent circuit, rewritten so the mask rule allows every token.

    The mask forbids an AND in an output's last open slot when a leaf meets
    the slot's requirement there (possible through don't-cares left by the
    subtrees already written). Each such subtree is replaced by that leaf,
    which finishes the output correctly and affects nothing else, so the
    result is never larger than the label.

    Returns:
        token ids ending with ``EOS``, or ``None`` when the label is not a
        sequence of complete trees for these outputs or exceeds a cap.
    """
    state = ReferenceState(config, values, cares)
    body = [t for t in tokens if t != PAD]
    out: list[int] = []
    k = 0
    while k < len(body) and not state.finished:
        tok = body[k]
        mask = state.legal()
        if tok in (AND, NAND) and not mask[tok]:
            leaves = [t for t, ok in enumerate(mask) if ok and t not in (AND, NAND, PAD, EOS)]
            if not leaves:
                return None
            end = _skip_subtree(body, k)
            f = _function(_parse_trees(body[k:end])[0], state.tables, state.full)
            tok = min(leaves, key=lambda t: bin(state.tables[t] ^ f).count("1"))
            k = end
        else:
            k += 1
        if not mask[tok]:
            return None
        state.advance(tok)
        out.append(tok)
    return out if state.done else None


def _skip_subtree(body: Sequence[int], start: int) -> int:
    """Index just past the pre-order subtree that starts at ``start``."""
    need, k = 1, start
    while need and k < len(body):
        need += 1 if body[k] in (AND, NAND) else -1
        k += 1
    return k


def _parse_trees(body: Sequence[int]) -> list:
    """Pre-order tokens -> nested ``(token, left, right)`` / ``(token,)`` tuples."""
    pos = 0

    def parse():
        nonlocal pos
        tok = body[pos]
        pos += 1
        if tok in (AND, NAND):
            return (tok, parse(), parse())
        return (tok,)

    trees = []
    while pos < len(body):
        trees.append(parse())
    return trees


def _function(tree, tables, full) -> int:
    if len(tree) == 1:
        return tables[tree[0]]
    g = _function(tree[1], tables, full) & _function(tree[2], tables, full)
    return ~g & full if tree[0] == NAND else g
