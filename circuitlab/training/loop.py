"""The loop's skeleton: steps, the schedule, per-step seeds, logging and checkpoints.

A trainer supplies what one step does (its batch, forward pass and loss)
and what logging and saving mean for its model; :func:`run_steps` does the
rest the same way for every model::

    step = run_steps(start, steps, optimizer, lr=lambda s: peak * warmup_cosine(...),
                     seed_keys=(seed,), train_step=one_step, every=Every(log=10, ckpt=500),
                     on_log=log_row, on_checkpoint=save)

Each step: the learning rate of the step is set on every parameter group,
torch's global generator and a generator handed to the step are seeded by
:func:`~circuitlab.training.seeding.step_seed` ``(*seed_keys, step)`` (so a
resumed run repeats an uninterrupted one exactly), the step runs, and
after it, every ``every.log`` steps and at the last step, ``on_log``;
every ``every.ckpt`` steps and at the last step, ``on_checkpoint``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
from torch import Tensor
from tqdm import tqdm

from circuitlab.training.seeding import seed_step, step_seed

__all__ = ["Every", "optimizer_step", "progress_bar", "run_steps"]


@dataclass(frozen=True)
class Every:
    """Steps between metric rows (``log``) and between checkpoints (``ckpt``)."""

    log: int
    ckpt: int


def run_steps(start: int, steps: int, optimizer: torch.optim.Optimizer,
              lr: Callable[[int], float], seed_keys: tuple[int, ...],
              train_step: Callable[[int, torch.Generator], dict | None], every: Every,
              on_log: Callable[[int], dict | None], on_checkpoint: Callable[[int], None],
              stop_at: int | None = None, progress: bool = True, desc: str = "train") -> int:
    """Run steps ``start .. steps - 1`` (or up to ``stop_at``) and return the step reached.

    Args:
        start: the first step (the step a checkpoint was saved at, or 0).
        steps: the run's length; the schedule and the last log and checkpoint refer to it.
        lr: the learning rate of a step (counted from 0).
        seed_keys: what the step seed is folded from before the step: ``(seed,)``
            or ``(seed, rank)``.
        train_step: ``(step, generator) -> postfix``: one optimiser step;
            ``postfix`` (or ``None``) is shown on the progress bar.
        on_log: ``(steps done) -> postfix``: write a metrics row.
        on_checkpoint: ``(steps done)``: save a checkpoint.
        stop_at: stop after this step as if killed (tests of resuming).
        progress: show a tqdm bar (on standard error).
    """
    last = steps if stop_at is None else min(stop_at, steps)
    bar = progress_bar(progress, start, steps, desc)
    generator = torch.Generator()
    step = start
    try:
        while step < last:
            for group in optimizer.param_groups:
                group["lr"] = lr(step)
            seed_step(step_seed(*seed_keys, step), generator)
            postfix = train_step(step, generator)
            step += 1
            bar.update(1)
            if step % every.log == 0 or step == steps:
                postfix = on_log(step) or postfix
            if postfix:
                bar.set_postfix(postfix)
            if step % every.ckpt == 0 or step == steps:
                on_checkpoint(step)
    finally:
        bar.close()
    return step


def optimizer_step(optimizer: torch.optim.Optimizer, loss: Tensor, parameters: Iterable[Tensor],
                   grad_clip: float) -> None:
    """Back-propagate ``loss``, clip the gradient norm to ``grad_clip`` (0: no clipping), step."""
    loss.backward()
    if grad_clip > 0:
        torch.nn.utils.clip_grad_norm_(parameters, grad_clip)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def progress_bar(enabled: bool, start: int, total: int, desc: str):
    """A tqdm bar of steps (disabled: a bar that prints nothing)."""
    return tqdm(total=total, initial=start, disable=not enabled, desc=desc, unit="step",
                dynamic_ncols=True)
