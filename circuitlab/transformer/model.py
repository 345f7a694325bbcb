"""The encoder-decoder transformer of Circuit Transformer, in one file.

Li et al., "Circuit Transformer: A Transformer That Preserves Logical
Equivalence", ICLR 2025, https://arxiv.org/abs/2403.13838.

The encoder reads a circuit as a token sequence; the decoder writes an
equivalent one token by token. Besides its token, every position carries a
tree positional encoding (a float vector of width ``pos_dim``) that is
projected to ``d_model`` and added to the embedding; for the decoder it is the
position of the token being *predicted*, which the caller knows before it
samples. Each decoder step may also carry a "slot feature" vector (width
``feat_dim``) computed by the caller. Token id 0 is padding.

Training uses :meth:`CircuitTransformer.forward` (teacher forcing); decoding
uses :meth:`~CircuitTransformer.encode`, :meth:`~CircuitTransformer.start`
and :meth:`~CircuitTransformer.step` with a :class:`DecodeCache` whose rows
can be reordered or repeated with :meth:`DecodeCache.select`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

PAD = 0

_PRESETS: dict[str, dict[str, int]] = {
    "tiny": dict(d_model=64, n_heads=4, n_enc_layers=2, n_dec_layers=2, d_ff=128),
    "small": dict(d_model=128, n_heads=4, n_enc_layers=3, n_dec_layers=3, d_ff=512),
    "medium": dict(d_model=256, n_heads=8, n_enc_layers=4, n_dec_layers=4, d_ff=1024),
    "paper": dict(d_model=512, n_heads=8, n_enc_layers=12, n_dec_layers=12, d_ff=2048),
}


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters of :class:`CircuitTransformer`; saved in every checkpoint."""

    vocab_size: int            # including PAD (id 0) and BOS
    pos_dim: int               # width of the tree position vectors (0: none)
    feat_dim: int = 0          # width of the decoder slot features (0: none)
    d_model: int = 128
    n_heads: int = 4
    n_enc_layers: int = 3
    n_dec_layers: int = 3
    d_ff: int = 512
    dropout: float = 0.1
    max_src_len: int = 256     # size of the absolute-index embedding tables
    max_tgt_len: int = 256

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "dropout":
                if isinstance(value, bool) or not isinstance(value, (int, float)) \
                        or not 0.0 <= value < 1.0:
                    raise ValueError(f"ModelConfig.dropout must be a float in [0, 1), got {value!r}")
                continue
            low = {"vocab_size": 2, "pos_dim": 0, "feat_dim": 0}.get(f.name, 1)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"ModelConfig.{f.name} must be an int >= {low}, got {value!r}")
        if self.d_model % self.n_heads:
            raise ValueError(f"ModelConfig.d_model ({self.d_model}) must be divisible "
                             f"by n_heads ({self.n_heads})")

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> ModelConfig:
        """A named size ("tiny", "small", "medium", "paper") with ``overrides`` applied."""
        if name not in _PRESETS:
            raise ValueError(f"unknown preset {name!r}; choose from {sorted(_PRESETS)}")
        return cls(**{**_PRESETS[name], **overrides})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown ModelConfig fields: {sorted(unknown)}")
        return cls(**d)


@dataclass
class Memory:
    """Encoder output. ``states``: [B, S, d_model]; ``pad``: [B, S] bool, True at padding."""

    states: Tensor
    pad: Tensor


@dataclass
class DecodeCache:
    """Per-row decoding state, updated in place by :meth:`CircuitTransformer.step`.

    Shapes:
        self_kv: [n_dec_layers, 2, B, n_heads, capacity, head_dim]; only the
            first ``length`` steps are filled.
        cross_kv: [n_dec_layers, 2, B, n_heads, S, head_dim]
        src_pad: [B, S] bool, True at source padding.
    """

    self_kv: Tensor
    cross_kv: Tensor
    src_pad: Tensor
    length: int = 0

    @property
    def batch_size(self) -> int:
        return self.self_kv.shape[2]

    @property
    def capacity(self) -> int:
        return self.self_kv.shape[4]

    def select(self, index: Tensor) -> DecodeCache:
        """A new cache whose row ``i`` is row ``index[i]`` of this one (rows may repeat)."""
        index = index.to(self.self_kv.device)
        filled = self.self_kv[:, :, :, :, : self.length]
        self_kv = filled.new_empty(filled.shape[:2] + (len(index),) + self.self_kv.shape[3:])
        self_kv[:, :, :, :, : self.length] = filled.index_select(2, index)
        return DecodeCache(self_kv, self.cross_kv.index_select(2, index),
                           self.src_pad.index_select(0, index), self.length)

    def clone(self) -> DecodeCache:
        return DecodeCache(self.self_kv.clone(), self.cross_kv.clone(),
                           self.src_pad.clone(), self.length)


