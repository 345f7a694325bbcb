"""How many threads torch runs on, and a context manager that sets and restores it.

The rule, for every command that uses torch: ``CIRCUITLAB_THREADS`` when
set, else ``OMP_NUM_THREADS`` when set, else one thread per two CPUs this
process may run on, shared out between the processes working at once, and
never fewer than one. Half the CPUs: on a machine with two hardware threads
per core those are its physical cores (torch's own default there);
elsewhere the other half is left to the Python side of the loop and to other
work. Two torch threads on two busy CPUs wait on each other in OpenMP
barriers: pre-training then runs several times slower than on one.

Neither importing this module nor opening :func:`torch_threads` imports
torch: a command opens the block before it checks its inputs, and loads
torch only if it gets that far (a command that fails on a missing file
stays fast).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator

from circuitlab.errors import CircuitlabError

__all__ = ["OMP_ENV", "THREADS_ENV", "thread_count", "torch_threads", "uses_torch"]

THREADS_ENV = "CIRCUITLAB_THREADS"
OMP_ENV = "OMP_NUM_THREADS"

_depth = 0  # torch_threads contexts open in this process


def thread_count(processes: int = 1) -> int:
    """Torch threads for each of ``processes`` processes sharing this machine's CPUs.

    Raises:
        CircuitlabError: ``CIRCUITLAB_THREADS`` (or ``OMP_NUM_THREADS``) is set but
            not a whole number >= 1.
    """
    for name in (THREADS_ENV, OMP_ENV):
        value = os.environ.get(name, "").strip()
        if value:
            if not value.isdigit() or int(value) < 1:
                raise CircuitlabError(f"{name}={value}: must be a whole number >= 1")
            return int(value)
    return max(1, _cpus() // (2 * max(1, processes)))


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextlib.contextmanager
def torch_threads(count: int | None = None, processes: int = 1) -> Iterator[int]:
    """Run the block with ``count`` torch threads, then restore the previous count.

    ``count`` ``None`` applies :func:`thread_count` ``(processes)``, unless an
    enclosing ``torch_threads`` block has already chosen: the count is set
    once, where the work starts, and library code under it keeps that choice.

    Where torch is not loaded yet, the count waits in ``OMP_NUM_THREADS``,
    which torch reads as it loads; the variable is restored on leaving the
    block (torch, if the block loaded it, keeps the count: it had none before).

    Yields:
        the thread count in force inside the block.
    """
    global _depth
    if count is None:
        count = _current() if _depth else thread_count(processes)
    if count < 1:
        raise CircuitlabError(f"torch threads must be >= 1, got {count}")
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    env_before = os.environ.get(OMP_ENV)
    if torch is not None:
        torch.set_num_threads(count)
    else:
        os.environ[OMP_ENV] = str(count)
    _depth += 1
    try:
        yield count
    finally:
        _depth -= 1
        if before is not None:
            torch.set_num_threads(before)
        elif env_before is None:
            os.environ.pop(OMP_ENV, None)
        else:
            os.environ[OMP_ENV] = env_before


def _current() -> int:
    torch = sys.modules.get("torch")
    return torch.get_num_threads() if torch is not None else int(os.environ[OMP_ENV])


def uses_torch(func: Callable) -> Callable:
    """Run ``func`` (a command's ``run(args)``, a stage of the main job) under
    :func:`torch_threads` ``()``: the machine's count, or the enclosing block's."""
    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        with torch_threads():
            return func(*args, **kwargs)
    return wrapped
