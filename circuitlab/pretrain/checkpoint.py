"""Pre-training checkpoints: one file holding everything a run needs to resume.

The format is :mod:`circuitlab.training.checkpoint`'s, kind ``"pretrain"``;
the encoder alone loads through :mod:`circuitlab.nn.pretrained`, beside the
encoders.
"""

from __future__ import annotations

from pathlib import Path

from circuitlab.nn.pretrained import DEFAULT_CHECKPOINT, KIND, load_encoder
from circuitlab.nn.pretrained import load_pretrain_checkpoint
from circuitlab.pretrain.config import PretrainConfig
from circuitlab.pretrain.model import PretrainModel
from circuitlab.training.checkpoint import loading, save_checkpoint as _save

__all__ = ["DEFAULT_CHECKPOINT", "checkpoint_config", "load_pretrain_checkpoint", "load_encoder",
           "load_pretrain_model", "save_checkpoint", "save_weights"]


def save_checkpoint(path: str | Path, config: PretrainConfig, state: dict) -> None:
    """Write ``config`` and ``state`` (``model``, ``step``, ...) atomically to ``path``."""
    _save(path, KIND, config.to_dict(), state)


def checkpoint_config(state: dict) -> PretrainConfig:
    """The :class:`PretrainConfig` saved in a checkpoint dict."""
    return PretrainConfig.from_dict(state["config"])


def load_pretrain_model(path: str | Path | None = None):
    """The whole :class:`~circuitlab.pretrain.PretrainModel` (encoder and heads), eval mode."""
    path = DEFAULT_CHECKPOINT if path is None else path
    state = load_pretrain_checkpoint(path)
    with loading(path, "the model"):
        model = PretrainModel(checkpoint_config(state))
        model.load_state_dict(state["model"])
    return model.eval()


def save_weights(path: str | Path, config: PretrainConfig, model, step: int) -> None:
    """Write a slim checkpoint (config, model weights, step) that the loaders read."""
    save_checkpoint(path, config, {"model": model.state_dict(), "step": int(step)})