def _heads(x: Tensor, n_heads: int) -> Tensor:
    """[B, T, d] -> [B, n_heads, T, d / n_heads]."""
    B, T, d = x.shape
    return x.view(B, T, n_heads, d // n_heads).transpose(1, 2)


def _merge(y: Tensor) -> Tensor:
    """[B, n_heads, T, head_dim] -> [B, T, d]."""
    B, H, T, hd = y.shape
    return y.transpose(1, 2).reshape(B, T, H * hd)


class SelfAttention(nn.Module):
    """Multi-head self-attention; causal for the decoder, padding-masked for the encoder."""

    def __init__(self, cfg: ModelConfig, causal: bool):
        super().__init__()
        self.n_heads, self.causal, self.dropout = cfg.n_heads, causal, cfg.dropout
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)

    def forward(self, x: Tensor, key_mask: Tensor | None = None,
                kv_cache: Tensor | None = None, t: int = 0) -> Tensor:
        """``x``: [B, T, d]; ``key_mask``: [B, 1, 1, T] bool, True = may attend.

        With ``kv_cache`` ([2, B, H, capacity, head_dim]) ``x`` is the single
        step ``t`` (T = 1): its key and value are written at ``t`` and the
        query attends to steps ``0..t``.
        """
        q, k, v = (_heads(z, self.n_heads) for z in self.qkv(x).chunk(3, dim=-1))
        if kv_cache is not None:
            kv_cache[0, :, :, t: t + 1] = k
            kv_cache[1, :, :, t: t + 1] = v
            k, v = kv_cache[0, :, :, : t + 1], kv_cache[1, :, :, : t + 1]
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=key_mask, dropout_p=self.dropout if self.training else 0.0,
            is_causal=self.causal and kv_cache is None)
        return self.proj(_merge(y))


