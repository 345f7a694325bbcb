"""Seeds: the whole process's, and one per training step.

Each step draws its batch, masks and dropout from a seed folded from the
run's seed, the step and any further keys (a rank), so a run resumed from a
checkpoint repeats the steps of an uninterrupted run exactly.
"""

from __future__ import annotations

import random

import numpy as np
import torch

__all__ = ["rng_state", "seed_everything", "seed_step", "set_rng_state", "step_seed"]

_FOLD = 1_000_003


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, numpy's global generator and torch (every device)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def step_seed(*keys: int) -> int:
    """One seed folded from ``keys`` in order: ``((k0 * P + k1) * P + k2) ...``, P = 1,000,003.

    The loop calls ``step_seed(seed, step)``, or ``step_seed(seed, rank, step)``
    when ranks draw apart.
    """
    value = 0
    for k, key in enumerate(keys):
        value = int(key) if k == 0 else value * _FOLD + int(key)
    return value


def seed_step(seed: int, generator: torch.Generator | None = None) -> None:
    """Seed torch's global generator (dropout) and ``generator`` (masks) with ``seed``."""
    torch.manual_seed(seed)
    if generator is not None:
        generator.manual_seed(seed)


def rng_state() -> dict:
    """Torch's generator states (the CPU's, and every CUDA device's where there is one),
    for a checkpoint."""
    state = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Restore what :func:`rng_state` returned (the CUDA states where there are devices)."""
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
