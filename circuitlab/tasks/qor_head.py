"""QorHead: a design's graph embedding and a recipe -> how good the recipe is on the design.

Its checkpoint (:func:`save_head`, :func:`load_head`; the format of
:mod:`circuitlab.training.checkpoint`, kind ``"qor"``) holds everything
``circuitlab qor rank`` needs: the head's config and weights, the frozen
encoder's config and weights (so a head always meets the encoder it was
trained with), the recipe set it was trained on, and the training
designs' per-recipe statistics of the mean-rank baseline.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from circuitlab.errors import require, require_at_least
from circuitlab.nn import EncoderConfig, build_encoder
from circuitlab.tasks.recipe_encoder import RecipeEncoder, step_vocabulary
from circuitlab.training.checkpoint import FORMAT, load_checkpoint, loading, save_checkpoint

__all__ = ["KIND", "QorHead", "QorHeadConfig", "load_head", "save_head"]

KIND = "qor"
_LEGACY_FORMAT = "circuitlab-qor/1"
MIN_STD = 1e-4
"""Graph-embedding features whose std over the training designs is below this are ignored."""
CLIP = 5.0
"""Standardised graph-embedding features are clipped to [-CLIP, CLIP] (a test design far
outside the training designs' range does not swing the head)."""
DEFAULT_HEAD = Path(__file__).resolve().parent / "checkpoints" / "qor_default.pt"
"""The shipped head (``experiments/train_qor_head.py``)."""


@dataclass(frozen=True)
class QorHeadConfig:
    """The head's sizes.

    Attributes:
        graph_dim: width of the encoder's graph embedding (``encoder.embedding_dim``).
        step_dim: step embedding width.
        channels: recipe convolution channels (the recipe vector is twice as wide).
        kernel: recipe convolution width (odd).
        conv_layers: recipe convolutions.
        hidden: width of the MLP's two hidden layers.
        dropout: dropout after each hidden layer while training.
        components: the head reads the graph embedding's projections on its
            first ``components`` principal axes over the training designs
            (:meth:`QorHead.set_graph_stats`); 0 reads every feature. A few
            dozen training designs cannot fit thousands of features.
    """

    graph_dim: int
    step_dim: int = 16
    channels: int = 32
    kernel: int = 3
    conv_layers: int = 2
    hidden: int = 64
    dropout: float = 0.1
    components: int = 0

    def __post_init__(self):
        require_at_least(self.graph_dim, 1, "graph_dim")
        require_at_least(self.components, 0, "components")
        require_at_least(self.step_dim, 1, "step_dim")
        require_at_least(self.channels, 1, "channels")
        require(isinstance(self.kernel, int) and self.kernel >= 1 and self.kernel % 2 == 1,
                "kernel", f"must be an odd integer >= 1, got {self.kernel!r}")
        require_at_least(self.conv_layers, 1, "conv_layers")
        require_at_least(self.hidden, 1, "hidden")
        require(0 <= self.dropout < 1, "dropout", f"must be in [0, 1), got {self.dropout!r}")


class QorHead(nn.Module):
    r"""Graph embedding of the original AIG + recipe vector -> MLP -> two scores.

    The graph embedding (with ``config.components`` > 0, its projections
    on the training designs' first principal axes: buffers ``graph_centre``,
    ``graph_basis``) is standardised with the training designs' mean and
    standard deviation (buffers ``graph_mean``, ``graph_std``, set by
    :meth:`set_graph_stats`) and clipped to ``[-CLIP, CLIP]``, concatenated with the
    :class:`~circuitlab.tasks.recipe_encoder.RecipeEncoder` vector, and a
    two-hidden-layer MLP returns

    - column 0: the predicted per-design standardised label
      (:func:`~circuitlab.tasks.ranking.standardise`, higher = fewer gates),
      which ranks the recipes;
    - column 1: the predicted log size ratio
      :math:`\log((a + 1) / (a_0 + 1))` (AND count after / before), in
      units standardised by the buffers ``ratio_mean``, ``ratio_std``:
      :meth:`predicted_ands` turns it into an AND count.

    Shapes:
        - **input:** graph embeddings ``[B, graph_dim]``, recipe tokens ``[B, L]``.
        - **output:** ``[B, 2]``.
    """

    def __init__(self, config: QorHeadConfig):
        super().__init__()
        self.config = config
        self.recipe = RecipeEncoder(len(step_vocabulary()), config.step_dim, config.channels,
                                    config.kernel, config.conv_layers)
        features = config.components or config.graph_dim
        width = features + self.recipe.out_dim
        self.mlp = nn.Sequential(
            nn.Linear(width, config.hidden), nn.ReLU(), nn.Dropout(config.dropout),
            nn.Linear(config.hidden, config.hidden), nn.ReLU(), nn.Dropout(config.dropout),
            nn.Linear(config.hidden, 2))
        if config.components:
            self.register_buffer("graph_centre", torch.zeros(config.graph_dim))
            self.register_buffer("graph_basis", torch.zeros(config.graph_dim, features))
        self.register_buffer("graph_mean", torch.zeros(features))
        self.register_buffer("graph_std", torch.ones(features))
        self.register_buffer("ratio_mean", torch.zeros(()))
        self.register_buffer("ratio_std", torch.ones(()))

    def set_graph_stats(self, graphs: Tensor) -> None:
        """Standardise graph embeddings by the mean and std of ``graphs`` ``[D, graph_dim]``.

        With ``config.components`` = k > 0, first fix the projection: the
        first k principal axes of ``graphs`` (centred, unscaled; signs
        chosen so each axis's largest entry is positive), zero axes where
        ``graphs`` has fewer than k. A feature (nearly) constant over
        ``graphs`` (std below :data:`MIN_STD`) is read as 0: the training
        designs say nothing about it.
        """
        if self.config.components:
            x = graphs.detach().double().cpu().numpy()
            centre = x.mean(axis=0)
            _, _, vt = np.linalg.svd(x - centre, full_matrices=False)
            axes = vt[:self.config.components]
            axes *= np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])[:, None]
            basis = np.zeros((x.shape[1], self.config.components))
            basis[:, :len(axes)] = axes.T
            self.graph_centre.copy_(torch.as_tensor(centre))
            self.graph_basis.copy_(torch.as_tensor(basis))
            graphs = self.project(graphs)
        std = graphs.std(dim=0, unbiased=False)
        self.graph_mean.copy_(graphs.mean(dim=0))
        self.graph_std.copy_(torch.where(std < MIN_STD, torch.full_like(std, math.inf), std))

    def set_ratio_stats(self, log_ratios: Tensor) -> None:
        """Standardise the log size ratio target by the mean and std of ``log_ratios``."""
        self.ratio_mean.copy_(log_ratios.mean())
        self.ratio_std.copy_(log_ratios.std(unbiased=False).clamp(min=1e-3))

    def project(self, graphs: Tensor) -> Tensor:
        """``graphs`` ``[B, graph_dim]`` -> the features the head standardises ``[B, F]``."""
        if not self.config.components:
            return graphs
        return (graphs - self.graph_centre) @ self.graph_basis

    def forward(self, graphs: Tensor, tokens: Tensor) -> Tensor:
        g = ((self.project(graphs) - self.graph_mean) / self.graph_std).clamp(-CLIP, CLIP)
        return self.mlp(torch.cat([g, self.recipe(tokens)], dim=1))

    @torch.no_grad()
    def predict(self, graph: Tensor, tokens: Tensor, ands_before: int) -> tuple[Tensor, Tensor]:
        """Scores ``[R]`` (higher = better) and predicted AND counts ``[R]`` of ``R`` recipes
        on one design, from its graph embedding ``[graph_dim]``, in eval mode."""
        was = self.training
        self.eval()
        out = self(graph.unsqueeze(0).expand(tokens.size(0), -1), tokens)
        self.train(was)
        return out[:, 0], self.predicted_ands(out[:, 1], ands_before)

    def predicted_ands(self, ratio_out: Tensor, ands_before: int) -> Tensor:
        """AND counts from column 1 of the output and the design's count before the recipe."""
        log_ratio = ratio_out * self.ratio_std + self.ratio_mean
        return (ands_before + 1) * torch.exp(log_ratio) - 1


