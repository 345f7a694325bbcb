"""The circuit transformer the optimize flow runs: the shipped checkpoint, loaded for inference.

The checkpoint file belongs to the model and lives beside it, in
``circuitlab/transformer/checkpoints/``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from circuitlab.errors import CircuitlabError, ParamError

__all__ = ["DEFAULT_CHECKPOINT", "default_checkpoint", "load_model"]

DEFAULT_CHECKPOINT = "default.pt"


def default_checkpoint() -> Path:
    """Path of the checkpoint shipped inside the package."""
    return Path(str(resources.files("circuitlab.transformer") / "checkpoints" / DEFAULT_CHECKPOINT))


def load_model(checkpoint=None, device: str = "auto"):
    """``(model, tokenizer)`` from ``checkpoint`` (default: the shipped one), in eval mode.

    Raises:
        ParamError: ``device`` names a CUDA device and there is none.
        CircuitlabError: the checkpoint is missing or not a circuitlab checkpoint.
    """
    import torch

    from circuitlab.transformer.train import load_checkpoint, resolve_device
    resolved = resolve_device(device)
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ParamError("device", f"{device}: no CUDA device is available")
    path = Path(checkpoint) if checkpoint else default_checkpoint()
    if checkpoint is None and not path.exists():
        raise CircuitlabError(f"the shipped transformer checkpoint is missing ({path}); "
                              "reinstall circuitlab or pass --checkpoint")
    return load_checkpoint(path, resolved)
