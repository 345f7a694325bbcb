"""Calling aigverse (mockturtle) without overflowing the stack, and with a deadline.

mockturtle's topological views and several algorithms recurse once per
logic level. On the 8 MiB stack of Python's main thread a 150,000-level AND
chain kills the process with SIGSEGV (measured: 125,000 levels pass,
150,000 crash). :func:`call_deep` therefore runs aigverse code on a thread
with a 1 GiB stack (address space, touched only as deep as the recursion
goes), where balancing and refactoring of a 3,000,000-level chain pass;
:func:`check_depth` refuses circuits deeper than :data:`MAX_DEPTH`, a third
of that. :func:`call_with_deadline` runs a call in a forked child that is
killed at a deadline (in-process C++ code cannot be interrupted), and
reports a crash by its signal instead of taking the caller down.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import select
import signal
import threading
import time
from typing import Any, Callable

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError, ToolError, describe
from circuitlab.aig.ops import depth

__all__ = ["MAX_DEPTH", "STACK_BYTES", "call_deep", "call_with_deadline", "check_depth"]

STACK_BYTES = 1 << 30
MAX_DEPTH = 1_000_000


def check_depth(aig: Aig, what: str) -> None:
    """Refuse a circuit too deep for mockturtle's recursion.

    Raises:
        CircuitlabError: naming ``what`` (e.g. "the aigverse engine of cec"),
            the depth, the limit and the default engine to use instead.
    """
    levels = depth(aig)
    if levels > MAX_DEPTH:
        raise CircuitlabError(f"{what} cannot take a circuit {levels} levels deep (mockturtle "
                              f"recurses once per level; limit {MAX_DEPTH}): use the default "
                              "engine")


def call_deep(fn: Callable[..., Any], *args) -> Any:
    """``fn(*args)`` on a thread with a :data:`STACK_BYTES` stack; its result or exception."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    old = threading.stack_size(STACK_BYTES)
    try:
        worker = threading.Thread(target=target, name="aigverse", daemon=True)
        worker.start()
    finally:
        threading.stack_size(old)
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def call_with_deadline(fn: Callable[..., Any], *args, timeout: float, what: str) -> tuple[bool, Any]:
    """``(True, fn(*args))`` computed in a forked child (through :func:`call_deep`),
    or ``(False, None)`` when ``timeout`` seconds pass first (the child is killed).
    The result must pickle. Without ``os.fork`` the call runs here, unbounded.

    Raises:
        ToolError: the child crashed (naming ``what`` and the signal) or ``fn`` raised.
    """
    if not hasattr(os, "fork"):
        return True, call_deep(fn, *args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: compute, send, leave without running the parent's cleanup
        os.close(read_end)
        faulthandler.disable()  # a crash is reported by the parent, once
        try:
            try:
                payload = pickle.dumps((True, call_deep(fn, *args)))
            except BaseException as exc:
                payload = pickle.dumps((False, describe(exc)))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return False, None
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise ToolError(f"{what} crashed with {signal.Signals(os.WTERMSIG(status)).name}")
    if not chunks:
        raise ToolError(f"{what} ended without an answer (exit status {status})")
    ok, value = pickle.loads(b"".join(chunks))
    if not ok:
        raise ToolError(f"{what} failed: {value}")
    return True, value
