"""Training the circuit transformer: teacher forcing under the decoding mask.

The loss is the cross-entropy of the *masked* scores (illegal tokens get
``-inf``), the same mask rule decoding applies, so the model never spends
capacity on tokens it can never emit. Every step's batch and dropout noise
are drawn from ``(seed, step)``, so a run resumed from a checkpoint continues
exactly as the uninterrupted run would have.

The loop is :func:`circuitlab.training.loop.run_steps`. Outputs in
``out_dir``: ``checkpoint.pt`` (model, optimiser, step, every config; the
format of :mod:`circuitlab.transformer.checkpoint`), ``log.csv`` (one row
per logged step) and ``curves.png`` (when matplotlib is installed).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from circuitlab.errors import CircuitlabError
from circuitlab.training.checkpoint import check_same_config
from circuitlab.training.device import resolve_device
from circuitlab.training.loop import Every, optimizer_step, run_steps
from circuitlab.training.metrics_log import MetricsLog
from circuitlab.training.schedule import warmup_cosine
from circuitlab.training.seeding import seed_everything
from circuitlab.transformer.checkpoint import load_transformer, load_transformer_checkpoint, \
    save_transformer
from circuitlab.transformer.examples import Examples, collate
from circuitlab.transformer.model import CircuitTransformer, ModelConfig
from circuitlab.transformer.tokenizer import PAD, Tokenizer, TokenizerConfig

__all__ = ["TrainConfig", "train", "masked_loss"]

CHECKPOINT, LOG, CURVES = "checkpoint.pt", "log.csv", "curves.png"
LOG_FIELDS = ("step", "lr", "loss", "acc", "val_loss", "val_acc", "seconds", "examples_per_s")


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of a training run (saved in every checkpoint).

    Args:
        preset: model size (see :meth:`ModelConfig.preset`); ``model`` overrides fields.
        tokenizer: the token language.
        steps: optimiser steps in total; ``warmup`` of them ramp the rate up,
            then it decays on a cosine to ``lr * min_lr_ratio``.
        eval_every, ckpt_every: steps between validation / checkpoints.
        val_size: validation examples scored at each evaluation.
        grad_clip: the gradient norm is clipped to this (0: no clipping).
        device: "auto" (CUDA when available), "cpu", "cuda", ...
        init: a checkpoint (training or shipped) whose weights a new run
            starts from (fine-tuning); its model must match ``preset`` and
            ``model``. The optimiser starts afresh. Empty: random weights.
    """

    preset: str = "small"
    model: dict = field(default_factory=dict)
    tokenizer: TokenizerConfig = TokenizerConfig()
    batch_size: int = 64
    lr: float = 5e-4
    weight_decay: float = 0.01
    warmup: int = 200
    steps: int = 2000
    min_lr_ratio: float = 0.1
    grad_clip: float = 1.0
    eval_every: int = 200
    ckpt_every: int = 500
    val_size: int = 512
    seed: int = 0
    device: str = "auto"
    init: str = ""

    def model_config(self) -> ModelConfig:
        tc = self.tokenizer
        fields = dict(vocab_size=tc.vocab_size, pos_dim=tc.pos_dim,
                      feat_dim=2 * tc.num_minterms, max_src_len=tc.max_len,
                      max_tgt_len=tc.max_len)
        try:
            return ModelConfig.preset(self.preset, **{**fields, **self.model})
        except (ValueError, TypeError) as exc:
            raise CircuitlabError(f"bad model configuration: {exc}") from None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["tokenizer"] = self.tokenizer.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        d = dict(d)
        d["tokenizer"] = (TokenizerConfig.from_dict(d["tokenizer"]) if "tokenizer" in d
                         else TokenizerConfig())
        return cls(**d)


def masked_loss(logits: torch.Tensor, legal: torch.Tensor, target: torch.Tensor):
    """Cross-entropy of the masked scores and accuracy on steps with a choice.

    Shapes:
        logits ``[B, T, V]``, legal ``[B, T, V]`` bool, target ``[B, T]`` (PAD ignored).

    Returns:
        ``(loss, correct, decisions)``: mean loss over non-PAD steps; correct
        argmax predictions and count of steps with more than one legal token.
    """
    real = target != PAD
    legal = legal | ~real[..., None]
    scores = logits.float().masked_fill(~legal, float("-inf"))
    loss = F.cross_entropy(scores.flatten(0, 1), target.flatten(), ignore_index=PAD)
    choice = real & (legal.sum(-1) > 1)
    correct = ((scores.argmax(-1) == target) & choice).sum()
    return loss, int(correct), int(choice.sum())


def _lr(cfg: TrainConfig, step: int) -> float:
    return cfg.lr * warmup_cosine(step, cfg.warmup, cfg.steps, cfg.min_lr_ratio)


def _batch_index(cfg: TrainConfig, step: int, order: np.ndarray) -> np.ndarray:
    """The examples of ``step``: a run of ``batch_size`` neighbours in length order.

    Batches of similar lengths waste little on padding (attention costs the
    square of the padded length); which run is drawn from ``(seed, step)``.
    """
    n = len(order)
    size = min(cfg.batch_size, n)
    rng = np.random.default_rng([cfg.seed, step])
    start = int(rng.integers(0, n - size + 1))
    return order[start:start + size]


