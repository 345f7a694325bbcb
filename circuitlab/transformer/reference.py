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

from circuitlab.sim.tables import table_mask
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
        self.full = table_mask(config.num_inputs)
        self.values = [v & self.full for v in values]
        self.cares = [self.full] * len(values) if cares is None else [c & self.full
                                                                       for c in cares]
        self.tables = token_tables(config.num_inputs)
        self.frames: list[list] = []  # [care, value, left or None, nand, children's slack]
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
        care, value, left = self.frames[-1][:3]
        if left is None:
            witness = _lowest_bit(care & ~value)
            return (care & value) | witness, self.full & ~witness
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
                slack = self._slack() > 0
                mask[AND] = slack or (care & ~value).bit_count() >= 2
                mask[NAND] = slack or (care & value).bit_count() >= 2
        elif not self.finished:
            mask[EOS] = True
        if not any(mask):
            mask[PAD] = True
        return mask

    def _slack(self) -> int:
        """Gates without progress still allowed in a row at the next slot."""
        return self.frames[-1][4] if self.frames else self.config.slack

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
            progress = (care & ~value).bit_count() >= 2
            slack = self.config.slack if progress else self._slack() - 1
            self.frames.append([care, value, None, token == NAND, slack])
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


def _lowest_bit(table: int) -> int:
    """The lowest set bit of ``table`` (0 if none)."""
    return table & -table


def conform_label(config: TokenizerConfig, tokens: Sequence[int], values: Sequence[int],
                  cares: Sequence[int] | None = None) -> list[int] | None:
    """``tokens`` of an equivalent circuit, rewritten so the mask rule allows every token.

    Four rewrites; only the second can make the circuit larger:

    * the children of a gate are swapped when the right one, not the left,
      is 0 at the gate's witness minterm (one of them is, as the gate is 0
      there; ``AND`` commutes);
    * a right child that no longer meets its requirement, because the left
      one was rewritten, is replaced by the smallest subtree of its gate
      that does (the gate's AND, ``NAND`` read as ``AND``, always does);
    * a gate the mask forbids because at most one care minterm is 0 (for
      ``AND``; 1 for ``NAND``) is replaced by the child that already meets
      the requirement (complemented for ``NAND``);
    * a gate in an output's last open slot where a leaf meets the
      requirement is replaced by that leaf (the leaf closest to the
      subtree's function).

    Returns:
        token ids ending with ``EOS``, or ``None`` when the label is not a
        sequence of complete trees for these outputs or exceeds a cap.
    """
    state = ReferenceState(config, values, cares)
    body = [t for t in tokens if t not in (PAD, EOS)]
    try:
        trees = _parse_trees(body)
    except IndexError:
        return None
    if len(trees) != len(values):
        return None
    out: list[int] = []
    for tree in trees:
        if not _emit(state, tree, out):
            return None
    if not state.legal()[EOS]:
        return None
    state.advance(EOS)
    out.append(EOS)
    return out


def _emit(state: ReferenceState, tree, out: list[int]) -> bool:
    """Write ``tree`` (rewritten as :func:`conform_label` says) at the next slot."""
    tables, full = state.tables, state.full
    mask = state.legal()
    tok = tree[0]
    if tok not in (AND, NAND):
        if not mask[tok]:
            return False
        state.advance(tok)
        out.append(tok)
        return True
    if mask[tok]:
        state.advance(tok)
        out.append(tok)
        care, value = state.requirement()
        left, right = tree[1], tree[2]
        if (_function(left, tables, full) ^ value) & care:
            left, right = right, left
        if not _emit(state, left, out):
            return False
        # the left child may have been rewritten to a function that is 1 where the
        # original was 0; the right one must then be 0 there too. The gate's AND
        # always is, so some subtree of it meets the right requirement.
        care, value = state.requirement()
        if (_function(right, tables, full) ^ value) & care:
            right = min((t for t in _subtrees((AND, tree[1], tree[2]))
                         if not (_function(t, tables, full) ^ value) & care),
                        key=_size, default=None)
        return right is not None and _emit(state, right, out)
    care, value = state.requirement()
    leaves = [t for t, ok in enumerate(mask) if ok and t not in (AND, NAND, PAD, EOS)]
    if leaves:
        f = _function(tree, tables, full)
        leaf = min(leaves, key=lambda t: (tables[t] ^ f).bit_count())
        state.advance(leaf)
        out.append(leaf)
        return True
    # a gate forbidden with at most one care minterm at its controlling value:
    # a child of the AND meets the AND's requirement on its own
    target = value if tok == AND else ~value & full
    for child in (tree[1], tree[2]):
        if not (_function(child, tables, full) ^ target) & care:
            return _emit(state, child if tok == AND else _negate(child), out)
    return False


def _subtrees(tree):
    yield tree
    if len(tree) == 3:
        yield from _subtrees(tree[1])
        yield from _subtrees(tree[2])


def _size(tree) -> int:
    return 1 if len(tree) == 1 else 1 + _size(tree[1]) + _size(tree[2])


def _negate(tree):
    """The tree of the complement: a literal's partner, or the root gate flipped."""
    tok = tree[0]
    if tok in (AND, NAND):
        return (NAND if tok == AND else AND, tree[1], tree[2])
    if tok in (FALSE, TRUE):
        return (TRUE if tok == FALSE else FALSE,)
    return (FIRST_LITERAL + ((tok - FIRST_LITERAL) ^ 1),)


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
