"""A tiny deterministic embedder for tests: hashed character n-grams, no model."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from circuitlab.errors import CircuitlabError
from circuitlab.llm.embedding import Embedder, Embedding
from circuitlab.llm.pooling import adaptive_pool, sentence_vector

_WORD = re.compile(r"\w+|[^\w\s]")


class HashEmbedder(Embedder):
    """Each word (``\\w+`` or one punctuation character) becomes the sum of
    signed one-hot vectors of its character n-grams (blake2b of the n-gram
    picks the index and sign); the word vectors are then pooled like a
    model's token states (:func:`adaptive_pool`, mean sentence vector).

    Deterministic for a text, fast, and texts sharing words are close; it
    knows nothing about meaning.

    Args:
        dim: D.
        pooled_tokens: M.
        ngram: the n of the character n-grams (words are padded with ``#``).
    """

    def __init__(self, dim: int = 64, pooled_tokens: int = 16, ngram: int = 3):
        if dim < 1:
            raise CircuitlabError(f"dim must be at least 1 (got {dim})")
        if pooled_tokens < 1:
            raise CircuitlabError(f"pooled_tokens must be at least 1 (got {pooled_tokens})")
        if ngram < 1:
            raise CircuitlabError(f"ngram must be at least 1 (got {ngram})")
        self.dim = dim
        self.pooled_tokens = pooled_tokens
        self.ngram = ngram

    @property
    def model_id(self) -> str:
        return f"hash-ngram{self.ngram}-d{self.dim}"

    @property
    def fingerprint(self) -> str:
        return f"hash-ngram/v1 dim={self.dim} ngram={self.ngram} m={self.pooled_tokens}"

    def _word(self, word: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        padded = f"#{word}#"
        for i in range(max(1, len(padded) - self.ngram + 1)):
            digest = hashlib.blake2b(padded[i:i + self.ngram].encode(), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            vec[(value >> 1) % self.dim] += 1.0 if value & 1 else -1.0
        return vec

    def embed(self, texts: Sequence[str]) -> list[Embedding]:
        out = []
        for text in texts:
            words = _WORD.findall(text)
            states = (np.stack([self._word(w) for w in words]) if words
                      else np.zeros((0, self.dim), dtype=np.float32))
            out.append(Embedding(adaptive_pool(states, self.pooled_tokens),
                                 sentence_vector(states, "mean", True), self.model_id))
        return out
