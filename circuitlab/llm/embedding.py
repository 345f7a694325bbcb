"""The result of embedding one text, and the interface every embedder follows."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Embedding:
    """One text's embedding.

    Attributes:
        tokens: float32 ``[M, D]``: the model's token-level states pooled into
            ``M`` contiguous segments (see :func:`circuitlab.llm.pooling.adaptive_pool`).
        vector: float32 ``[D]``: the sentence vector (pooling and normalisation
            as the embedder's params say).
        model_id: which model produced it.

    Shapes:
        tokens: ``[M, D]``; vector: ``[D]``.
    """

    tokens: np.ndarray
    vector: np.ndarray
    model_id: str

    def __post_init__(self):
        tokens = np.ascontiguousarray(self.tokens, dtype=np.float32)
        vector = np.ascontiguousarray(self.vector, dtype=np.float32)
        if tokens.ndim != 2 or vector.ndim != 1 or tokens.shape[1] != vector.shape[0]:
            raise ValueError(f"tokens {tokens.shape} and vector {vector.shape} "
                             "are not [M, D] and [D]")
        object.__setattr__(self, "tokens", tokens)
        object.__setattr__(self, "vector", vector)

    @property
    def dim(self) -> int:
        """D, the embedding width."""
        return int(self.vector.shape[0])

    @property
    def num_tokens(self) -> int:
        """M, the number of pooled tokens."""
        return int(self.tokens.shape[0])


class Embedder(ABC):
    """Maps texts to :class:`Embedding` objects, one per text, in order.

    ``fingerprint`` names everything that changes the numbers (model weights,
    M, window, overlap, pooling, normalisation, dtype); two embedders with the
    same fingerprint give the same embeddings, so caches key on it.
    """

    @property
    @abstractmethod
    def model_id(self) -> str:
        """A readable name of the model."""

    @property
    @abstractmethod
    def fingerprint(self) -> str:
        """A string that changes whenever the embeddings would."""

    @abstractmethod
    def embed(self, texts: Sequence[str]) -> list[Embedding]:
        """Embed each text; the result has one :class:`Embedding` per text."""