def length_order(ex: Examples) -> np.ndarray:
    """Example indices sorted by source length, then target length (stable)."""
    return np.lexsort((np.diff(ex.tgt_offsets), np.diff(ex.src_offsets)))


@torch.no_grad()
def evaluate(model, tokenizer, ex: Examples, size: int, batch_size: int, device) -> tuple[float, float]:
    """Mean masked loss and decision accuracy on the first ``size`` examples."""
    model.eval()
    total, count, correct, decisions = 0.0, 0, 0, 0
    for start in range(0, min(size, len(ex)), batch_size):
        idx = range(start, min(start + batch_size, size, len(ex)))
        b = collate(ex, idx, tokenizer, device)
        logits = model(b["src_tokens"], b["src_pos"], b["tgt_in"], b["tgt_pos"], b["tgt_feat"])
        loss, c, d = masked_loss(logits, b["legal"], b["target"])
        n = int((b["target"] != PAD).sum())
        total += float(loss) * n
        count += n
        correct += c
        decisions += d
    model.train()
    return total / max(1, count), correct / max(1, decisions)


def train(cfg: TrainConfig, train_ex: Examples, val_ex: Examples, out_dir,
          resume: bool = True, progress: bool = True) -> dict:
    """Train (or resume training) and return the last logged metrics.

    Raises:
        CircuitlabError: empty data, or a checkpoint in ``out_dir`` from a
            different configuration.
    """
    if len(train_ex) == 0:
        raise CircuitlabError("no training examples")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    device = resolve_device(cfg.device)
    tokenizer = Tokenizer(cfg.tokenizer)
    seed_everything(cfg.seed)
    model = CircuitTransformer(cfg.model_config()).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    step = 0
    ckpt_path = out / CHECKPOINT
    if resume and ckpt_path.exists():
        ckpt = load_transformer_checkpoint(ckpt_path, device)
        # a checkpoint from before a field existed holds its default
        saved = TrainConfig.from_dict(ckpt["config"]["train"]).to_dict()
        check_same_config(ckpt_path, saved, cfg.to_dict(),
                          hint="; use another output folder or --no-resume")
        if "optimizer" not in ckpt:
            raise CircuitlabError(f"{ckpt_path}: holds the weights only, not a run to resume")
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        step = int(ckpt["step"])
    elif cfg.init:
        _warm_start(model, cfg)
    log = MetricsLog(out / LOG, LOG_FIELDS, accuracy="accuracy where a choice exists")
    log.resume(step)
    order = length_order(train_ex)
    model.train()
    t0, seen = time.perf_counter(), [0]
    last, current = (dict(log.rows[-1]) if log.rows else {}), {}

    def train_step(step: int, _generator) -> dict:
        b = collate(train_ex, _batch_index(cfg, step, order), tokenizer, device)
        logits = model(b["src_tokens"], b["src_pos"], b["tgt_in"], b["tgt_pos"], b["tgt_feat"])
        loss, correct, decisions = masked_loss(logits, b["legal"], b["target"])
        optimizer_step(opt, loss, model.parameters(), cfg.grad_clip)
        seen[0] += len(b["target"])
        current.update(loss=loss.item(), acc=correct / max(1, decisions))
        return {"loss": f"{current['loss']:.3f}"}

    def on_log(step: int) -> None:
        val_loss, val_acc = (evaluate(model, tokenizer, val_ex, cfg.val_size, cfg.batch_size,
                                      device) if len(val_ex) else (float("nan"),) * 2)
        elapsed = time.perf_counter() - t0
        last.clear()
        last.update(step=step, lr=_lr(cfg, step - 1), loss=current["loss"], acc=current["acc"],
                    val_loss=val_loss, val_acc=val_acc, seconds=elapsed,
                    examples_per_s=seen[0] / max(elapsed, 1e-9))
        log.append(last)
        log.flush()
        log.plot(out / CURVES)

    run_steps(step, cfg.steps, opt, lambda s: _lr(cfg, s), (cfg.seed,), train_step,
              Every(cfg.eval_every, cfg.ckpt_every), on_log,
              lambda s: _save(ckpt_path, model, opt, s, cfg), progress=progress, desc="train")
    return last


def _save(path: Path, model, opt, step: int, cfg: TrainConfig) -> None:
    save_transformer(path, model, cfg.tokenizer, cfg.to_dict(),
                     {"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step})


def _warm_start(model: CircuitTransformer, cfg: TrainConfig) -> None:
    start, tokenizer = load_transformer(cfg.init)
    # dropout is a training setting, not part of the model's shape
    shape = [{k: v for k, v in c.to_dict().items() if k != "dropout"}
             for c in (start.config, cfg.model_config())]
    # the slack is the mask's, not the token language's: a run may fine-tune under another
    same_language = replace(tokenizer.config, slack=cfg.tokenizer.slack) == cfg.tokenizer
    if shape[0] != shape[1] or not same_language:
        raise CircuitlabError(f"{cfg.init}: its model or tokenizer differs from this run's "
                              f"(preset {cfg.preset!r}); cannot start from it")
    model.load_state_dict(start.state_dict())
