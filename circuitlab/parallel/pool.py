"""One process pool for every parallel map, torn down at once on Ctrl-C or an error.

:func:`pmap` yields each call's result as it finishes. Its workers ignore
SIGINT (a Ctrl-C at the terminal reaches the whole process group): the
parent alone turns it into :class:`KeyboardInterrupt`, and on that or any
other exception leaving the map (a failing call, a consumer that stops
early) it cancels the calls not yet started and terminates the workers
instead of waiting for the running ones, so the command exits within a
second or two and no worker goes on writing.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from circuitlab.errors import require_at_least

__all__ = ["ignore_sigint", "pmap", "terminate"]

_JOIN_SECONDS = 2.0
"""How long a terminated worker is waited for before it is killed."""


def ignore_sigint() -> None:
    """Pool-worker initializer: SIGINT is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel ``pool``'s pending calls and end its workers now, running calls included."""
    # the executor has no public way to stop a running call: its processes are ended here
    processes = list((getattr(pool, "_processes", None) or {}).values())
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        # nothing will read what is left for the ended workers: neither the executor's
        # manager thread nor the interpreter's exit may wait to flush it into their pipe
        call_queue.cancel_join_thread()
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(_JOIN_SECONDS)
        if proc.is_alive():
            proc.kill()
            proc.join()


def pmap(func: Callable, args: Sequence[tuple] | Iterable[tuple], jobs: int = 2, *,
         spawn: bool = False) -> Iterator[tuple[int, object]]:
    """``(k, func(*args[k]))`` for every ``k``, as each call finishes.

    Args:
        func: a picklable module-level function (when ``jobs > 1``).
        args: the argument tuples.
        jobs: worker processes; 1 (or a single call) runs here, in order.
        spawn: start workers with ``spawn`` instead of the platform's default
            (safe beside threads that torch or aigverse started).

    Raises:
        Whatever a call raised (the first to finish with an error), after
        the pool was torn down; :class:`KeyboardInterrupt` likewise.
    """
    require_at_least(jobs, 1, "jobs")
    if jobs == 1:  # lazily: one call's arguments in memory at a time
        for k, a in enumerate(args):
            yield k, func(*a)
        return
    args = list(args)
    if len(args) <= 1:
        for k, a in enumerate(args):
            yield k, func(*a)
        return
    context = multiprocessing.get_context("spawn") if spawn else None
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(args)), mp_context=context,
                               initializer=ignore_sigint)
    try:
        pending = {pool.submit(func, *a): k for k, a in enumerate(args)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                k = pending.pop(future)
                yield k, future.result()
    except BaseException:
        terminate(pool)
        raise
    pool.shutdown(wait=True)
