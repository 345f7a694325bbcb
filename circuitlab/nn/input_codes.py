"""Fixed pseudo-random codes of a circuit's inputs: :func:`input_codes`."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

__all__ = ["BANK_STRIDE", "MAX_INPUT_CODES", "input_codes", "node_codes"]

MAX_INPUT_CODES = 64
"""Widest code: the bits of one 64-bit hash per input position."""

BANK_STRIDE = 1 << 32
"""Bank ``b`` hashes ``position + b * BANK_STRIDE``: positions below it are distinct in every bank."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's output function of ``x + 1`` golden steps (Steele et al., 2014)."""
    with np.errstate(over="ignore"):
        z = (x + np.uint64(1)) * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        return z ^ (z >> np.uint64(31))


def input_codes(position: Tensor, width: int, bank: Tensor | int = 0) -> Tensor:
    """``[P, width]`` float32 of ±1: each input's values under ``width`` fixed patterns.

    Bit ``j`` of input ``k`` is bit ``j`` of SplitMix64(``k``), so the code
    depends only on the input's position in its circuit (never on a seed,
    a batch or the machine): two circuits over the same inputs, such as a
    design and its optimised versions, give every input the same code, and
    distinct inputs get independent-looking patterns. An encoder fed these
    codes sees ``width`` random simulation patterns at its inputs, which
    lets it tell apart functions that differ only by which inputs they read
    (random node features, Sato et al., SDM 2021, https://arxiv.org/abs/2002.03155).

    ``bank`` selects another set of patterns: bank ``b`` hashes ``position +
    b * BANK_STRIDE``, so banks look independent of one another and bank 0
    is the codes above. An encoder trained under random banks learns to
    evaluate whatever patterns its inputs carry, not a fixed set
    (:attr:`~circuitlab.pretrain.PretrainConfig.random_code_banks`), and an
    embedding can concatenate several banks
    (:attr:`~circuitlab.nn.EncoderConfig.code_banks`).

    Args:
        position: ``[P]`` int64, positions ``>= 0`` and below :data:`BANK_STRIDE`.
        width: bits per code, 1 to :data:`MAX_INPUT_CODES`.
        bank: an int, or ``[P]`` int64, one bank per position, each ``>= 0``.
    """
    if not 1 <= width <= MAX_INPUT_CODES:
        raise ValueError(f"input code width must be 1 to {MAX_INPUT_CODES}, got {width}")
    key = position.detach().cpu().numpy().astype(np.uint64)
    banks = (bank.detach().cpu().numpy() if isinstance(bank, Tensor)
             else np.full(key.shape, bank)).astype(np.uint64)
    hashed = _splitmix64(key + banks * np.uint64(BANK_STRIDE))
    bits = (hashed[:, None] >> np.arange(width, dtype=np.uint64)[None, :]) & np.uint64(1)
    return torch.from_numpy(bits.astype(np.float32) * 2.0 - 1.0).to(position.device)


def node_codes(batch, nodes: Tensor, width: int) -> Tensor:
    """``[len(nodes), width]`` ±1: the codes of input nodes ``nodes`` of ``batch``.

    Each graph's bank is its ``code_bank`` (one int64 per graph, bank 0 where
    the graphs carry none); ``input_pos`` gives the positions.
    """
    position = batch.input_pos[nodes]
    bank = getattr(batch, "code_bank", None)
    if bank is None:
        return input_codes(position, width)
    graph = getattr(batch, "batch", None)
    per_node = bank[graph[nodes]] if graph is not None else bank.reshape(-1)[:1].expand_as(nodes)
    return input_codes(position, width, per_node)
