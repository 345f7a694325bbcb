"""Circuits as token sequences, after Circuit Transformer (Li et al., ICLR 2025,
https://arxiv.org/abs/2403.13838).

Each output of a small combinational AIG is written as a tree in depth-first
pre-order: an AND node is ``AND`` (or ``NAND`` when the output or fan-in edge
that reaches it is complemented) followed by its two fan-ins; a leaf is an
input literal ``x_i`` / ``~x_i`` or a constant. Shared sub-circuits are
written once per use; :meth:`Tokenizer.decode` merges them again by
functional hashing. The trees of all outputs follow one another, then ``EOS``.

Every token carries a *tree position*: the output it belongs to (one-hot)
and its root-to-node path, one ``[left, right]`` one-hot pair per level
(Shiv & Quirk, "Novel positional encodings to enable tree-based
transformers", NeurIPS 2019). Depth is capped at ``max_depth``.

Vocabulary (``n`` = ``num_inputs``):

====== =============================
id     token
====== =============================
0      PAD
1      BOS (decoder start)
2      EOS
3, 4   FALSE, TRUE
5, 6   AND, NAND
7+2i   ``x_i``
8+2i   ``~x_i``
====== =============================

A circuit beyond the limits (inputs, outputs, tree depth or length) is
refused with :class:`TokenizeError`, never truncated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from circuitlab.aig import Aig, AigBuilder
from circuitlab.aig.ops import cleanup
from circuitlab.errors import CircuitlabError
from circuitlab.sim.tables import projections, table_mask

__all__ = ["PAD", "BOS", "EOS", "FALSE", "TRUE", "AND", "NAND", "FIRST_LITERAL",
           "TokenizeError", "token_tables", "TokenizerConfig", "Tokenizer", "Encoded"]

PAD, BOS, EOS, FALSE, TRUE, AND, NAND = range(7)
FIRST_LITERAL = 7
MAX_TOKEN_INPUTS = 16


class TokenizeError(CircuitlabError):
    """A circuit or token sequence is outside what the tokenizer accepts."""


@dataclass(frozen=True)
class TokenizerConfig:
    """Limits of the token language.

    Args:
        num_inputs: most circuit inputs ``n`` (literal tokens ``x_0..x_{n-1}``).
        num_outputs: most circuit outputs ``m`` (trees per sequence).
        max_len: most tokens per sequence, ``EOS`` included (``BOS`` not).
        max_depth: deepest tree level an AND node's children may sit at.
        slack: most gates in a row along a tree path that the decoding mask
            allows without progress (fewer than two care minterms at the
            gate's controlling value; see :mod:`circuitlab.transformer.constraints`).
            Checkpoints that do not record it were trained with 0.
    """

    num_inputs: int = 8
    num_outputs: int = 2
    max_len: int = 512
    max_depth: int = 24
    slack: int = 4

    def __post_init__(self):
        if not 1 <= self.num_inputs <= MAX_TOKEN_INPUTS:
            raise TokenizeError(f"num_inputs must be 1..{MAX_TOKEN_INPUTS}, not "
                                f"{self.num_inputs}")
        if self.num_outputs < 1:
            raise TokenizeError(f"num_outputs must be at least 1, not {self.num_outputs}")
        if self.max_len < 2 or self.max_depth < 1:
            raise TokenizeError("max_len must be at least 2 and max_depth at least 1")
        if self.slack < 0:
            raise TokenizeError(f"slack must be at least 0, not {self.slack}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TokenizerConfig":
        """The config saved as ``d``; one saved before ``slack`` existed had none."""
        return cls(**{"slack": 0, **d})

    @property
    def vocab_size(self) -> int:
        return FIRST_LITERAL + 2 * self.num_inputs

    @property
    def pos_dim(self) -> int:
        """Width of a tree position: output one-hot, path pairs, end flag."""
        return self.num_outputs + 2 * self.max_depth + 1

    @property
    def num_minterms(self) -> int:
        return 1 << self.num_inputs

    @property
    def num_words(self) -> int:
        """64-bit words per truth table."""
        return max(1, self.num_minterms // 64)


@dataclass(frozen=True)
class Encoded:
    """One circuit as tokens.

    Shapes:
        tokens: ``[L]`` int64, ending with ``EOS``.
        pos: ``[L, pos_dim]`` float32 tree positions.
    """

    tokens: np.ndarray
    pos: np.ndarray
    num_outputs: int


class Tokenizer:
    """Converts circuits of at most ``n`` inputs and ``m`` outputs to and from tokens."""

    def __init__(self, config: TokenizerConfig = TokenizerConfig()):
        self.config = config

    # --- token helpers ---------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return self.config.vocab_size

    def literal_token(self, input_index: int, complement: bool) -> int:
        return FIRST_LITERAL + 2 * input_index + int(complement)

    def token_name(self, token: int) -> str:
        names = ("PAD", "BOS", "EOS", "0", "1", "AND", "NAND")
        if token < FIRST_LITERAL:
            return names[token]
        k = token - FIRST_LITERAL
        return f"{'~' if k & 1 else ''}x{k >> 1}"

    def token_tables(self) -> tuple:
        """Truth table (int, bit m = minterm m) of every leaf token, by token id.

        Entries of tokens that are not leaves (PAD, BOS, EOS, AND, NAND) are ``None``.
        """
        return token_tables(self.config.num_inputs)

    # --- checks ------------------------------------------------------------------
    def check(self, aig: Aig, what: str = "circuit") -> None:
        """Raise :class:`TokenizeError` unless ``aig`` fits the token language."""
        cfg = self.config
        if not aig.is_combinational:
            raise TokenizeError(f"{what} has {aig.num_latches} latches; the circuit "
                                "transformer takes combinational circuits")
        if aig.num_inputs > cfg.num_inputs:
            raise TokenizeError(f"{what} has {aig.num_inputs} inputs; this model takes at "
                                f"most {cfg.num_inputs}")
        if not 1 <= aig.num_outputs <= cfg.num_outputs:
            raise TokenizeError(f"{what} has {aig.num_outputs} outputs; this model takes "
                                f"1 to {cfg.num_outputs}")
        size, depth = _tree_size_depth(aig)
        if size + 1 > cfg.max_len:
            raise TokenizeError(f"{what} written as trees has {size + 1} tokens, beyond the "
                                f"limit of {cfg.max_len} (shared logic is repeated per use)")
        if depth > cfg.max_depth:
            raise TokenizeError(f"{what} written as trees is {depth} levels deep, beyond the "
                                f"limit of {cfg.max_depth}")

    def fits(self, aig: Aig) -> bool:
        try:
            self.check(aig)
        except TokenizeError:
            return False
        return True

    # --- encoding ------------------------------------------------------------------
    def encode(self, aig: Aig) -> Encoded:
        """Tokens and tree positions of ``aig`` (see the module docstring).

        Raises:
            TokenizeError: ``aig`` exceeds the configured limits.
        """
        self.check(aig)
        cfg = self.config
        first_and = aig.first_and_var
        ands = aig.ands.tolist()
        tokens: list[int] = []
        paths: list[tuple[int, tuple[int, ...]]] = []

        def emit(lit: int, out: int, path: tuple[int, ...]) -> None:
            var, neg = lit >> 1, lit & 1
            paths.append((out, path))
            if var == 0:
                tokens.append(TRUE if neg else FALSE)
            elif var < first_and:
                tokens.append(self.literal_token(var - 1, bool(neg)))
            else:
                tokens.append(NAND if neg else AND)
                a, b = ands[var - first_and]
                emit(a, out, path + (0,))
                emit(b, out, path + (1,))

        for out, lit in enumerate(aig.outputs.tolist()):
            emit(int(lit), out, ())
        tokens.append(EOS)
        pos = np.zeros((len(tokens), cfg.pos_dim), dtype=np.float32)
        for k, (out, path) in enumerate(paths):
            pos[k] = self.position(out, path)
        pos[-1, -1] = 1.0
        return Encoded(np.array(tokens, dtype=np.int64), pos, aig.num_outputs)

    def position(self, output: int, path: tuple[int, ...]) -> np.ndarray:
        """Tree position vector of the node at ``path`` under output ``output``."""
        cfg = self.config
        vec = np.zeros(cfg.pos_dim, dtype=np.float32)
        vec[output] = 1.0
        for level, child in enumerate(path):
            vec[cfg.num_outputs + 2 * level + child] = 1.0
        return vec

    # --- decoding --------------------------------------------------------------------
    def decode(self, tokens, num_inputs: int | None = None,
               num_outputs: int | None = None) -> Aig:
        """The AIG written by ``tokens`` (``BOS`` / ``EOS`` / ``PAD`` ignored).

        Sub-circuits with the same function are merged (functional hashing
        over the exhaustive truth table), so every AND of the result computes
        a distinct function that is neither constant nor a literal.

        Args:
            tokens: token ids.
            num_inputs: inputs of the result (default: the config's ``n``).
            num_outputs: trees expected; by default, as many as the tokens hold.

        Raises:
            TokenizeError: the tokens are not a sequence of complete trees,
                or not ``num_outputs`` of them.
        """
        n = self.config.num_inputs if num_inputs is None else num_inputs
        body = [int(t) for t in tokens if int(t) not in (PAD, BOS)]
        if EOS in body:
            body = body[:body.index(EOS)]
        leaves = token_tables(self.config.num_inputs)
        full = table_mask(self.config.num_inputs)
        b = AigBuilder()
        inputs = b.add_inputs(n)
        funcs: dict[int, int] = {0: 0, full: 1}
        for i, lit in enumerate(inputs):
            funcs.setdefault(leaves[self.literal_token(i, False)], lit)
            funcs.setdefault(leaves[self.literal_token(i, True)], lit ^ 1)
        pos = 0

        def parse() -> tuple[int, int]:
            nonlocal pos
            if pos >= len(body):
                raise TokenizeError("token sequence ends inside a tree")
            tok = body[pos]
            pos += 1
            if tok in (AND, NAND):
                la, ta = parse()
                lb, tb = parse()
                table = ta & tb
                lit = funcs.get(table)
                if lit is None:
                    lit = funcs.get(full ^ table)
                    lit = None if lit is None else lit ^ 1
                if lit is None:
                    lit = b.and_(la, lb)
                    funcs[table] = lit
                return (lit ^ 1, full ^ table) if tok == NAND else (lit, table)
            if not 0 <= tok < len(leaves) or leaves[tok] is None:
                raise TokenizeError(f"token {tok} is not a leaf or AND/NAND")
            if tok >= FIRST_LITERAL and (tok - FIRST_LITERAL) // 2 >= n:
                raise TokenizeError(f"token {self.token_name(tok)} names an input beyond "
                                    f"the {n} of this circuit")
            return funcs[leaves[tok]], leaves[tok]

        outputs = []
        while pos < len(body):
            outputs.append(parse()[0])
        if num_outputs is not None and len(outputs) != num_outputs:
            raise TokenizeError(f"token sequence holds {len(outputs)} trees, expected "
                                f"{num_outputs}")
        for lit in outputs:
            b.add_output(lit)
        return cleanup(b.build())


@lru_cache(maxsize=None)
def token_tables(num_inputs: int) -> tuple:
    """Truth tables (Python ints) of the leaf tokens, indexed by token id; ``None`` elsewhere."""
    full = table_mask(num_inputs)
    tables: list = [None, None, None, 0, full, None, None]
    for t in projections(num_inputs):
        tables += [t, full ^ t]
    return tuple(tables)


def _tree_size_depth(aig: Aig) -> tuple[int, int]:
    """Tokens (without EOS) and depth of ``aig`` written as trees."""
    first_and = aig.first_and_var
    size = np.ones(aig.num_vars, dtype=object)
    depth = np.zeros(aig.num_vars, dtype=np.int64)
    for k, (a, b) in enumerate(aig.ands.tolist()):
        v = first_and + k
        size[v] = 1 + size[a >> 1] + size[b >> 1]
        depth[v] = 1 + max(depth[a >> 1], depth[b >> 1])
    outs = aig.outputs >> 1
    return int(sum(size[v] for v in outs.tolist())), int(depth[outs].max(initial=0))