class CrossAttention(nn.Module):
    """Decoder-to-encoder attention; keys and values come from :meth:`memory_kv`."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.n_heads, self.dropout = cfg.n_heads, cfg.dropout
        self.q = nn.Linear(cfg.d_model, cfg.d_model)
        self.kv = nn.Linear(cfg.d_model, 2 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)

    def memory_kv(self, states: Tensor, out: Tensor | None = None) -> Tensor:
        """[B, S, d] -> [2, B, H, S, head_dim], written into ``out`` when given."""
        B, S, d = states.shape
        kv = self.kv(states).view(B, S, 2, self.n_heads, d // self.n_heads).permute(2, 0, 3, 1, 4)
        if out is None:
            return kv.contiguous()
        out.copy_(kv)
        return out

    def forward(self, x: Tensor, kv: Tensor, key_mask: Tensor) -> Tensor:
        q = _heads(self.q(x), self.n_heads)
        y = F.scaled_dot_product_attention(
            q, kv[0], kv[1], attn_mask=key_mask,
            dropout_p=self.dropout if self.training else 0.0)
        return self.proj(_merge(y))


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.fc = nn.Linear(cfg.d_model, cfg.d_ff)
        self.proj = nn.Linear(cfg.d_ff, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: Tensor) -> Tensor:
        return self.drop(self.proj(F.gelu(self.fc(x))))


class EncoderBlock(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.attn = SelfAttention(cfg, causal=False)
        self.mlp = MLP(cfg)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: Tensor, key_mask: Tensor) -> Tensor:
        x = x + self.drop(self.attn(self.ln1(x), key_mask))
        return x + self.mlp(self.ln2(x))


class DecoderBlock(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.ln1, self.ln2, self.ln3 = (nn.LayerNorm(cfg.d_model) for _ in range(3))
        self.attn = SelfAttention(cfg, causal=True)
        self.cross = CrossAttention(cfg)
        self.mlp = MLP(cfg)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: Tensor, cross_kv: Tensor, src_mask: Tensor,
                kv_cache: Tensor | None = None, t: int = 0) -> Tensor:
        x = x + self.drop(self.attn(self.ln1(x), kv_cache=kv_cache, t=t))
        x = x + self.drop(self.cross(self.ln2(x), cross_kv, src_mask))
        return x + self.mlp(self.ln3(x))


class CircuitTransformer(nn.Module):
    """Pre-LayerNorm encoder-decoder transformer over circuit token sequences.

    The token embedding is shared by encoder and decoder and tied to the
    output layer.

    Shapes:
        src_tokens: [B, S] long, 0 = padding; src_pos: [B, S, pos_dim].
        tgt_tokens: [B, T] long, the previous tokens (step 0 holds BOS);
        tgt_pos: [B, T, pos_dim], position of the token predicted at each step;
        tgt_feat: [B, T, feat_dim] or None when ``feat_dim`` is 0.
        Output: logits [B, T, vocab_size].

    Every source row needs at least one non-padding token.
    """

    def __init__(self, config: ModelConfig):
        super().__init__()
        cfg = self.config = config
        d = cfg.d_model
        self.tok_emb = nn.Embedding(cfg.vocab_size, d)
        self.src_index = nn.Embedding(cfg.max_src_len, d)
        self.tgt_index = nn.Embedding(cfg.max_tgt_len, d)
        self.src_pos = nn.Linear(cfg.pos_dim, d) if cfg.pos_dim else None
        self.tgt_pos = nn.Linear(cfg.pos_dim, d) if cfg.pos_dim else None
        self.tgt_feat = nn.Linear(cfg.feat_dim, d) if cfg.feat_dim else None
        self.drop = nn.Dropout(cfg.dropout)
        self.encoder = nn.ModuleList(EncoderBlock(cfg) for _ in range(cfg.n_enc_layers))
        self.decoder = nn.ModuleList(DecoderBlock(cfg) for _ in range(cfg.n_dec_layers))
        self.ln_enc, self.ln_dec = nn.LayerNorm(d), nn.LayerNorm(d)
        self.head = nn.Linear(d, cfg.vocab_size, bias=False)
        self.head.weight = self.tok_emb.weight
        self.apply(self._init_weights)
        # GPT-2: shrink residual projections so the residual stream keeps its scale.
        std = 0.02 / math.sqrt(2 * (cfg.n_enc_layers + cfg.n_dec_layers))
        for name, p in self.named_parameters():
            if name.endswith(".proj.weight"):
                nn.init.normal_(p, mean=0.0, std=std)

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def num_parameters(self) -> int:
        """Number of distinct parameters (the tied output layer counts once)."""
        return sum(p.numel() for p in self.parameters())

    def _embed(self, tokens: Tensor, index: Tensor, index_emb: nn.Embedding,
               extras: list[tuple[nn.Linear | None, Tensor | None, str]]) -> Tensor:
        """Token + absolute-index embedding + projected float features."""
        x = self.tok_emb(tokens) + index_emb(index)
        for proj, value, name in extras:
            if proj is None:
                continue
            if value is None or value.shape[-1] != proj.in_features:
                got = None if value is None else tuple(value.shape)
                raise ValueError(f"{name} must end in width {proj.in_features}, got {got}")
            x = x + proj(value.to(x.dtype))
        return self.drop(x)

    def encode(self, src_tokens: Tensor, src_pos: Tensor | None,
               chunk: int | None = None) -> Memory:
        """Run the encoder. Returns :class:`Memory` with states [B, S, d_model].

        With ``chunk``, rows are encoded ``chunk`` at a time in order of
        length, each group cut to its longest row, so short rows do not pay
        attention over the batch's padding; states at padding are then zero.
        """
        S = src_tokens.shape[1]
        if S > self.config.max_src_len:
            raise ValueError(f"source length {S} exceeds max_src_len {self.config.max_src_len}")
        pad = src_tokens == PAD
        if chunk is not None and src_tokens.shape[0] > chunk:
            lengths = (~pad).sum(1)
            order = torch.argsort(lengths, stable=True)
            states = None
            for rows in order.split(chunk):
                width = int(lengths[rows].max())
                part = self.encode(src_tokens[rows, :width],
                                   None if src_pos is None else src_pos[rows, :width]).states
                if states is None:
                    states = part.new_zeros(src_tokens.shape + (part.shape[-1],))
                states[rows, :width] = part
            return Memory(states.masked_fill_(pad[..., None], 0.0), pad)
        index = torch.arange(S, device=src_tokens.device)
        x = self._embed(src_tokens, index, self.src_index, [(self.src_pos, src_pos, "src_pos")])
        mask = ~pad[:, None, None, :]
        for block in self.encoder:
            x = block(x, mask)
        return Memory(self.ln_enc(x), pad)

    def forward(self, src_tokens: Tensor, src_pos: Tensor | None, tgt_tokens: Tensor,
                tgt_pos: Tensor | None, tgt_feat: Tensor | None = None) -> Tensor:
        """Teacher-forced logits [B, T, vocab_size]; see the class docstring."""
        memory = self.encode(src_tokens, src_pos)
        T = tgt_tokens.shape[1]
        if T > self.config.max_tgt_len:
            raise ValueError(f"target length {T} exceeds max_tgt_len {self.config.max_tgt_len}")
        index = torch.arange(T, device=tgt_tokens.device)
        x = self._embed(tgt_tokens, index, self.tgt_index,
                        [(self.tgt_pos, tgt_pos, "tgt_pos"), (self.tgt_feat, tgt_feat, "tgt_feat")])
        mask = ~memory.pad[:, None, None, :]
        for block in self.decoder:
            x = block(x, block.cross.memory_kv(memory.states), mask)
        return self.head(self.ln_dec(x))

    @torch.no_grad()
    def start(self, memory: Memory, capacity: int | None = None) -> DecodeCache:
        """An empty cache for decoding from ``memory``, room for ``capacity`` steps.

        The cross-attention keys and values of every decoder layer are computed
        here once. ``capacity`` defaults to ``max_tgt_len``.
        """
        capacity = capacity or self.config.max_tgt_len
        if capacity > self.config.max_tgt_len:
            raise ValueError(f"capacity {capacity} exceeds max_tgt_len {self.config.max_tgt_len}")
        cfg, (B, S, d) = self.config, memory.states.shape
        hd = d // cfg.n_heads
        cross_kv = memory.states.new_empty((cfg.n_dec_layers, 2, B, cfg.n_heads, S, hd))
        for i, block in enumerate(self.decoder):
            block.cross.memory_kv(memory.states, out=cross_kv[i])
        self_kv = cross_kv.new_empty((cfg.n_dec_layers, 2, B, cfg.n_heads, capacity, hd))
        return DecodeCache(self_kv, cross_kv, memory.pad.clone(), 0)

    @torch.no_grad()
    def step(self, tokens: Tensor, pos: Tensor | None, feat: Tensor | None,
             cache: DecodeCache, hidden: bool = False) -> Tensor | tuple[Tensor, Tensor]:
        """One decoding step: logits [B, vocab_size] for the next token.

        ``tokens``: [B] long, the previous token (BOS at step 0); ``pos``:
        [B, pos_dim], position of the token being predicted; ``feat``:
        [B, feat_dim] or None. Appends this step to ``cache`` in place.
        With ``hidden``, returns ``(logits, states)``, ``states`` [B, d_model]
        the normalised decoder output the logits are read from.
        """
        t = cache.length
        if t >= cache.capacity:
            raise ValueError(f"decode cache is full ({cache.capacity} steps)")
        index = torch.full((1,), t, dtype=torch.long, device=tokens.device)
        x = self._embed(tokens[:, None], index, self.tgt_index,
                        [(self.tgt_pos, None if pos is None else pos[:, None], "pos"),
                         (self.tgt_feat, None if feat is None else feat[:, None], "feat")])
        mask = ~cache.src_pad[:, None, None, :]
        for i, block in enumerate(self.decoder):
            x = block(x, cache.cross_kv[i], mask, kv_cache=cache.self_kv[i], t=t)
        cache.length = t + 1
        states = self.ln_dec(x)[:, 0]
        logits = self.head(states)
        return (logits, states) if hidden else logits
