"""The ABC process: finding the binary, running it in a private folder, and CEC.

ABC (https://github.com/berkeley-abc/abc) runs as a subprocess in a private
temporary folder that is removed afterwards, whatever happens; it starts
with ``-s`` so that no ``abc.rc`` changes its behaviour. The process is
killed with its whole group at the time limit; a crash is reported with its
signal and ABC's last lines. The binary is ``$CIRCUITLAB_ABC`` when set,
else ``berkeley-abc`` (the Debian package) or ``abc`` on ``PATH``, accepted
only if it answers as ABC.

This is the layer both the equivalence checker (:func:`abc_cec`) and the
recipe runner (:mod:`circuitlab.synth.abc`, which runs scripts) stand on.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError, ToolError, ToolNotFoundError, ToolTimeoutError
from circuitlab.io.aiger import dump_aiger
from circuitlab.subproc import kill_group

__all__ = ["ENV_VAR", "abc_available", "abc_cec", "check_timeout", "find_abc",
           "quote_output", "run_abc_process"]

ENV_VAR = "CIRCUITLAB_ABC"
_CANDIDATES = ("berkeley-abc", "abc")
_MAX_LINES = 30  # ABC output lines quoted in an error


def find_abc() -> str:
    """The path of the ABC executable.

    Raises:
        ToolNotFoundError: ``$CIRCUITLAB_ABC`` names no ABC, or none is on ``PATH``.
    """
    return _find_abc(os.environ.get(ENV_VAR) or "", os.environ.get("PATH", ""))


def abc_available() -> bool:
    """Whether :func:`find_abc` finds ABC."""
    try:
        find_abc()
    except ToolNotFoundError:
        return False
    return True


@lru_cache(maxsize=8)
def _find_abc(choice: str, path_var: str) -> str:
    if choice:
        found = shutil.which(choice)
        if found is None or not _is_abc(found):
            raise ToolNotFoundError(f"${ENV_VAR}={choice!r} is not an ABC executable")
        return found
    for name in _CANDIDATES:
        found = shutil.which(name, path=path_var)
        if found is not None and _is_abc(found):
            return found
    raise ToolNotFoundError("ABC is not installed: install berkeley-abc (apt install "
                            f"berkeley-abc), put 'abc' on PATH, or set ${ENV_VAR}; "
                            "or use the aigverse engine")


def _is_abc(exe: str) -> bool:
    try:
        proc = subprocess.run([exe, "-s", "-c", "version"], capture_output=True, timeout=20,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return b"ABC" in proc.stdout + proc.stderr


# --- equivalence ---------------------------------------------------------------
_EQUIVALENT = re.compile(r"networks are equivalent", re.IGNORECASE)
_DIFFERENT = re.compile(r"networks are not equivalent", re.IGNORECASE)
_UNDECIDED = re.compile(r"networks are undecided", re.IGNORECASE)


def abc_cec(a: Aig, b: Aig, timeout: float = 60.0,
            conflict_limit: int | None = None) -> bool | None:
    """Combinational equivalence of ``a`` and ``b`` with ABC's ``cec -n``.

    Inputs and outputs are matched by position. Latches are cut first, so
    latch outputs and next-state functions are matched by position too.

    Args:
        timeout: seconds; passed to ABC (``-T``) and enforced by killing its
            process group at the deadline.
        conflict_limit: ABC's SAT conflict limit (``-C``; ABC's default 10000).

    Returns:
        ``True`` when equivalent, ``False`` when not, ``None`` when ABC
        reports "undecided" or runs out of time.

    Raises:
        CircuitlabError: the interfaces differ in size.
        ToolNotFoundError, ToolError: ABC missing, or an answer it did not give.
    """
    a, b = a.cut_latches(), b.cut_latches()
    if (a.num_inputs, a.num_outputs) != (b.num_inputs, b.num_outputs):
        raise CircuitlabError(f"cec needs equal interfaces: {a.num_inputs}/{a.num_outputs} vs "
                              f"{b.num_inputs}/{b.num_outputs} inputs/outputs")
    check_timeout(timeout)
    exe = find_abc()
    cmd = f"cec -n -T {max(1, math.floor(timeout))}"
    if conflict_limit is not None:
        if int(conflict_limit) < 0:
            raise CircuitlabError("conflict_limit must be non-negative")
        cmd += f" -C {int(conflict_limit)}"
    with tempfile.TemporaryDirectory(prefix="circuitlab-abc-") as tmp:
        work = Path(tmp)
        (work / "a.aig").write_bytes(dump_aiger(a, symbols=False, comments=False))
        (work / "b.aig").write_bytes(dump_aiger(b, symbols=False, comments=False))
        try:  # ABC's own limit is approximate: it is killed at the deadline
            output = run_abc_process(exe, ["-c", f"{cmd} a.aig b.aig"], work, timeout,
                                     what="cec")
        except ToolTimeoutError:
            return None
    if _DIFFERENT.search(output):
        return False
    if _UNDECIDED.search(output):
        return None
    if _EQUIVALENT.search(output):
        return True
    raise ToolError(f"ABC cec gave no verdict:\n{quote_output(output)}")


# --- process -------------------------------------------------------------------
def check_timeout(timeout: float) -> None:
    """A :class:`CircuitlabError` unless ``timeout`` is a positive, finite number of seconds."""
    if not (isinstance(timeout, (int, float)) and timeout > 0 and math.isfinite(timeout)):
        raise CircuitlabError(f"timeout must be a positive number of seconds, got {timeout!r}")


def run_abc_process(exe: str, args: list[str], work: Path, timeout: float, what: str) -> str:
    """Run ABC in ``work``; return its stdout and stderr text.

    Raises:
        ToolTimeoutError: past ``timeout`` seconds; ABC and its children are killed.
        ToolError: ABC was killed by a signal (a crash), naming the signal.
    """
    start = time.monotonic()
    with open(work / "console.txt", "wb") as console:
        proc = subprocess.Popen([exe, "-s", *args], cwd=work, stdin=subprocess.DEVNULL,
                                stdout=console, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            raise ToolTimeoutError(f"ABC did not finish {what} within {timeout:g} s "
                                   f"(killed after {time.monotonic() - start:.1f} s)") from None
        finally:
            if proc.poll() is None:
                kill_group(proc)
    output = (work / "console.txt").read_text(errors="replace")
    if proc.returncode < 0:
        raise ToolError(f"ABC crashed with {_signal_name(-proc.returncode)} ({what}):\n"
                        f"{quote_output(output)}")
    return output


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def quote_output(output: str) -> str:
    """ABC's output without the command-line echo and colour codes, last lines only."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", ln).rstrip() for ln in output.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("ABC command line:")]
    if len(lines) > _MAX_LINES:
        lines = ["..."] + lines[-_MAX_LINES:]
    return "\n".join("  " + ln for ln in lines) or "  (ABC printed nothing)"