def _legacy(state: dict) -> dict | None:
    """The files written before the shared format: two config entries beside the weights."""
    if state.get("format") != _LEGACY_FORMAT:
        return None
    config = {"head": state.get("head_config"), "encoder": state.get("encoder_config")}
    rest = {k: v for k, v in state.items() if k not in ("format", "head_config",
                                                          "encoder_config")}
    return {**rest, "format": FORMAT, "kind": KIND, "config": config}


def save_head(path: str | Path, head: QorHead, encoder, meta: dict) -> None:
    """Write a self-contained QoR checkpoint atomically.

    Args:
        head: the trained head.
        encoder: the frozen :class:`~circuitlab.nn.Encoder` whose embeddings it reads.
        meta: ``recipes`` (``{"count", "seed", "length", "engine"}``), ``mean_ranks``
            ``[R]`` and ``mean_log_ratio`` ``[R]`` of the training designs, and
            anything else worth keeping (``train_designs``, ``heldout``, ``record``).
    """
    config = {"head": asdict(head.config), "encoder": encoder.config.to_dict()}
    save_checkpoint(path, KIND, config, {"head": head.state_dict(),
                                         "encoder": encoder.state_dict(), **meta})


def load_head(path: str | Path | None = None):
    """``(head, encoder, meta)`` of a QoR checkpoint (``None``: the shipped one), eval mode.

    Raises:
        CircuitlabError: the file is missing, not a QoR checkpoint, or its
            weights do not fit its configs.
    """
    path = DEFAULT_HEAD if path is None else Path(path)
    state = load_checkpoint(path, KIND, "QoR", _legacy)
    with loading(path, "the QoR head"):
        head = QorHead(QorHeadConfig(**state["config"]["head"]))
        head.load_state_dict(state["head"])
        encoder = build_encoder(EncoderConfig.from_dict(state["config"]["encoder"]))
        encoder.load_state_dict(state["encoder"])
        for key in ("recipes", "mean_ranks", "mean_log_ratio"):
            state[key]  # noqa: B018 - presence check
    meta = {k: v for k, v in state.items()
            if k not in ("format", "kind", "config", "head", "encoder")}
    return head.eval(), encoder.eval(), meta
