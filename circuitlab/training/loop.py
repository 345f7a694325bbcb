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

A run survives being stopped: Ctrl-C (SIGINT) or SIGTERM during a step lets
the step finish, saves a checkpoint of it (``on_checkpoint``) and then raises
:class:`KeyboardInterrupt`, so resuming loses no step. A second Ctrl-C
interrupts at once. Signals can only be caught in the main thread; elsewhere,
and with ``graceful=False``, they act as they would without the loop.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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
              stop_at: int | None = None, progress: bool = True, desc: str = "train",
              graceful: bool = True) -> int:
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
        graceful: SIGINT and SIGTERM stop the run between steps with a checkpoint
            (the module's note); off where the processes of one run must stop at one
            step together (several ranks).

    Raises:
        KeyboardInterrupt: a stop was asked for; the step reached is checkpointed.
    """
    last = steps if stop_at is None else min(stop_at, steps)
    bar = progress_bar(progress, start, steps, desc)
    generator = torch.Generator()
    step = start
    try:
        with _stop_requests(graceful) as stop:
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
                saved = step % every.ckpt == 0 or step == steps
                if saved:
                    on_checkpoint(step)
                if stop:
                    if not saved:
                        on_checkpoint(step)
                    bar.close()
                    print(f"{desc}: stopped after step {step}; its checkpoint is saved",
                          file=sys.stderr, flush=True)
                    raise KeyboardInterrupt
    finally:
        bar.close()
    return step


@contextmanager
def _stop_requests(enabled: bool) -> Iterator[list[int]]:
    """A list that SIGINT and SIGTERM append to while the block runs (main thread only).

    A SIGINT after the first request raises :class:`KeyboardInterrupt` where the
    program is. An ignored signal stays ignored; the previous handlers come back
    when the block ends.
    """
    requested: list[int] = []
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield requested
        return

    def on_signal(number, _frame):
        if requested and number == signal.SIGINT:
            raise KeyboardInterrupt
        requested.append(number)

    # a signal the process was started with ignored (a background job's SIGINT) stays ignored
    previous = {number: signal.signal(number, on_signal)
                for number in (signal.SIGINT, signal.SIGTERM)
                if signal.getsignal(number) is not signal.SIG_IGN}
    try:
        yield requested
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


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
