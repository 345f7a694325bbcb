"""Pre-training checkpoints: one file holding everything a run needs to resume."""

from __future__ import annotations

from pathlib import Path

import torch

from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import atomic_path
from circuitlab.nn import Encoder, EncoderConfig, build_encoder
from circuitlab.pretrain.config import PretrainConfig

FORMAT = "circuitlab-pretrain/1"


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
    except Exception as exc:  # torch raises many kinds on a corrupt file
        raise CircuitlabError(f"{path}: not a checkpoint ({type(exc).__name__})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CircuitlabError(f"{path}: not a circuitlab pre-training checkpoint")
    return state


def checkpoint_config(state: dict) -> PretrainConfig:
    """The :class:`PretrainConfig` saved in a checkpoint dict."""
    return PretrainConfig.from_dict(state["config"])


def load_encoder(path: str | Path) -> Encoder:
    """The pre-trained :class:`~circuitlab.nn.Encoder` of a checkpoint, in eval mode, on the CPU."""
    state = load_checkpoint(path)
    encoder = build_encoder(EncoderConfig.from_dict(state["config"]["encoder"]))
    prefix = "encoder."
    encoder.load_state_dict({k[len(prefix):]: v for k, v in state["model"].items()
                             if k.startswith(prefix)})
    return encoder.eval()
