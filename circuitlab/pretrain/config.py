"""Hyper-parameters of a pre-training run: :class:`PretrainConfig`."""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from circuitlab.errors import CircuitlabError, ParamError, require, require_at_least, \
    require_choice
from circuitlab.nn import EncoderConfig

METHODS = ("mgm", "vga", "mgm+vga", "graphmae")
"""Pre-training objectives (see :class:`~circuitlab.pretrain.PretrainModel`)."""

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class PretrainConfig:
    """What :func:`~circuitlab.pretrain.pretrain` runs; saved in every checkpoint.

    The defaults follow MGVGA (Wu et al., "Circuit Representation Learning
    with Masked Gate Modeling and Verilog-AIG Alignment", ICLR 2025,
    https://arxiv.org/abs/2502.12732; release github.com/wuhy68/MGVGA,
    ``pretrain_vg.py``): AdamW at 1e-3 with weight decay 0.01, cosine decay
    to a tenth, 30 % of latents masked for MGM, 50 % of inputs for VGA (the
    paper's and the checkpoint's ``vga0.5``; the release script says 0.7),
    two cross-attention blocks with 8 heads, degree losses weighted 0.1.
    The text defaults are the project's embedder (:mod:`circuitlab.llm`:
    MiniLM, ``M = 16`` tokens of ``D = 384``); the paper's gte-Qwen2-7B
    vectors are ``text_dim = 3584``, ``text_tokens = 1``
    (``experiments/configs/pretrain_mgvga.toml``).

    Attributes:
        encoder: the graph encoder (:class:`~circuitlab.nn.EncoderConfig`);
            ``bidirectional`` must be off, it leaks masked types.
        method: objective: ``"mgm"``, ``"vga"``, ``"mgm+vga"`` (the sum, MGVGA)
            or ``"graphmae"`` (input masking without text, the ablation baseline).
        mgm_mask_ratio: fraction of each graph's nodes whose latents MGM masks.
        vga_mask_ratio: fraction of each graph's nodes whose input type VGA masks.
        graphmae_mask_ratio: fraction of each graph's nodes whose input type
            GraphMAE masks.
        text_dim: width ``D`` of the text tokens of each design.
        text_tokens: number ``M`` of text tokens per design (1 reproduces the
            release, one vector per design).
        cross_heads: attention heads of each cross-attention block.
        cross_layers: cross-attention blocks of the VGA decoder.
        degree_weight: weight of the fan-in and fan-out regression losses.
        lr: peak learning rate of AdamW.
        weight_decay: AdamW weight decay (not on biases, norms, embeddings).
        warmup_steps: steps of linear warm-up from 0 to ``lr``.
        min_lr_ratio: the cosine decay ends at ``lr * min_lr_ratio``.
        grad_clip: largest gradient norm (0 turns clipping off).
        steps: optimiser steps of the run.
        node_budget: most nodes in one mini-batch (graphs packed whole).
        seed: seed of the initial weights, shuffling and masks.
        log_interval: steps between metric rows.
        ckpt_interval: steps between checkpoints (one is also written at the end).
        device: ``"auto"`` (CUDA when present), ``"cpu"`` or ``"cuda"``.
        bf16: bf16 autocast on a GPU (never on the CPU).
        progress: show a tqdm progress bar.
    """

    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    method: str = "mgm+vga"
    mgm_mask_ratio: float = 0.3
    vga_mask_ratio: float = 0.5
    graphmae_mask_ratio: float = 0.5
    text_dim: int = 384
    text_tokens: int = 16
    cross_heads: int = 8
    cross_layers: int = 2
    degree_weight: float = 0.1
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 0
    min_lr_ratio: float = 0.1
    grad_clip: float = 1.0
    steps: int = 1000
    node_budget: int = 20000
    seed: int = 0
    log_interval: int = 10
    ckpt_interval: int = 500
    device: str = "auto"
    bf16: bool = True
    progress: bool = True

    def __post_init__(self):
        require(isinstance(self.encoder, EncoderConfig), "encoder", "must be an EncoderConfig")
        require(not self.encoder.bidirectional, "encoder.bidirectional",
                "must be false for masked pre-training (messages from the fan-out "
                "would carry a masked node's type back to it)")
        require_choice(self.method, METHODS, "method")
        for name in ("mgm_mask_ratio", "vga_mask_ratio", "graphmae_mask_ratio"):
            value = getattr(self, name)
            require(_is_real(value) and 0.0 < value < 1.0, name,
                    f"must be a number in (0, 1), got {value!r}")
        for name in ("text_dim", "text_tokens", "cross_heads", "cross_layers", "steps",
                     "node_budget", "log_interval", "ckpt_interval"):
            value = getattr(self, name)
            require(_is_int(value), name, f"must be an int, got {value!r}")
            require_at_least(value, 1, name)
        for name in ("warmup_steps", "seed"):
            value = getattr(self, name)
            require(_is_int(value), name, f"must be an int, got {value!r}")
            require_at_least(value, 0, name)
        for name in ("degree_weight", "weight_decay", "grad_clip"):
            require(_is_real(getattr(self, name)), name, "must be a number")
            require_at_least(getattr(self, name), 0.0, name)
        require(_is_real(self.lr) and self.lr > 0, "lr", f"must be > 0, got {self.lr!r}")
        require(_is_real(self.min_lr_ratio) and 0.0 <= self.min_lr_ratio <= 1.0,
                "min_lr_ratio", f"must be in [0, 1], got {self.min_lr_ratio!r}")
        require(self.encoder.hidden % self.cross_heads == 0 or not self.uses_text,
                "cross_heads", f"must divide encoder.hidden ({self.encoder.hidden})")
        require_choice(self.device, DEVICES, "device")
        for name in ("bf16", "progress"):
            require(isinstance(getattr(self, name), bool), name, "must be true or false")

    @property
    def uses_text(self) -> bool:
        """Whether the method reads the text tokens of each design."""
        return "vga" in self.method.split("+")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PretrainConfig:
        """The config of a nested dict (``encoder`` a dict); unknown keys raise."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ParamError(unknown[0], "is not a key of the pre-training config")
        d = dict(d)
        encoder = d.pop("encoder", {})
        if isinstance(encoder, dict):
            unknown = sorted(set(encoder) - {f.name for f in fields(EncoderConfig)})
            if unknown:
                raise ParamError(f"encoder.{unknown[0]}", "is not a key of the encoder config")
            encoder = EncoderConfig(**encoder)
        return cls(encoder=encoder, **d)

    @classmethod
    def load(cls, path: str | Path) -> PretrainConfig:
        """Read a ``.toml`` or ``.json`` file (``[encoder]`` a table / object).

        Raises:
            CircuitlabError: one line naming the file: unreadable, not TOML /
                JSON, an unknown key or a bad value.
        """
        path = Path(path)
        try:
            text = path.read_text()
        except OSError as exc:
            raise CircuitlabError(f"{path}: cannot read: {exc.strerror}") from None
        try:
            if path.suffix == ".toml":
                raw = tomllib.loads(text)
            elif path.suffix == ".json":
                raw = json.loads(text)
            else:
                raise CircuitlabError(f"{path}: a config is a .toml or .json file")
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise CircuitlabError(f"{path}: {exc}") from None
        if not isinstance(raw, dict):
            raise CircuitlabError(f"{path}: the config must be a table of keys")
        try:
            return cls.from_dict(raw)
        except ParamError as exc:
            raise CircuitlabError(f"{path}: {exc}") from None
        except TypeError as exc:
            raise CircuitlabError(f"{path}: {exc}") from None

    def with_overrides(self, args: list[str]) -> PretrainConfig:
        """This config with ``--key value`` (or ``--key=value``) pairs applied.

        Keys are field names, ``-`` or ``_`` alike, ``encoder.<field>`` for
        the encoder; each value is parsed as the field's type (``true`` /
        ``false`` for booleans).

        Raises:
            ParamError: an unknown key, a key without a value, a value that
                does not parse or is out of range; it names the option.
        """
        pairs = _pairs(args)
        top, enc = {}, {}
        for key, text in pairs:
            name = key[2:].replace("-", "_")
            if name.startswith("encoder."):
                sub = name.split(".", 1)[1]
                default = _field_value(EncoderConfig, self.encoder, sub, key)
                enc[sub] = _parse(text, default, key)
            else:
                default = _field_value(PretrainConfig, self, name, key)
                if isinstance(default, EncoderConfig):
                    raise ParamError(key, "is a table; set its keys as --encoder.KEY VALUE")
                top[name] = _parse(text, default, key)
        try:
            return replace(self, encoder=replace(self.encoder, **enc), **top)
        except ParamError as exc:
            flag = f"--encoder.{exc.field}" if exc.field in enc else f"--{exc.field}"
            raise ParamError(flag, exc.problem) from None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _pairs(args: list[str]) -> list[tuple[str, str]]:
    pairs, k = [], 0
    while k < len(args):
        arg = args[k]
        if not arg.startswith("--") or len(arg) == 2:
            raise ParamError(arg, "is not an option; overrides are --key value")
        if "=" in arg:
            key, value = arg.split("=", 1)
            k += 1
        else:
            if k + 1 >= len(args):
                raise ParamError(arg, "needs a value")
            key, value = arg, args[k + 1]
            k += 2
        pairs.append((key, value))
    return pairs


def _field_value(cls, obj, name: str, flag: str):
    if name not in {f.name for f in fields(cls)}:
        raise ParamError(flag, "is not a key of the pre-training config")
    return getattr(obj, name)


def _parse(text: str, default, flag: str):
    try:
        if isinstance(default, bool):
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError
            return text.lower() in ("true", "1")
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        return text
    except ValueError:
        kind = "true or false" if isinstance(default, bool) else type(default).__name__
        raise ParamError(flag, f"must be {kind}, got {text!r}") from None
