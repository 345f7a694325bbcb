"""Training the circuit transformer: teacher forcing under the decoding mask.

The loss is the cross-entropy of the *masked* scores (illegal tokens get
``-inf``), the same mask rule decoding applies, so the model never spends
capacity on tokens it can never emit. Every step's batch and dropout noise
are drawn from ``(seed, step)``, so a run resumed from a checkpoint continues
exactly as the uninterrupted run would have.

Outputs in ``out_dir``: ``checkpoint.pt`` (model, optimiser, step, every
config; written atomically), ``log.csv`` (one row per logged step) and
``curves.png`` (when matplotlib is installed).
"""

from __future__ import annotations

import csv
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.fsutil import atomic_path
from circuitlab.transformer.examples import Examples, collate
from circuitlab.transformer.model import CircuitTransformer, ModelConfig
from circuitlab.transformer.tokenizer import PAD, Tokenizer, TokenizerConfig

__all__ = ["TrainConfig", "train", "load_checkpoint", "masked_loss", "resolve_device"]

LOG_FIELDS = ("step", "lr", "loss", "acc", "val_loss", "val_acc", "seconds", "examples_per_s")


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of a training run (saved in every checkpoint).

    Args:
        preset: model size (see :meth:`ModelConfig.preset`); ``model`` overrides fields.
        tokenizer: the token language.
        steps: optimiser steps in total; ``warmup`` of them ramp the rate up,
            then it decays on a cosine to ``lr / 10``.
        eval_every, ckpt_every: steps between validation / checkpoints.
        val_size: validation examples scored at each evaluation.
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
        d["tokenizer"] = TokenizerConfig(**d.get("tokenizer", {}))
        return cls(**d)


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(name)
    except RuntimeError:
        raise ParamError("device", f"{name}: not a torch device (cpu, cuda, cuda:N, mps, "
                                   "...)") from None


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
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    frac = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))


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
    torch.manual_seed(cfg.seed)
    model = CircuitTransformer(cfg.model_config()).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    step = 0
    ckpt_path = out / "checkpoint.pt"
    if resume and ckpt_path.exists():
        ckpt = torch.load(ckpt_path, map_location=device, weights_only=False)
        # a checkpoint from before a field existed holds its default
        if TrainConfig.from_dict(ckpt["train_config"]).to_dict() != cfg.to_dict():
            raise CircuitlabError(f"{ckpt_path} was trained with a different configuration; "
                                  "use another output folder or --no-resume")
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        step = ckpt["step"]
    elif cfg.init:
        _warm_start(model, cfg)
    rows = _read_log(out / "log.csv", step)
    order = length_order(train_ex)
    bar = _progress(cfg.steps, step, progress)
    model.train()
    t0, seen, last = time.perf_counter(), 0, (rows[-1] if rows else {})
    while step < cfg.steps:
        for group in opt.param_groups:
            group["lr"] = _lr(cfg, step)
        torch.manual_seed(cfg.seed * 1_000_003 + step)
        b = collate(train_ex, _batch_index(cfg, step, order), tokenizer, device)
        logits = model(b["src_tokens"], b["src_pos"], b["tgt_in"], b["tgt_pos"], b["tgt_feat"])
        loss, correct, decisions = masked_loss(logits, b["legal"], b["target"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        step += 1
        seen += len(b["target"])
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
        if step % cfg.eval_every == 0 or step == cfg.steps:
            val_loss, val_acc = (evaluate(model, tokenizer, val_ex, cfg.val_size, cfg.batch_size,
                                          device) if len(val_ex) else (float("nan"),) * 2)
            elapsed = time.perf_counter() - t0
            last = dict(step=step, lr=_lr(cfg, step - 1), loss=loss.item(),
                        acc=correct / max(1, decisions), val_loss=val_loss, val_acc=val_acc,
                        seconds=elapsed, examples_per_s=seen / max(elapsed, 1e-9))
            rows.append(last)
            _write_log(out, rows)
        if step % cfg.ckpt_every == 0 or step == cfg.steps:
            _save(ckpt_path, model, opt, step, cfg)
    if bar is not None:
        bar.close()
    return last


def _save(path: Path, model, opt, step: int, cfg: TrainConfig) -> None:
    state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step,
             "train_config": cfg.to_dict(), "model_config": model.config.to_dict(),
             "tokenizer_config": cfg.tokenizer.to_dict()}
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def load_checkpoint(path, device="cpu") -> tuple[CircuitTransformer, Tokenizer]:
    """A model and its tokenizer from a checkpoint (training or shipped); eval mode.

    Raises:
        CircuitlabError: the file is missing or is not a circuitlab checkpoint.
    """
    path = Path(path)
    try:
        ckpt = torch.load(path, map_location=device, weights_only=True)
    except FileNotFoundError:
        raise CircuitlabError(f"{path}: no such checkpoint") from None
    except IsADirectoryError:
        raise CircuitlabError(f"{path}: is a folder, not a checkpoint") from None
    except Exception:  # torch.load raises whatever its unpickler meets in a foreign file
        raise CircuitlabError(f"{path}: not a circuitlab checkpoint (not a file written "
                              "by torch.save)") from None
    try:
        if not isinstance(ckpt, dict):
            raise TypeError(f"holds a {type(ckpt).__name__}, not a dict")
        model = CircuitTransformer(ModelConfig.from_dict(ckpt["model_config"]))
        model.load_state_dict({k: v.float() for k, v in ckpt["model"].items()})
        tokenizer = Tokenizer(TokenizerConfig(**ckpt["tokenizer_config"]))
    except KeyError as exc:
        raise CircuitlabError(f"{path}: not a circuitlab checkpoint (no {exc} entry)") from None
    except (TypeError, ValueError, RuntimeError) as exc:
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise CircuitlabError(f"{path}: not a circuitlab checkpoint ({reason})") from None
    return model.to(device).eval(), tokenizer


def _warm_start(model: CircuitTransformer, cfg: TrainConfig) -> None:
    start, tokenizer = load_checkpoint(cfg.init)
    # dropout is a training setting, not part of the model's shape
    shape = [{k: v for k, v in c.to_dict().items() if k != "dropout"}
             for c in (start.config, cfg.model_config())]
    if shape[0] != shape[1] or tokenizer.config != cfg.tokenizer:
        raise CircuitlabError(f"{cfg.init}: its model or tokenizer differs from this run's "
                              f"(preset {cfg.preset!r}); cannot start from it")
    model.load_state_dict(start.state_dict())


def export_weights(checkpoint, path, half: bool = True) -> None:
    """Write the model weights and configs only (the form shipped in the package)."""
    ckpt = torch.load(checkpoint, map_location="cpu", weights_only=False)
    weights = {k: (v.half() if half and v.is_floating_point() else v)
               for k, v in ckpt["model"].items()}
    state = {"model": weights, "model_config": ckpt["model_config"],
             "tokenizer_config": ckpt["tokenizer_config"], "step": ckpt["step"],
             "train_config": ckpt["train_config"]}
    with atomic_path(Path(path)) as tmp:
        torch.save(state, tmp)


def _progress(total: int, start: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm
    return tqdm(total=total, initial=start, desc="train", unit="step")


def _read_log(path: Path, step: int) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="") as fh:
        rows = [{k: (int(v) if k == "step" else float(v)) for k, v in r.items()}
                for r in csv.DictReader(fh)]
    return [r for r in rows if r["step"] <= step]


def _write_log(out: Path, rows: list[dict]) -> None:
    with atomic_path(out / "log.csv") as tmp:
        with open(tmp, "w", newline="") as fh:
            w = csv.DictWriter(fh, LOG_FIELDS)
            w.writeheader()
            w.writerows(rows)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    steps = [r["step"] for r in rows]
    ax1.plot(steps, [r["loss"] for r in rows], label="train")
    ax1.plot(steps, [r["val_loss"] for r in rows], label="validation")
    ax1.set_xlabel("step")
    ax1.set_ylabel("masked cross-entropy")
    ax1.legend()
    ax2.plot(steps, [r["acc"] for r in rows], label="train")
    ax2.plot(steps, [r["val_acc"] for r in rows], label="validation")
    ax2.set_xlabel("step")
    ax2.set_ylabel("accuracy where a choice exists")
    ax2.legend()
    fig.tight_layout()
    with atomic_path(out / "curves.png") as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
