"""Pre-training checkpoints: one file holding everything a run needs to resume."""

from __future__ import annotations

from pathlib import Path

import torch

from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import atomic_path
from circuitlab.nn import Encoder, EncoderConfig, build_encoder
from circuitlab.pretrain.config import PretrainConfig

FORMAT = "circuitlab-pretrain/1"
DEFAULT_CHECKPOINT = Path(__file__).resolve().parents[1] / "nn" / "checkpoints" / "default.pt"
"""The shipped encoder (``experiments/train_encoder.py``): config and model weights only."""


def save_checkpoint(path: str | Path, state: dict) -> None:
    """Write ``state`` (see :func:`~circuitlab.pretrain.pretrain`) atomically to ``path``."""
    with atomic_path(path) as tmp:
        torch.save({"format": FORMAT, **state}, tmp)


def load_checkpoint(path: str | Path) -> dict:
    """The dict of a checkpoint: ``format``, ``config`` (a dict of the resolved
    :class:`PretrainConfig`), ``model``, ``optimizer``, ``scheduler``, ``rng``,
    ``step``, ``sampler``, ``world_size``.

    Raises:
        CircuitlabError: the file is missing or not a pre-training checkpoint.
    """
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CircuitlabError(f"{path}: no such checkpoint") from None
    except Exception:  # torch raises many kinds on a corrupt file
        raise CircuitlabError(f"{path}: not a checkpoint (not written by torch.save)") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CircuitlabError(f"{path}: not a circuitlab pre-training checkpoint")
    return state


def checkpoint_config(state: dict) -> PretrainConfig:
    """The :class:`PretrainConfig` saved in a checkpoint dict."""
    return PretrainConfig.from_dict(state["config"])


def load_encoder(path: str | Path | None = None) -> Encoder:
    """The pre-trained :class:`~circuitlab.nn.Encoder` of a checkpoint, in eval mode, on the CPU.

    ``path`` ``None`` is the shipped encoder (:data:`DEFAULT_CHECKPOINT`).

    Raises:
        CircuitlabError: the file is missing, not a pre-training checkpoint,
            or its weights do not fit its config.
    """
    path = DEFAULT_CHECKPOINT if path is None else path
    state = load_checkpoint(path)
    try:
        encoder = build_encoder(EncoderConfig.from_dict(state["config"]["encoder"]))
        prefix = "encoder."
        encoder.load_state_dict({k[len(prefix):]: v for k, v in state["model"].items()
                                 if k.startswith(prefix)})
    except (KeyError, TypeError, ValueError, RuntimeError, CircuitlabError) as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CircuitlabError(f"{path}: the encoder does not load ({problem})") from None
    return encoder.eval()


def load_model(path: str | Path | None = None):
    """The whole :class:`~circuitlab.pretrain.PretrainModel` (encoder and heads), eval mode."""
    from circuitlab.pretrain.model import PretrainModel
    path = DEFAULT_CHECKPOINT if path is None else path
    state = load_checkpoint(path)
    try:
        model = PretrainModel(checkpoint_config(state))
        model.load_state_dict(state["model"])
    except (KeyError, TypeError, ValueError, RuntimeError, CircuitlabError) as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CircuitlabError(f"{path}: the model does not load ({problem})") from None
    return model.eval()


def save_weights(path: str | Path, config: PretrainConfig, model, step: int) -> None:
    """Write a slim checkpoint (config, model weights, step) that the loaders read."""
    save_checkpoint(path, {"config": config.to_dict(), "model": model.state_dict(),
                           "step": int(step)})
