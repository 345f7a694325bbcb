"""The ABC wrapper: finding the binary, running scripts on binary AIGER, CEC.

ABC (https://github.com/berkeley-abc/abc) runs as a subprocess in a private
temporary folder that is removed afterwards, whatever happens; it starts
with ``-s`` so that no ``abc.rc`` changes its behaviour (aliases such as
``resyn2`` must be spelled out: see :mod:`circuitlab.synth.recipes`). ABC
exits with status 0 even when a command fails, but it stops at the first
failing command, so a missing output file is how a failure shows; the
:class:`~circuitlab.errors.ToolError` then carries ABC's own lines.

Some ABC commands call the standard aliases internally (``&deepsyn`` runs
``compress2rs``); ``aliases=True`` on :func:`run_abc_batch` writes the
standard alias lines of ABC's ``abc.rc`` (:data:`ABC_RC`) into the private
folder and sources them first, still without reading any other ``abc.rc``.

The binary is ``$CIRCUITLAB_ABC`` when set, else ``berkeley-abc`` (the
Debian package) or ``abc`` on ``PATH``, accepted only if it answers as ABC.
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
from typing import Sequence

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError, ToolError, ToolNotFoundError, ToolTimeoutError
from circuitlab.subproc import kill_group
from circuitlab.io.aiger import dump_aiger, parse_aiger

__all__ = ["ABC_RC", "ENV_VAR", "abc_available", "abc_cec", "find_abc", "run_abc_batch",
           "run_abc_script", "run_abc_trace"]

ENV_VAR = "CIRCUITLAB_ABC"
DEFAULT_TIMEOUT = 600.0
_CANDIDATES = ("berkeley-abc", "abc")
# Commands that would break the read -> commands -> write contract of a block.
_FORBIDDEN = re.compile(r"^(?:&?r(?:ead\w*)?|&?w(?:rite\w*)?|source|so|cd|quit|q|exit|alias|"
                        r"unalias|set|unset|history|undo|recall|empty|help|!.*)$")
_MAX_LINES = 30  # ABC output lines quoted in an error

# The alias section of ABC's standard abc.rc (berkeley-abc/abc @ abc.rc): the
# short command names and the optimisation scripts built from them. Reading,
# writing and quitting aliases are left out, and so are resyn2 and
# compress2rs: :func:`_alias_file` adds them from recipes.SCRIPTS.
ABC_RC = """\
alias b balance
alias rw rewrite
alias rwz rewrite -z
alias rf refactor
alias rfz refactor -z
alias re restructure
alias rez restructure -z
alias rs resub
alias rsz resub -z
alias ren renode
alias st strash
alias sw sweep
alias cl cleanup
alias f fraig
alias fs fraig_sweep
alias share       "b; ren -s; fx; b"
alias resyn       "b; rw; rwz; b; rwz; b"
alias resyn2a     "b; rw; b; rw; rwz; b; rwz; b"
alias resyn3      "b; rs; rs -K 6; b; rsz; rsz -K 6; b; rsz -K 5; b"
alias compress    "b -l; rw -l; rwz -l; b -l; rwz -l; b -l"
alias compress2   "b -l; rw -l; rf -l; b -l; rw -l; rwz -l; b -l; rfz -l; rwz -l; b -l"
alias resyn2rs    "b; rs -K 6; rw; rs -K 6 -N 2; rf; rs -K 8; b; rs -K 8 -N 2; rw; rs -K 10; \
rwz; rs -K 10 -N 2; b; rs -K 12; rfz; rs -K 12 -N 2; rwz; b"
"""


def _alias_file() -> str:
    """:data:`ABC_RC` with the scripts of :data:`circuitlab.synth.recipes.SCRIPTS`."""
    from circuitlab.synth.recipes import SCRIPTS  # recipes imports this module
    return ABC_RC + "".join(f'alias {name} "{steps}"\n' for name, steps in SCRIPTS.items())


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


# --- scripts -----------------------------------------------------------------
def run_abc_script(aig: Aig, commands: Sequence[str], timeout: float = DEFAULT_TIMEOUT, *,
                   aliases: bool = False) -> Aig:
    """Run ABC commands on a combinational circuit.

    ABC executes ``read_aiger in.aig; <commands>; write_aiger out.aig``.
    Input and output names and the comments of ``aig`` are restored on the
    result when its interface (input and output counts) is unchanged, as it
    is for the optimisation commands; otherwise they are defaults.

    Args:
        aig: a combinational circuit (cut latches first with ``cut_latches()``).
        commands: ABC commands, one per item, e.g. ``["balance", "rewrite -z"]``;
            reading, writing and shell commands are refused.
        timeout: seconds before ABC is killed.
        aliases: define ABC's standard aliases (:data:`ABC_RC`) first, for
            commands that use them, e.g. ``["&get -n", "&deepsyn -T 1", "&put"]``
            (``&deepsyn`` calls ``compress2rs``).

    Raises:
        ToolNotFoundError: ABC is not installed.
        ToolError: ABC failed; the message quotes ABC's output.
        ToolTimeoutError: ABC ran past ``timeout`` and was killed.
        CircuitlabError: a refused command or a sequential ``aig``.
    """
    return run_abc_batch([aig], commands, timeout, aliases=aliases)[0]


def run_abc_batch(aigs: Sequence[Aig], commands: Sequence[str],
                  timeout: float = DEFAULT_TIMEOUT, *, aliases: bool = False) -> list[Aig]:
    """Run the same ABC commands on many circuits in one ABC process.

    One process reads, optimises and writes each circuit in turn (starting
    ABC costs more than optimising a small circuit). ``timeout`` bounds the
    whole batch. Results come in input order, as :func:`run_abc_script`
    (``aliases`` as there).

    Raises:
        ToolError: naming the first circuit ABC failed on, with ABC's output.
        ToolTimeoutError, ToolNotFoundError, CircuitlabError: as :func:`run_abc_script`.
    """
    commands = check_commands(commands)
    aigs = list(aigs)
    for k, aig in enumerate(aigs):
        if not aig.is_combinational:
            raise CircuitlabError(f"ABC scripts take combinational circuits; circuit {k} has "
                                  f"{aig.num_latches} latches (use cut_latches())")
    _check_timeout(timeout)
    if not aigs:
        return []
    exe = find_abc()
    with tempfile.TemporaryDirectory(prefix="circuitlab-abc-") as tmp:
        work = Path(tmp)
        lines = []
        if aliases:
            (work / "abc.rc").write_text(_alias_file())
            lines.append("source abc.rc")
        for k, aig in enumerate(aigs):
            (work / f"in{k}.aig").write_bytes(dump_aiger(aig, symbols=False, comments=False))
            lines += [f"read_aiger in{k}.aig", *commands, f"write_aiger out{k}.aig"]
        (work / "script.abc").write_text("\n".join(lines) + "\n")
        output = _run(exe, ["-f", "script.abc"], work, timeout,
                      what=f"{len(aigs)} circuit(s) through '{'; '.join(commands)}'")
        results = []
        for k, aig in enumerate(aigs):
            out = work / f"out{k}.aig"
            if not out.exists():
                where = f"circuit {k} of {len(aigs)}" if len(aigs) > 1 else "the circuit"
                raise ToolError(f"ABC failed on {where} running '{'; '.join(commands)}':\n"
                                f"{_quote(output)}")
            results.append(_restore_interface(parse_aiger(out.read_bytes(), f"ABC output {k}"),
                                              aig))
    return results


def run_abc_trace(aig: Aig, commands: Sequence[str],
                  timeout: float = DEFAULT_TIMEOUT) -> list[Aig]:
    """The circuit after each of ``commands``, from one ABC process.

    ABC executes ``read_aiger in.aig; c1; write_aiger 1.aig; c2; ...``, so
    a recipe's intermediate circuits cost one process, not one per step.
    Names are restored as by :func:`run_abc_script`.

    Returns:
        ``len(commands)`` circuits; item ``k`` is the circuit after command ``k + 1``.

    Raises:
        ToolError: naming the first command after which ABC wrote nothing.
        ToolTimeoutError, ToolNotFoundError, CircuitlabError: as :func:`run_abc_script`.
    """
    commands = check_commands(commands)
    if not aig.is_combinational:
        raise CircuitlabError(f"ABC scripts take combinational circuits; this one has "
                              f"{aig.num_latches} latches")
    _check_timeout(timeout)
    exe = find_abc()
    with tempfile.TemporaryDirectory(prefix="circuitlab-abc-") as tmp:
        work = Path(tmp)
        (work / "in.aig").write_bytes(dump_aiger(aig, symbols=False, comments=False))
        lines = ["read_aiger in.aig"]
        for k, command in enumerate(commands, 1):
            lines += [command, f"write_aiger {k}.aig"]
        (work / "script.abc").write_text("\n".join(lines) + "\n")
        output = _run(exe, ["-f", "script.abc"], work, timeout,
                      what=f"the recipe '{'; '.join(commands)}'")
        trace = []
        for k, command in enumerate(commands, 1):
            out = work / f"{k}.aig"
            if not out.exists():
                raise ToolError(f"ABC failed at step {k} ({command}):\n{_quote(output)}")
            trace.append(_restore_interface(parse_aiger(out.read_bytes(),
                                                        f"ABC output of step {k}"), aig))
    return trace


def check_commands(commands: Sequence[str]) -> list[str]:
    """Validated ABC commands, stripped.

    Raises:
        CircuitlabError: an empty command, one holding ``;``, a newline or
            ``#``, or one that reads, writes, sources or escapes to the shell.
    """
    if isinstance(commands, str):
        raise CircuitlabError("ABC commands must be a list of strings, one command each")
    checked = []
    for cmd in commands:
        if not isinstance(cmd, str) or not cmd.strip():
            raise CircuitlabError(f"empty or non-text ABC command {cmd!r}")
        cmd = cmd.strip()
        if any(c in cmd for c in ";\n\r#"):
            raise CircuitlabError(f"ABC command {cmd!r} must be one command (no ';', "
                                  "newline or '#')")
        if _FORBIDDEN.match(cmd.split()[0]):
            raise CircuitlabError(f"ABC command {cmd!r} is not allowed here: circuitlab "
                                  "does the reading and writing")
        checked.append(cmd)
    return checked


def _restore_interface(result: Aig, original: Aig) -> Aig:
    if (result.num_inputs, result.num_outputs) != (original.num_inputs, original.num_outputs):
        return result.with_names([f"i{k}" for k in range(result.num_inputs)],
                                 [f"o{k}" for k in range(result.num_outputs)])
    return Aig(result.num_inputs, result.ands, result.outputs,
               input_names=original.input_names, output_names=original.output_names,
               comments=original.comments, check=False)


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
    _check_timeout(timeout)
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
            output = _run(exe, ["-c", f"{cmd} a.aig b.aig"], work, timeout, what="cec")
        except ToolTimeoutError:
            return None
    if _DIFFERENT.search(output):
        return False
    if _UNDECIDED.search(output):
        return None
    if _EQUIVALENT.search(output):
        return True
    raise ToolError(f"ABC cec gave no verdict:\n{_quote(output)}")


# --- process -------------------------------------------------------------------
def _check_timeout(timeout: float) -> None:
    if not (isinstance(timeout, (int, float)) and timeout > 0 and math.isfinite(timeout)):
        raise CircuitlabError(f"timeout must be a positive number of seconds, got {timeout!r}")


def _run(exe: str, args: list[str], work: Path, timeout: float, what: str) -> str:
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
                        f"{_quote(output)}")
    return output


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _quote(output: str) -> str:
    """ABC's output without the command-line echo and colour codes, last lines only."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", ln).rstrip() for ln in output.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("ABC command line:")]
    if len(lines) > _MAX_LINES:
        lines = ["..."] + lines[-_MAX_LINES:]
    return "\n".join("  " + ln for ln in lines) or "  (ABC printed nothing)"
