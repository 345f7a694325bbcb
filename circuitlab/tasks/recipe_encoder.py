"""RecipeEncoder: a synthesis recipe (a sequence of steps) -> one vector."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from circuitlab.errors import CircuitlabError

__all__ = ["PAD", "RecipeEncoder", "recipe_tokens", "step_vocabulary"]

PAD = 0
"""Token of a padding position (recipes shorter than the longest of a batch)."""


def step_vocabulary() -> tuple[str, ...]:
    """The steps a recipe may hold, token ``k + 1`` for ``STEPS[k]`` (OpenABC-D's seven)."""
    from circuitlab.synth.recipes import STEPS  # loads aigverse: only when used
    return STEPS


def recipe_tokens(recipes: Sequence[Sequence[str]]) -> Tensor:
    """Token matrix ``[R, L]`` int64 of recipes (``L`` the longest; :data:`PAD` after the end).

    Each step is parsed and written canonically first, so ``rw`` and
    ``rewrite`` are one token.

    Raises:
        CircuitlabError: an empty recipe, or a step outside :func:`step_vocabulary`
            (naming the step and the recipe's position).
    """
    from circuitlab.synth.recipes import parse_step  # loads aigverse: only when used
    vocabulary = {step: k + 1 for k, step in enumerate(step_vocabulary())}
    rows = []
    for r, recipe in enumerate(recipes):
        row = []
        for text in recipe:
            step = str(parse_step(text))
            if step not in vocabulary:
                raise CircuitlabError(f"recipe {r + 1}: step {step!r} is not one the QoR head "
                                      f"knows ({', '.join(vocabulary)})")
            row.append(vocabulary[step])
        if not row:
            raise CircuitlabError(f"recipe {r + 1} is empty")
        rows.append(row)
    width = max((len(r) for r in rows), default=1)
    out = torch.full((len(rows), width), PAD, dtype=torch.long)
    for r, row in enumerate(rows):
        out[r, :len(row)] = torch.tensor(row, dtype=torch.long)
    return out


class RecipeEncoder(nn.Module):
    r"""Step embedding, then 1-D convolutions over the sequence, then mean and max pooling.

    Each step is embedded (``dim`` wide), ``layers`` convolutions of width
    ``kernel`` (``channels`` out, ReLU, zero padding so the length stays)
    read the sequence in order, and the states of the real (non-padding)
    positions are pooled by their mean and their maximum. Order matters
    through the convolutions: two recipes with the same steps in another
    order get different vectors.

    Args:
        vocabulary: number of step tokens (padding excluded).
        dim: step embedding width.
        channels: convolution channels.
        kernel: convolution width (odd).
        layers: convolutions.

    Shapes:
        - **input:** tokens ``[B, L]`` int64, :data:`PAD` = 0 after each recipe's end.
        - **output:** ``[B, 2 * channels]``.
    """

    def __init__(self, vocabulary: int, dim: int = 16, channels: int = 32, kernel: int = 3,
                 layers: int = 2):
        super().__init__()
        if kernel % 2 == 0:
            raise CircuitlabError(f"the recipe convolution needs an odd kernel, got {kernel}")
        self.embedding = nn.Embedding(vocabulary + 1, dim, padding_idx=PAD)
        self.convs = nn.ModuleList(
            nn.Conv1d(dim if i == 0 else channels, channels, kernel, padding=kernel // 2)
            for i in range(layers))
        self.out_dim = 2 * channels

    def forward(self, tokens: Tensor) -> Tensor:
        mask = (tokens != PAD).unsqueeze(1).to(self.embedding.weight.dtype)  # [B, 1, L]
        x = self.embedding(tokens).transpose(1, 2)                           # [B, dim, L]
        for conv in self.convs:
            x = torch.relu(conv(x * mask))
        x = x * mask
        mean = x.sum(dim=2) / mask.sum(dim=2).clamp(min=1.0)
        peak = x.masked_fill(mask == 0, float("-inf")).amax(dim=2)
        return torch.cat([mean, peak], dim=1)
