"""ABC as a recipe engine: scripts of optimisation commands on binary AIGER.

One ABC process (:mod:`circuitlab.io.abc_process`: the binary, the private
folder, the time limit) reads each circuit, runs the commands and writes
the result; with ``keep_steps`` it writes the circuit after every command
too, so a recipe's intermediate circuits cost one process, not one per
step. ABC starts without ``abc.rc``, so aliases such as ``resyn2`` must be
spelled out (:mod:`circuitlab.synth.vocabulary`). ABC exits with status 0
even when a command fails, but it stops at the first failing command, so a
missing output file is how a failure shows; the
:class:`~circuitlab.errors.ToolError` then carries ABC's own lines.

Some ABC commands call the standard aliases internally (``&deepsyn`` runs
``compress2rs``); ``aliases=True`` writes the alias lines of ABC's
``abc.rc`` (:func:`~circuitlab.synth.vocabulary.abc_rc`) into the private
folder and sources them first, still without reading any other ``abc.rc``.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Sequence

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError, ToolError
from circuitlab.io.abc_process import (ENV_VAR, abc_available, abc_cec, check_timeout, find_abc,
                                       quote_output, run_abc_process)
from circuitlab.io.aiger import dump_aiger, parse_aiger
from circuitlab.synth.vocabulary import ABC_RC, abc_rc

__all__ = ["ABC_RC", "DEFAULT_TIMEOUT", "ENV_VAR", "abc_available", "abc_cec",
           "check_commands", "find_abc", "run_abc", "run_abc_batch", "run_abc_script",
           "run_abc_trace"]

DEFAULT_TIMEOUT = 600.0
# Commands that would break the read -> commands -> write contract of a block.
_FORBIDDEN = re.compile(r"^(?:&?r(?:ead\w*)?|&?w(?:rite\w*)?|source|so|cd|quit|q|exit|alias|"
                        r"unalias|set|unset|history|undo|recall|empty|help|!.*)$")


def run_abc(aigs: Sequence[Aig], commands: Sequence[str], timeout: float = DEFAULT_TIMEOUT, *,
            aliases: bool = False, keep_steps: bool = False) -> list[list[Aig]]:
    """Run the same ABC commands on each circuit, all in one ABC process.

    Input and output names and the comments of each circuit are restored on
    its results when the interface (input and output counts) is unchanged,
    as it is for the optimisation commands; otherwise they are defaults.

    Args:
        aigs: combinational circuits (cut latches first with ``cut_latches()``).
        commands: ABC commands, one per item, e.g. ``["balance", "rewrite -z"]``;
            reading, writing and shell commands are refused.
        timeout: seconds for the whole call before ABC is killed.
        aliases: define ABC's standard aliases first, for commands that use
            them, e.g. ``["&get -n", "&deepsyn -T 1", "&put"]``.
        keep_steps: keep the circuit after every command, not only the last.

    Returns:
        Per circuit, in input order: ``[result]``, or with ``keep_steps`` the
        ``len(commands)`` circuits after each command.

    Raises:
        ToolNotFoundError: ABC is not installed.
        ToolError: ABC failed; the message names the circuit (and step) and
            quotes ABC's output.
        ToolTimeoutError: ABC ran past ``timeout`` and was killed.
        CircuitlabError: a refused command or a sequential circuit.
    """
    commands = check_commands(commands)
    aigs = list(aigs)
    for k, aig in enumerate(aigs):
        if not aig.is_combinational:
            raise CircuitlabError(f"ABC scripts take combinational circuits; circuit {k} has "
                                  f"{aig.num_latches} latches (use cut_latches())")
    check_timeout(timeout)
    if not aigs:
        return []
    exe = find_abc()
    recipe = "; ".join(commands)
    with tempfile.TemporaryDirectory(prefix="circuitlab-abc-") as tmp:
        work = Path(tmp)
        lines = []
        if aliases:
            (work / "abc.rc").write_text(abc_rc())
            lines.append("source abc.rc")
        for k, aig in enumerate(aigs):
            (work / f"in{k}.aig").write_bytes(dump_aiger(aig, symbols=False, comments=False))
            lines.append(f"read_aiger in{k}.aig")
            if keep_steps:
                for j, command in enumerate(commands, 1):
                    lines += [command, f"write_aiger out{k}_{j}.aig"]
            else:
                lines += [*commands, f"write_aiger out{k}.aig"]
        (work / "script.abc").write_text("\n".join(lines) + "\n")
        what = (f"the recipe '{recipe}'" if keep_steps and len(aigs) == 1
                else f"{len(aigs)} circuit(s) through '{recipe}'")
        output = run_abc_process(exe, ["-f", "script.abc"], work, timeout, what=what)
        results = []
        for k, aig in enumerate(aigs):
            where = f"circuit {k} of {len(aigs)}" if len(aigs) > 1 else "the circuit"
            if not keep_steps:
                out = work / f"out{k}.aig"
                if not out.exists():
                    raise ToolError(f"ABC failed on {where} running '{recipe}':\n"
                                    f"{quote_output(output)}")
                results.append([_restore_interface(
                    parse_aiger(out.read_bytes(), f"ABC output {k}"), aig)])
                continue
            trace = []
            for j, command in enumerate(commands, 1):
                out = work / f"out{k}_{j}.aig"
                if not out.exists():
                    raise ToolError(f"ABC failed at step {j} ({command}) on {where}:\n"
                                    f"{quote_output(output)}")
                trace.append(_restore_interface(
                    parse_aiger(out.read_bytes(), f"ABC output of step {j}"), aig))
            results.append(trace)
    return results


def run_abc_script(aig: Aig, commands: Sequence[str], timeout: float = DEFAULT_TIMEOUT, *,
                   aliases: bool = False) -> Aig:
    """:func:`run_abc` on one circuit: the result after ``commands``."""
    return run_abc([aig], commands, timeout, aliases=aliases)[0][0]


def run_abc_batch(aigs: Sequence[Aig], commands: Sequence[str],
                  timeout: float = DEFAULT_TIMEOUT, *, aliases: bool = False) -> list[Aig]:
    """:func:`run_abc` on many circuits in one process (starting ABC costs more than
    optimising a small circuit): one result each, in input order; ``timeout``
    bounds the whole batch."""
    return [trace[-1] for trace in run_abc(aigs, commands, timeout, aliases=aliases)]


def run_abc_trace(aig: Aig, commands: Sequence[str],
                  timeout: float = DEFAULT_TIMEOUT) -> list[Aig]:
    """:func:`run_abc` on one circuit keeping every step: item ``k`` is the circuit
    after command ``k + 1``."""
    return run_abc([aig], commands, timeout, keep_steps=True)[0]


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
