"""Text embeddings from a frozen language model, for aligning circuits with their Verilog.

MGVGA (Wu et al., ICLR 2025, https://arxiv.org/abs/2502.12732) lets GNN node
states cross-attend to M tokens pooled from a frozen LLM's token embeddings of
the design's Verilog (the release: M = 1, one 3584-d gte-Qwen2-7B-instruct
vector). :func:`make_embedder` gives M pooled tokens and a sentence vector per
text; by default from all-MiniLM-L6-v2 shipped in a pip package (no network),
cached on disk.

Importing this package loads neither torch nor transformers.
"""

from __future__ import annotations

from collections.abc import Sequence

from circuitlab.llm.cache import CachedEmbedder, default_cache_dir
from circuitlab.llm.embedding import Embedder, Embedding
from circuitlab.llm.hashing import HashEmbedder
from circuitlab.llm.hf import HFEmbedder, default_model_path, hub_offline
from circuitlab.llm.params import EmbedParams
from circuitlab.llm.pooling import adaptive_pool, plan_windows, segment_bounds, sentence_vector


def make_embedder(params: EmbedParams = EmbedParams()) -> Embedder:
    """The Hugging Face embedder ``params`` describe, behind the disk cache when ``use_cache``."""
    inner = HFEmbedder(params)
    return CachedEmbedder(inner, params.cache_dir) if params.use_cache else inner


def embed_texts(texts: Sequence[str], params: EmbedParams = EmbedParams()) -> list[Embedding]:
    """Embed ``texts`` with :func:`make_embedder` ``(params)``; one :class:`Embedding` per text."""
    return make_embedder(params).embed(texts)


__all__ = ["CachedEmbedder", "EmbedParams", "Embedder", "Embedding", "HFEmbedder",
           "HashEmbedder", "adaptive_pool", "default_cache_dir", "default_model_path",
           "embed_texts", "hub_offline", "make_embedder", "plan_windows", "segment_bounds",
           "sentence_vector"]
