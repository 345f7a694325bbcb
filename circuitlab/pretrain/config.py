"""Hyper-parameters of a pre-training run: :class:`PretrainConfig`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from circuitlab import config as config_file
from circuitlab.errors import require, require_at_least, require_choice
from circuitlab.nn import EncoderConfig

METHODS = ("mgm", "vga", "mgm+vga", "graphmae", "func", "func+mgm", "func+mgm+vga")
"""Named pre-training methods (see :class:`~circuitlab.pretrain.PretrainModel`); any
``+``-join of distinct :data:`OBJECTIVES` (``func`` standing for
:data:`FUNCTIONAL`) is accepted too."""

MASKED = ("mgm", "vga", "graphmae")
"""Objectives that reconstruct masked node types."""

FUNC = ("contrast", "prob", "ttd")
"""What ``func`` stands for: equivalence contrast, signal probability, truth-table distance."""

FUNCTIONAL = (*FUNC, "sim")
"""Objectives with simulation targets: those of :data:`FUNC` and ``sim``, each
gate's values under the encoder's input codes
(:mod:`circuitlab.pretrain.objective_sim`)."""

OBJECTIVES = MASKED + FUNCTIONAL

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
    (the shipped ``pretrain_mgvga`` config).

    Attributes:
        encoder: the graph encoder (:class:`~circuitlab.nn.EncoderConfig`);
            ``bidirectional`` must be off with a masked objective (it leaks
            masked types); the functional objectives allow it.
        method: objectives joined by ``+``, their losses summed: ``"mgm"``,
            ``"vga"``, ``"mgm+vga"`` (MGVGA), ``"graphmae"`` (input masking
            without text, the ablation baseline), ``"contrast"``, ``"prob"``,
            ``"ttd"``, ``"sim"``, or ``"func"`` for contrast, prob and ttd
            (e.g. ``"func+mgm"``, ``"func+sim"``). Contrast, prob and ttd need
            graphs carrying the targets of
            :mod:`circuitlab.pretrain.functional_graphs`; ``sim`` needs
            ``encoder.input_codes`` (its patterns) and computes its targets.
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
        contrast_weight: weight of the equivalence-contrast loss.
        prob_weight: weight of the signal-probability loss.
        ttd_weight: weight of the truth-table-distance loss.
        sim_weight: weight of the pattern-value loss.
        contrast_temperature: temperature of the contrastive softmax.
        lr: peak learning rate of AdamW.
        weight_decay: AdamW weight decay (not on biases, norms, embeddings).
        warmup_steps: steps of linear warm-up from 0 to ``lr``.
        min_lr_ratio: the cosine decay ends at ``lr * min_lr_ratio``.
        random_code_banks: every training step codes each graph's inputs
            from a bank of :func:`~circuitlab.nn.input_codes.input_codes`
            drawn at random (seeded), so the encoder learns to evaluate
            whatever patterns its inputs carry rather than the fixed banks
            it is read with; needs ``encoder.input_codes``.
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
    contrast_weight: float = 1.0
    prob_weight: float = 1.0
    ttd_weight: float = 1.0
    sim_weight: float = 1.0
    contrast_temperature: float = 0.1
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 0
    min_lr_ratio: float = 0.1
    random_code_banks: bool = False
    grad_clip: float = 1.0
    steps: int = 1000
    node_budget: int = 20000
    seed: int = 0
    log_interval: int = 10
    ckpt_interval: int = 500
    device: str = "auto"
    bf16: bool = True
    progress: bool = True

    CONFIG_NAME = "pre-training config"

    def __post_init__(self):
        require(isinstance(self.encoder, EncoderConfig), "encoder", "must be an EncoderConfig")
        require(isinstance(self.method, str), "method", f"must be a string, got {self.method!r}")
        parts = self.method.split("+")
        for part in parts:
            require_choice(part, (*OBJECTIVES, "func"), "method")
        require(len(set(self.objectives)) == len(self.objectives), "method",
                f"names an objective twice: {self.method!r}")
        require(not (self.encoder.bidirectional and self.masked_objectives),
                "encoder.bidirectional",
                "must be false for masked pre-training (messages from the fan-out "
                "would carry a masked node's type back to it)")
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
        require(_is_real(self.contrast_temperature) and self.contrast_temperature > 0,
                "contrast_temperature", f"must be > 0, got {self.contrast_temperature!r}")
        for name in ("degree_weight", "weight_decay", "grad_clip", "contrast_weight",
                     "prob_weight", "ttd_weight", "sim_weight"):
            require(_is_real(getattr(self, name)), name, "must be a number")
            require_at_least(getattr(self, name), 0.0, name)
        require(_is_real(self.lr) and self.lr > 0, "lr", f"must be > 0, got {self.lr!r}")
        require(_is_real(self.min_lr_ratio) and 0.0 <= self.min_lr_ratio <= 1.0,
                "min_lr_ratio", f"must be in [0, 1], got {self.min_lr_ratio!r}")
        require(self.encoder.hidden % self.cross_heads == 0 or not self.uses_text,
                "cross_heads", f"must divide encoder.hidden ({self.encoder.hidden})")
        require_choice(self.device, DEVICES, "device")
        require("sim" not in self.objectives or self.encoder.input_codes > 0,
                "encoder.input_codes", "must be > 0 for the sim objective (its patterns)")
        require(not self.random_code_banks or self.encoder.input_codes > 0,
                "random_code_banks", "needs encoder.input_codes > 0")
        for name in ("bf16", "progress", "random_code_banks"):
            require(isinstance(getattr(self, name), bool), name, "must be true or false")

    @property
    def objectives(self) -> tuple[str, ...]:
        """The method's objectives, ``func`` expanded, in the order named."""
        out: list[str] = []
        for part in self.method.split("+"):
            out.extend(FUNC if part == "func" else (part,))
        return tuple(out)

    @property
    def masked_objectives(self) -> tuple[str, ...]:
        """The method's objectives that reconstruct masked types."""
        return tuple(o for o in self.objectives if o in MASKED)

    @property
    def functional_objectives(self) -> tuple[str, ...]:
        """The method's objectives with simulation targets."""
        return tuple(o for o in self.objectives if o in FUNCTIONAL)

    @property
    def uses_text(self) -> bool:
        """Whether the method reads the text tokens of each design."""
        return "vga" in self.objectives

    @property
    def stored_objectives(self) -> tuple[str, ...]:
        """The method's objectives whose targets or text are stored with each graph
        (functional views, Verilog tokens): those a streamed corpus cannot feed."""
        return tuple(o for o in self.objectives if o in FUNC or o == "vga")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PretrainConfig:
        """The config of a nested dict (``encoder`` a dict); unknown keys raise."""
        return config_file.from_dict(cls, d)

    @classmethod
    def load(cls, path: str | Path) -> PretrainConfig:
        """Read a ``.toml`` or ``.json`` file (``[encoder]`` a table / object).

        ``path`` may also be the bare name of a config shipped with
        circuitlab (:data:`circuitlab.config.PRETRAIN_DEFAULT`, see
        :func:`circuitlab.config.resolve`).

        Raises:
            CircuitlabError: one line naming the file: unreadable, not TOML /
                JSON, an unknown key or a bad value.
        """
        return config_file.load(cls, config_file.resolve(path))

    def with_overrides(self, args: list[str]) -> PretrainConfig:
        """This config with ``--key value`` (or ``--key=value``) pairs applied.

        Keys are field names, ``-`` or ``_`` alike, ``encoder.<field>`` for
        the encoder; each value is parsed as the field's type (``true`` /
        ``false`` for booleans).

        Raises:
            ParamError: an unknown key, a key without a value, a value that
                does not parse or is out of range; it names the option.
        """
        return config_file.with_overrides(self, args)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
