"""The device rule: which torch device a ``device`` setting names."""

from __future__ import annotations

import torch

from circuitlab.errors import ParamError

__all__ = ["DEVICE_TYPES", "resolve_device"]

DEVICE_TYPES = ("cpu", "cuda", "mps", "xpu")
"""Device types circuitlab runs models on (``"auto"`` picks ``cuda`` when there is one)."""


def resolve_device(name: str, field: str = "device") -> torch.device:
    """The :class:`torch.device` that ``name`` names, checked to exist on this machine.

    ``"auto"`` is CUDA when a CUDA device is available, else the CPU.

    Raises:
        ParamError: ``name`` is not a device of :data:`DEVICE_TYPES`, or names one
            this machine lacks (the message names ``field``).
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, TypeError):
        raise ParamError(field, f"{name}: not a torch device (auto, cpu, cuda, cuda:N, mps, "
                                "xpu)") from None
    if device.type not in DEVICE_TYPES:
        raise ParamError(field, f"{name}: not a device models run on (auto, cpu, cuda, cuda:N, "
                                "mps, xpu)")
    if device.type != "cpu" and not _available(device.type):
        kind = device.type.upper() if device.type != "xpu" else "XPU"
        raise ParamError(field, f"{name}: no {kind} device is available")
    return device


def _available(kind: str) -> bool:
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        return torch.backends.mps.is_available()
    return bool(getattr(torch, "xpu", None) and torch.xpu.is_available())
