"""Pre-trained encoders: the shipped checkpoint and the loader of any pre-training checkpoint.

A pre-training checkpoint (:mod:`circuitlab.training.checkpoint`, kind
``"pretrain"``) holds the resolved pre-training config, whose ``encoder``
entry is the :class:`EncoderConfig`, and the whole model's weights, whose
``encoder.`` entries are the encoder's. Reading the encoder needs nothing
from :mod:`circuitlab.pretrain`.
"""

from __future__ import annotations

from pathlib import Path

from circuitlab.nn.encoder import Encoder
from circuitlab.nn.encoder_config import EncoderConfig
from circuitlab.nn.registry import build_encoder
from circuitlab.training.checkpoint import FORMAT, load_checkpoint, loading

__all__ = ["DEFAULT_CHECKPOINT", "KIND", "LABEL", "load_default_encoder", "load_encoder",
           "load_pretrain_checkpoint"]

KIND, LABEL = "pretrain", "pre-training"
DEFAULT_CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "default.pt"
"""The shipped encoder (``experiments/train_encoder.py``): config and model weights only."""

_LEGACY_FORMAT = "circuitlab-pretrain/1"


def _legacy(state: dict) -> dict | None:
    """The files written before the shared format: the same keys, a format tag of their own."""
    if state.get("format") != _LEGACY_FORMAT:
        return None
    rest = {k: v for k, v in state.items() if k not in ("format", "scheduler")}
    return {**rest, "format": FORMAT, "kind": KIND}


def load_pretrain_checkpoint(path: str | Path) -> dict:
    """The dict of a pre-training checkpoint: ``config`` (the resolved pre-training
    config as a dict), ``model``, ``step`` and, from a training run, ``optimizer``,
    ``rng``, ``sampler``, ``world_size``.

    Raises:
        CircuitlabError: the file is missing or not a pre-training checkpoint.
    """
    return load_checkpoint(path, KIND, LABEL, _legacy)


def load_encoder(path: str | Path | None = None) -> Encoder:
    """The pre-trained :class:`Encoder` of a checkpoint, in eval mode, on the CPU.

    ``path`` ``None`` is the shipped encoder (:data:`DEFAULT_CHECKPOINT`).

    Raises:
        CircuitlabError: the file is missing, not a pre-training checkpoint,
            or its weights do not fit its config.
    """
    path = DEFAULT_CHECKPOINT if path is None else path
    state = load_pretrain_checkpoint(path)
    with loading(path, "the encoder"):
        encoder = build_encoder(EncoderConfig.from_dict(state["config"]["encoder"]))
        prefix = "encoder."
        encoder.load_state_dict({k[len(prefix):]: v for k, v in state["model"].items()
                                 if k.startswith(prefix)})
    return encoder.eval()


def load_default_encoder() -> Encoder:
    """The shipped pre-trained encoder (``circuitlab/nn/checkpoints/default.pt``), eval mode.

    The ``dag`` encoder pre-trained to simulate (``pretrain_sim``: gate
    values under a random bank of 16 input patterns per graph and step) on
    the 5,000 generated designs of the RTL corpus, streamed; its embedding
    concatenates the centred read-outs
    under 32 banks. How it was trained:
    ``experiments/train_encoder.py`` and its record in ``experiments/results/``.
    """
    return load_encoder()
