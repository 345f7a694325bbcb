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
                 cares: Sequence[int] | None = None):
        self.config = config
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
                if table is not None and not (table ^ value) & care:
                    mask[tok] = True
            pending = (1 + sum(f[2] is None for f in self.frames)
                       + len(self.values) - self.out - 1)
            if (not any(mask) and len(self.frames) < cfg.max_depth
                    and self.length + pending + 3 <= cfg.max_len):
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

    The mask forbids an AND where a leaf meets the slot's requirement, which
    a label may do where don't-cares allow it. The label's trees are walked
    with the requirements of the constraint machine: such a subtree becomes
    the legal leaf closest (in Hamming distance) to its function; when that
    breaks the right sibling, the two children are tried in swapped order.
    The rewritten label is at most as large as the original.

    Returns:
        token ids ending with ``EOS``, or ``None`` when no rewrite of this kind
        exists (the label is then unusable for training).
    """
    full = (1 << config.num_minterms) - 1
    tables = token_tables(config.num_inputs)
    cares = [full] * len(values) if cares is None else list(cares)
    try:
        trees = _parse_trees([t for t in tokens if t not in (PAD, EOS)])
    except IndexError:
        return None
    if len(trees) != len(values):
        return None
    out: list[int] = []
    for tree, care, value in zip(trees, cares, values):
        written = _conform(tree, care & full, value & full, tables, full, root=True)
        if written is None:
            return None
        out += written[0]
    out.append(EOS)
    state = ReferenceState(config, values, cares)
    try:
        for tok in out:
            state.advance(tok)
    except ValueError:
        return None  # a cap (length, depth) of the machine is exceeded
    return out


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


def _conform(tree, care: int, value: int, tables, full,
             root: bool = False) -> tuple[list[int], int] | None:
    """Tokens and function of a rewrite of ``tree`` that meets ``(care, value)`` legally."""
    leaves = [t for t, tab in enumerate(tables) if tab is not None and not (tab ^ value) & care
              and (root or t >= FIRST_LITERAL)]
    if leaves:
        if len(tree) == 1 and tree[0] in leaves:
            return [tree[0]], tables[tree[0]]
        f = _function(tree, tables, full)
        best = min(leaves, key=lambda t: bin(tables[t] ^ f).count("1"))
        return [best], tables[best]
    if len(tree) == 1:
        return None
    gate = tree[0]
    v = ~value & full if gate == NAND else value
    for first, second in ((tree[1], tree[2]), (tree[2], tree[1])):
        left = _conform(first, care & v, full, tables, full)
        if left is None:
            continue
        right = _conform(second, care & (v | left[1]), v, tables, full)
        if right is None:
            continue
        g = left[1] & right[1]
        return [gate] + left[0] + right[0], (~g & full if gate == NAND else g)
    return None
