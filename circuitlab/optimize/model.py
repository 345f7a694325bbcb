"""The circuit transformer the optimize flow runs: the shipped checkpoint, loaded for inference.

The checkpoint file and its loader belong to the model and live beside it
(:mod:`circuitlab.transformer.checkpoint`); the device rule is the one every
model uses (:func:`circuitlab.training.device.resolve_device`).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["load_optimize_model"]


def load_optimize_model(checkpoint=None, device: str = "auto"):
    """``(model, tokenizer)`` from ``checkpoint`` (default: the shipped one), in eval mode.

    Raises:
        ParamError: ``device`` is not a device, or names one this machine lacks.
        CircuitlabError: the checkpoint is missing or not a transformer checkpoint.
    """
    # here, not at the top: the optimize command checks its inputs before loading torch
    from circuitlab.training.device import resolve_device  # loads torch: only when used
    from circuitlab.transformer.checkpoint import load_transformer  # loads torch: only when used

    return load_transformer(Path(checkpoint) if checkpoint else None, resolve_device(device))
