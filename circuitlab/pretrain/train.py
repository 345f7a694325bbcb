"""The pre-training loop: :func:`pretrain`.

A plain PyTorch loop in the manner of nanoGPT's ``train.py`` (no trainer
framework): disjoint-union mini-batches packed to a node budget, AdamW with
linear warm-up then cosine decay, gradient clipping, bf16 autocast on a
GPU, data parallelism under ``torchrun`` (DDP; gloo on the CPU, NCCL on
GPUs), checkpoints that resume exactly.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

import torch
from torch import nn
from torch_geometric.data import Batch, Data

from circuitlab.datasets.stream import ShardStream, StreamBatchSampler
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import check_output_dir
from circuitlab.pretrain.checkpoint import checkpoint_config, load_pretrain_checkpoint, \
    save_checkpoint
from circuitlab.pretrain.config import FUNC, PretrainConfig
from circuitlab.pretrain.functional_graphs import check_functional_graphs
from circuitlab.pretrain.model import TEXT_TOKENS, PretrainModel
from circuitlab.pretrain.sampler import NodeBudgetBatchSampler
from circuitlab.training.checkpoint import check_same_config
from circuitlab.training.device import resolve_device
from circuitlab.training.loop import Every, optimizer_step, run_steps
from circuitlab.training.metrics_log import MetricsLog
from circuitlab.training.schedule import warmup_cosine
from circuitlab.training.seeding import rng_state, seed_everything, set_rng_state

CODE_BANKS = 1 << 20
"""Banks that ``random_code_banks`` draws from (any would do; their codes look independent)."""

FUNCTIONAL_METRIC = {"contrast": "acc", "prob": "mae", "ttd": "mae", "sim": "acc"}
"""The metric column of each functional objective beside its loss."""

CHECKPOINT = "checkpoint.pt"
METRICS = "metrics.csv"
PLOT = "metrics.png"


def pretrain(config: PretrainConfig, graphs: Sequence[Data], out_dir: str | Path, *,
             resume: str | Path | None = None, stop_at: int | None = None,
             held_out: Sequence[Data] = ()) -> dict:
    """Pre-train an encoder on ``graphs``; write ``out_dir``/checkpoint.pt and metrics.

    ``graphs`` is any sequence of :class:`~circuitlab.data.AigData` (a list,
    a PyG dataset) in ``config.encoder.encoding``, or a
    :class:`~circuitlab.datasets.stream.ShardStream` read shard by shard
    (its own seed orders it; batches by
    :class:`~circuitlab.datasets.stream.StreamBatchSampler`); for the text objectives
    each graph carries ``text_tokens`` ``[1, M, D]`` float
    (:data:`~circuitlab.pretrain.model.TEXT_TOKENS`).

    The loop is :func:`circuitlab.training.loop.run_steps`; the caller
    chooses the torch thread count (the ``pretrain`` command applies
    :func:`~circuitlab.training.threads.torch_threads`).
    Each step draws its masks and dropout from generators seeded by
    ``(seed, rank, step)``, so a run resumed from a checkpoint repeats the
    steps of an uninterrupted run exactly (the checkpoint also holds the
    RNG states, restored on resume). Under ``torchrun`` (``WORLD_SIZE`` > 1)
    each rank trains on its share of the batches, gradients are averaged
    by DDP, and rank 0 alone writes files. In one process, Ctrl-C or SIGTERM
    ends the step under way, saves its checkpoint and raises
    :class:`KeyboardInterrupt` (:func:`~circuitlab.training.loop.run_steps`).

    A run that reaches ``config.steps`` ends by setting the encoder's
    read-out centre (:meth:`~circuitlab.nn.Encoder.fit_readout_centre`, up
    to 1,024 of ``graphs``), which the final checkpoint holds.

    Files: ``checkpoint.pt`` every ``ckpt_interval`` steps and at the end
    (config, model, optimiser, RNG states, step, sampler position; see :func:`~circuitlab.pretrain.load_encoder`); ``metrics.csv``
    with one row every ``log_interval`` steps: the step, the losses and
    type accuracies of that step (averaged over ranks), the learning rate,
    graphs/s and nodes/s since the previous row; ``metrics.png``, the plot.

    Args:
        resume: a checkpoint to continue from (its config must equal ``config``
            apart from ``steps``, ``progress``, the intervals and ``device``).
        stop_at: stop after this step as if killed (no final checkpoint).
        held_out: graphs never trained on; when given (rank 0), the summary
            holds their masked-objective reconstruction figures
            (:func:`~circuitlab.pretrain.evaluate.reconstruction_metrics`)
            and, for VGA, :func:`~circuitlab.pretrain.evaluate.text_check`
            with its line.

    Returns:
        ``{"steps", "loss", "checkpoint", "metrics", "graphs_per_s",
        "nodes_per_s", "epochs", "world_size", "model"}``: the last logged
        loss, overall throughput of all ranks, the trained
        :class:`~circuitlab.pretrain.PretrainModel` of this rank.

    Raises:
        CircuitlabError: no graphs, a graph over the node budget or without
            the text tokens the method needs, a checkpoint of another config.
    """
    import torch.distributed as dist

    out_dir = Path(out_dir)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    started_group = world > 1 and not dist.is_initialized()
    device = resolve_device(config.device)
    if started_group:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    rank = dist.get_rank() if world > 1 else 0
    if device.type == "cuda" and world > 1:
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    try:
        if rank == 0:
            check_output_dir(out_dir, "out_dir")
        if isinstance(graphs, ShardStream):  # never held in memory: checked batch by batch
            sampler = StreamBatchSampler(graphs, config.node_budget, rank, world)
        else:
            sampler = NodeBudgetBatchSampler([g.num_nodes for g in graphs], config.node_budget,
                                             config.seed, rank, world, _names(graphs))
            if config.uses_text:
                _check_tokens(config, graphs)
            check_functional_graphs([o for o in config.functional_objectives if o in FUNC],
                                    graphs, _names(graphs))
        stats = _Run(config, graphs, out_dir, sampler, device, rank, world).train(resume,
                                                                                  stop_at)
        stats["summary"] = [f"{stats['steps']} steps, loss {stats['loss']:.4f}, "
                            f"{stats['graphs_per_s']:.1f} graphs/s"]
        if held_out and rank == 0 and config.masked_objectives:
            _held_out_summary(stats, held_out)
        return stats
    finally:
        if started_group:
            dist.destroy_process_group()


class _Run:
    def __init__(self, config, graphs, out_dir, sampler, device, rank, world):
        self.config, self.graphs, self.out_dir = config, graphs, out_dir
        self.sampler, self.device, self.rank, self.world = sampler, device, rank, world
        seed_everything(config.seed)
        self.model = PretrainModel(config).to(device)
        self.optimizer = torch.optim.AdamW(_param_groups(self.model, config.weight_decay),
                                           lr=config.lr)
        self.step = 0
        self.trained = self.model
        if world > 1:
            self.trained = nn.parallel.DistributedDataParallel(self.model)
        method_columns = [f"{m}_{what}" for m in config.masked_objectives
                          for what in ("type_loss", "fanin_loss", "fanout_loss", "type_acc")]
        method_columns += [f"{m}_{what}" for m in config.functional_objectives
                           for what in ("loss", FUNCTIONAL_METRIC[m])]
        self.metric_names = ["loss", *method_columns]
        self.log = MetricsLog(out_dir / METRICS,
                              ["step", *self.metric_names, "lr", "graphs_per_s", "nodes_per_s"],
                              accuracy="type accuracy at masked nodes")

    def train(self, resume, stop_at) -> dict:
        config = self.config
        if resume is not None:
            self._load(resume)
        use_bf16 = config.bf16 and self.device.type == "cuda"
        autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if use_bf16 \
            else nullcontext
        batches = iter(self.sampler)
        window = {"graphs": 0, "nodes": 0, "since": time.perf_counter()}
        done = {"graphs": 0.0, "nodes": 0.0, "loss": float("nan")}
        metrics = {}

        streamed = isinstance(self.graphs, ShardStream)

        def train_step(step: int, gen: torch.Generator) -> None:
            drawn = next(batches)
            if not streamed:
                drawn = [self.graphs[k] for k in drawn]
            elif config.uses_text:
                _check_tokens(config, drawn)
            batch = Batch.from_data_list(drawn).to(self.device)
            if config.random_code_banks:
                batch.code_bank = torch.randint(0, CODE_BANKS, (batch.num_graphs,),
                                                generator=gen).to(self.device)
            with autocast():
                loss, found = self.trained(batch, gen)
            metrics.update(found)
            optimizer_step(self.optimizer, loss, self.model.parameters(), config.grad_clip)
            window["graphs"] += batch.num_graphs
            window["nodes"] += batch.num_nodes

        def on_log(step: int) -> dict:
            values = self._reduce([metrics[n] for n in self.metric_names]
                                  + [window["graphs"], window["nodes"]])
            now = time.perf_counter()
            row = dict(zip(self.metric_names, values))
            done["loss"] = row["loss"]
            done["graphs"] += values[-2]
            done["nodes"] += values[-1]
            elapsed = now - window["since"]
            row.update(step=step, lr=self.optimizer.param_groups[0]["lr"],
                       graphs_per_s=values[-2] / elapsed, nodes_per_s=values[-1] / elapsed)
            self.log.append(row)
            window.update(graphs=0, nodes=0, since=now)
            return {"loss": f"{row['loss']:.4f}"}

        def on_checkpoint(step: int) -> None:
            self.step = step
            self._save()

        t0 = time.perf_counter()
        self.model.train()
        self.step = run_steps(
            self.step, config.steps, self.optimizer,
            lambda step: config.lr * lr_factor(config, step), (config.seed, self.rank),
            train_step, Every(config.log_interval, config.ckpt_interval), on_log,
            on_checkpoint, stop_at=stop_at, progress=config.progress and self.rank == 0,
            desc="pretrain", graceful=self.world == 1)
        elapsed = time.perf_counter() - t0
        if self.step >= config.steps:
            self.model.encoder.fit_readout_centre(self.graphs)
            self._save()
        if self.rank == 0 and self.log.rows:
            self.log.flush()
            self.log.plot(self.out_dir / PLOT)
        return {"steps": self.step, "loss": done["loss"], "checkpoint": self.out_dir / CHECKPOINT,
                "metrics": self.out_dir / METRICS, "graphs_per_s": done["graphs"] / elapsed,
                "nodes_per_s": done["nodes"] / elapsed, "epochs": self.sampler.epoch,
                "world_size": self.world, "model": self.model}

    def _reduce(self, values: list) -> list[float]:
        row = torch.tensor([float(v) for v in values], dtype=torch.float64)
        if self.world > 1:
            import torch.distributed as dist
            dist.all_reduce(row)
            row[:-2] /= self.world
        return row.tolist()

    def _save(self) -> None:
        if self.rank != 0:
            return
        self.log.flush()
        save_checkpoint(self.out_dir / CHECKPOINT, self.config, {
            "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
            "rng": rng_state(), "step": self.step, "sampler": self.sampler.state_dict(),
            "world_size": self.world})

    def _load(self, path) -> None:
        state = load_pretrain_checkpoint(path)
        # a checkpoint from before a field existed holds its default
        saved = checkpoint_config(state).to_dict()
        check_same_config(path, saved, self.config.to_dict(), VOLATILE)
        if "optimizer" not in state:
            raise CircuitlabError(f"{path}: holds the weights only, not a run to resume")
        if state["world_size"] != self.world:
            raise CircuitlabError(f"{path}: saved by {state['world_size']} process(es), "
                                  f"resumed by {self.world}")
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.sampler.load_state_dict(state["sampler"])
        set_rng_state(state["rng"])
        self.step = int(state["step"])
        self.log.resume(self.step)


VOLATILE = ("steps", "progress", "log_interval", "ckpt_interval", "device")
"""Config keys a resumed run may change."""


def _held_out_summary(stats: dict, held_out: Sequence[Data]) -> None:
    from circuitlab.pretrain.evaluate import reconstruction_metrics, text_check, text_check_line
    model = stats["model"]
    found = reconstruction_metrics(model, held_out)
    stats["held_out"] = found
    stats["summary"].append("held-out masked-type accuracy: " + ", ".join(
        f"{m} {found[f'{m}_type_acc']:.3f}" for m in model.config.masked_objectives))
    if model.config.uses_text:
        stats["text_check"] = text_check(model, held_out)
        stats["summary"].append(text_check_line(stats["text_check"]))
    model.train()


def lr_factor(config: PretrainConfig, step: int) -> float:
    """Multiplier of ``lr`` at ``step``: linear warm-up, then cosine to ``min_lr_ratio``."""
    return warmup_cosine(step, config.warmup_steps, config.steps, config.min_lr_ratio)


def _param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    """Decay matrices; spare biases, norms, embeddings and the mask vector (as the release)."""
    decay, plain = [], []
    for name, p in model.named_parameters():
        spare = p.dim() < 2 or "embedding" in name or "norm" in name
        (plain if spare else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": plain, "weight_decay": 0.0}]


def _names(graphs) -> list[str]:
    names = []
    for k in range(len(graphs)):
        name = getattr(graphs[k], "name", None)
        names.append(f"graph {k}" + (f" ({name})" if isinstance(name, str) else ""))
    return names


def _check_tokens(config: PretrainConfig, graphs) -> None:
    want = (1, config.text_tokens, config.text_dim)
    for name, graph in zip(_names(graphs), graphs):
        tokens = getattr(graph, TEXT_TOKENS, None)
        if tokens is None or tuple(tokens.shape) != want:
            got = "none" if tokens is None else list(tokens.shape)
            raise CircuitlabError(f"{name}: method {config.method} needs {TEXT_TOKENS} of shape "
                                  f"{list(want)} (M = text_tokens, D = text_dim), got {got}")

