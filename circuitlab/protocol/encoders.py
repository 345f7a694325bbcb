"""The encoder of one (cell, seed): random, shipped, or pre-trained on the training designs.

A ``"pretrain"`` cell is pre-trained by :func:`~circuitlab.pretrain.pretrain`
on the training designs that have Verilog text (the same graphs for every
objective, so the cells differ only in what they optimise; VGA needs the
text, and an AIG-only design has none), each design's synthesised AIG once,
with the run's seed; a cell with a ``stream`` pre-trains on that built
corpus instead (:func:`~circuitlab.datasets.stream.corpus_stream`). Its
checkpoint is cached as ``cache/encoders/<cell>-s<seed>-<key>.pt``, ``key``
a hash of the pre-training config (less its logging and device settings),
the seed and the training AIGs (or the corpus's index), so a rerun loads it
instead of training again.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from circuitlab.datasets.fingerprint import fingerprint
from circuitlab.errors import CircuitlabError
from circuitlab.protocol.config import EncoderCell
from circuitlab.parallel import BuildOptions, Item, run_items
from circuitlab.tasks import Design
from circuitlab.io.aiger import dump_aiger
from circuitlab.llm import EmbedParams

VOLATILE = ("progress", "log_interval", "ckpt_interval", "device")
"""Pre-training settings that do not change the weights beyond rounding."""


def cell_encoder(cell: EncoderCell, seed: int, train: Sequence[Design],
                 cache: Path | None) -> tuple:
    """The frozen encoder (eval mode, no gradients) of ``cell`` under ``seed``, and facts.

    Returns:
        ``(encoder, info)``; ``info`` says where the weights came from
        (``"source"``: ``random``, ``shipped``, ``trained`` or ``cache``) and,
        for a pre-trained cell, the checkpoint, the pre-training designs,
        graphs and seconds.

    Raises:
        CircuitlabError: no training design with text, a config the data
            does not fit (node budget, text width).
    """
    import torch

    if cell.kind == "shipped":
        # loads torch, torch_geometric: only when used
        from circuitlab.nn import load_default_encoder
        encoder, info = load_default_encoder(), {"source": "shipped"}
    elif cell.kind == "random":
        from circuitlab.nn import build_encoder  # loads torch, torch_geometric: only when used
        torch.manual_seed(seed)
        encoder, info = build_encoder(cell.config.encoder), {"source": "random"}
    else:
        encoder, info = _pretrained(cell, seed, train, cache)
    encoder.eval()
    encoder.requires_grad_(False)
    return encoder, info


def checkpoint_path(cell: EncoderCell, seed: int, train: Sequence[Design],
                    cache: Path) -> Path:
    """Where the pre-trained weights of ``cell`` under ``seed`` on ``train`` are cached."""
    from circuitlab.datasets.stream import corpus_digest

    config = {k: v for k, v in _seeded(cell, seed).to_dict().items() if k not in VOLATILE}
    if cell.stream is not None:
        data = ["stream", corpus_digest(cell.stream)]
    else:
        data = [(d.name, _aig_digest(d)) for d in _pretrain_designs(cell, train)]
    return cache / "encoders" / f"{cell.name}-s{seed}-{fingerprint(config, data)}.pt"


def _pretrained(cell: EncoderCell, seed: int, train: Sequence[Design],
                cache: Path | None) -> tuple:
    # loads torch, torch_geometric: only when used
    from circuitlab.pretrain import load_encoder, pretrain, save_weights

    from circuitlab.datasets.stream import corpus_stream

    if cell.stream is not None:
        designs, info = [], {"pretrain_stream": str(cell.stream)}
    else:
        designs = _pretrain_designs(cell, train)
        if not designs:
            raise CircuitlabError(f"encoder {cell.name}: no training design has Verilog text "
                                  "to pre-train on")
        info = {"pretrain_designs": [d.name for d in designs]}
    with tempfile.TemporaryDirectory(prefix="circuitlab-pretrain-") as tmp:
        path = checkpoint_path(cell, seed, train, cache) if cache is not None \
            else Path(tmp) / "weights.pt"

        def weights(_) -> bytes:
            config = _seeded(cell, seed)
            graphs = pretrain_graphs(designs, config, cache) if cell.stream is None else \
                corpus_stream(cell.stream, encoding=config.encoder.encoding, seed=config.seed)
            t0 = time.perf_counter()
            stats = pretrain(config, graphs, Path(tmp) / "run")
            made = Path(tmp) / "made.pt"
            save_weights(made, config, stats["model"], stats["steps"])
            info.update(pretrain_graphs=len(graphs), pretrain_steps=stats["steps"],
                        pretrain_s=round(time.perf_counter() - t0, 2),
                        pretrain_loss=stats["loss"])
            return made.read_bytes()

        # the one cached item of the parallel map, computed here (the checkpoint is the key)
        report = run_items(weights, [Item(cell.name, path.stem, None)], path.parent,
                           path.suffix, BuildOptions(jobs=1, progress=False))
        if report.failed:
            raise CircuitlabError(f"encoder {cell.name}: {report.failed[0][1]}")
        info.update(source="trained" if report.computed else "cache",
                    checkpoint=str(path) if cache is not None else None)
        return load_encoder(path), info


def pretrain_graphs(designs: Sequence[Design], config, cache: Path | None = None) -> list:
    """The designs' AIGs as graphs in ``config``'s encoding, with text tokens if it uses
    text; for the functional objectives, each design's views with their targets
    (:func:`~circuitlab.pretrain.functional_corpus.functional_training_graphs`, cached
    in ``cache/views`` when a cache is given)."""
    from circuitlab.data import to_pyg  # loads torch, torch_geometric: only when used
    # loads torch, torch_geometric: only when used
    from circuitlab.pretrain.corpus import attach_text_tokens

    if config.functional_objectives and not config.uses_text:
        # loads torch, torch_geometric: only when used
        from circuitlab.pretrain.functional_corpus import (FunctionalSampleParams,
                                                           functional_training_graphs)
        with tempfile.TemporaryDirectory(prefix="circuitlab-views-") as tmp:
            return functional_training_graphs(
                [(d.name, d.aig) for d in designs], (cache or Path(tmp)) / "views",
                FunctionalSampleParams.of_config(config),
                BuildOptions(jobs=1, progress=False),
                # the runner screened the names against the config's sources; functions here
                allow=[d.name for d in designs])
    graphs = []
    for design in designs:
        graph = to_pyg(design.aig, config.encoder.encoding)
        graph.name = graph.design = design.name
        graph.verilog = design.text
        graphs.append(graph)
    if config.uses_text:
        graphs = attach_text_tokens(graphs, EmbedParams(pooled_tokens=config.text_tokens))
    return graphs


def _seeded(cell: EncoderCell, seed: int):
    steps = str(cell.config.steps)
    return cell.config.with_overrides(["--seed", str(seed), "--progress", "false",
                                       "--ckpt-interval", steps])


def _pretrain_designs(cell: EncoderCell, train: Sequence[Design]) -> list[Design]:
    """The designs ``cell`` pre-trains on: those with Verilog text, or every training
    design for a functional method without text."""
    config = cell.config
    if config.functional_objectives and not config.uses_text:
        return list(train)
    return [d for d in train if d.text]


def _aig_digest(design: Design) -> str:
    return hashlib.sha256(dump_aiger(design.aig)).hexdigest()
