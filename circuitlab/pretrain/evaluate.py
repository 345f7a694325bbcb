"""Reconstruction accuracy of a pre-training model on held-out graphs, with fixed masks."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch_geometric.data import Batch

from circuitlab.errors import CircuitlabError
from circuitlab.pretrain.masking import random_node_mask
from circuitlab.pretrain.model import TEXT_TOKENS, PretrainModel, batch_index, with_text_tokens


@torch.no_grad()
def reconstruction_metrics(model: PretrainModel, graphs: Sequence,
                           seeds: Sequence[int] = (0, 1, 2)) -> dict[str, float]:
    """Masked gate-type accuracy and fan-in / fan-out MAE of each objective of ``model``.

    For every seed, each objective of ``model.config.method`` masks its
    ratio of every graph's nodes (:func:`random_node_mask` with a
    generator seeded by the seed), decodes, and is scored on the masked
    nodes; the figures are pooled over seeds (every masked node counts
    once per seed). Dropout is off (eval mode).

    Returns:
        ``{"<method>_type_acc", "<method>_fanin_mae", "<method>_fanout_mae",
        "<method>_masked"}`` per method.
    """
    model.eval()
    batch = Batch.from_data_list(list(graphs))
    index, size = batch_index(batch)
    out: dict[str, float] = {}
    for method in model.config.masked_objectives:
        ratio = getattr(model.config, f"{method}_mask_ratio")
        heads = model.mae_heads if method == "graphmae" else getattr(model, f"{method}_heads")
        right = masked = 0
        fanin_err = fanout_err = 0.0
        for seed in seeds:
            gen = torch.Generator().manual_seed(int(seed))
            mask = random_node_mask(index, size, ratio, gen)
            _, decoded = getattr(model, f"{method}_decode")(batch, mask)
            logits, degrees = heads(decoded)
            right += int((logits[mask].argmax(-1) == batch.node_type[mask]).sum())
            fanin_err += float((degrees[mask, 0] - batch.fanin[mask].float()).abs().sum())
            fanout_err += float((degrees[mask, 1] - batch.fanout[mask].float()).abs().sum())
            masked += int(mask.sum())
        out.update({f"{method}_type_acc": right / masked, f"{method}_fanin_mae": fanin_err / masked,
                    f"{method}_fanout_mae": fanout_err / masked, f"{method}_masked": masked})
    return out


def majority_metrics(train_graphs: Sequence, graphs: Sequence, ratio: float,
                     seeds: Sequence[int] = (0, 1, 2)) -> dict[str, float]:
    """The same figures for a predictor that ignores the graph.

    It predicts the training set's most common node type and the median
    training fan-in and fan-out (the MAE-optimal constants) for every
    masked node, with the masks of :func:`reconstruction_metrics`.
    """
    train = Batch.from_data_list(list(train_graphs))
    common = int(torch.bincount(train.node_type).argmax())
    fanin = float(train.fanin.float().median())
    fanout = float(train.fanout.float().median())
    batch = Batch.from_data_list(list(graphs))
    index, size = batch_index(batch)
    right = masked = 0
    fanin_err = fanout_err = 0.0
    for seed in seeds:
        mask = random_node_mask(index, size, ratio, torch.Generator().manual_seed(int(seed)))
        right += int((batch.node_type[mask] == common).sum())
        fanin_err += float((batch.fanin[mask].float() - fanin).abs().sum())
        fanout_err += float((batch.fanout[mask].float() - fanout).abs().sum())
        masked += int(mask.sum())
    return {"type_acc": right / masked, "fanin_mae": fanin_err / masked,
            "fanout_mae": fanout_err / masked, "masked": masked}


def shuffled_tokens(graphs: Sequence) -> list:
    """Copies of ``graphs``, each carrying the text tokens of *another* design.

    Designs (``design``, else ``name``) are sorted by name and each takes the
    tokens of the next one, cyclically, so no graph keeps its own text.

    Raises:
        CircuitlabError: fewer than two designs, or a graph without tokens.
    """
    def design(k, g):
        return str(getattr(g, "design", None) or getattr(g, "name", None) or f"graph {k}")
    names = [design(k, g) for k, g in enumerate(graphs)]
    order = sorted(set(names))
    if len(order) < 2:
        raise CircuitlabError("shuffling text tokens needs graphs of at least two designs")
    tokens = {}
    for name, graph in zip(names, graphs):
        found = getattr(graph, TEXT_TOKENS, None)
        if found is None:
            raise CircuitlabError(f"{name}: no {TEXT_TOKENS} to shuffle")
        tokens.setdefault(name, found[0])
    donor = {name: order[(k + 1) % len(order)] for k, name in enumerate(order)}
    return [with_text_tokens(g, tokens[donor[n]]) for n, g in zip(names, graphs)]


@torch.no_grad()
def text_check(model: PretrainModel, graphs: Sequence,
               seeds: Sequence[int] = (0, 1, 2)) -> dict[str, float]:
    """VGA's masked-type accuracy with each design's own tokens, another's, and zeros.

    A VGA decoder that uses its text scores higher with the design's own
    tokens than with another design's (:func:`shuffled_tokens`) or all-zero
    tokens; the masks are those of :func:`reconstruction_metrics` in all three.

    Returns:
        ``{"own", "shuffled", "zero"}``: the ``vga_type_acc`` of each.

    Raises:
        CircuitlabError: ``model`` has no VGA objective.
    """
    if "vga" not in model.config.objectives:
        raise CircuitlabError(f"method {model.config.method} has no VGA objective to check")
    zero = [with_text_tokens(g, torch.zeros_like(getattr(g, TEXT_TOKENS)[0])) for g in graphs]
    out = {}
    for label, variant in (("own", list(graphs)), ("shuffled", shuffled_tokens(graphs)),
                           ("zero", zero)):
        out[label] = reconstruction_metrics(model, variant, seeds)["vga_type_acc"]
    return out


def text_check_line(found: dict[str, float]) -> str:
    """One line for a run's summary from :func:`text_check`'s figures."""
    return (f"VGA masked-type accuracy on held-out graphs: own text {found['own']:.3f}, "
            f"another design's {found['shuffled']:.3f}, zeros {found['zero']:.3f} "
            f"(own - shuffled {found['own'] - found['shuffled']:+.3f})")
