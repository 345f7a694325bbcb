"""The ``circuitlab`` command.

Each subcommand lives in its own module of this package, ``<name>_cmd``,
whose docstring's first paragraph describes it and which exposes
``configure(parser)``: it adds the subcommand's options and sets ``func``
to a callable ``(args) -> int`` (the exit status). Only the module of the
subcommand being run is imported, and modules import heavy packages
(torch) inside their functions, so a command that runs no model starts
fast.

A :class:`~circuitlab.errors.CircuitlabError` raised by a subcommand is
printed as one line on stderr and exits with status 2 (a
:class:`~circuitlab.errors.ParamError` names the option at fault); nothing
else is caught, so a bug still shows its traceback. Output cut short by a
closed pipe (``| head``) exits with status 141, silently.

Ctrl-C is handled here for every command: :class:`KeyboardInterrupt`
prints one line and exits with status 130. Worker pools
(:mod:`circuitlab.parallel`) ignore SIGINT in their workers and are torn
down by the parent as the exception leaves them. aigverse's C++ runs on a
thread of its own (:func:`~circuitlab.io.aigverse_call.call_deep`) that a
Python exception cannot stop mid-call; run as the command (``argv`` not
given), the process therefore leaves with :func:`os._exit` once the
exception has unwound every ``finally``, so that interpreter shutdown does
not tear such a thread down (``std::terminate``, exit 134) or report its
live C++ objects as leaks.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import warnings

from circuitlab import __version__
from circuitlab.cli.config_keys import CONFIG_KEYS, split_config_keys
from circuitlab.cli.options import option_message, plain
from circuitlab.errors import CircuitlabError, CircuitlabWarning, ParamError

# name -> one-line summary, in the order of `circuitlab --help`
COMMANDS = {
    "pipeline": "synthesise data/designs, optimise, prove equivalent",
    "synth": "synthesise Verilog into an AIGER file (Yosys)",
    "stats": "print inputs, latches, ANDs, outputs and depth of circuit files",
    "convert": "convert a circuit between .aig, .aag, .bench and .truth",
    "opt": "optimise a circuit with a synthesis recipe (ABC or aigverse)",
    "optimize": "shrink a circuit of any size, proven equivalent (the circuit transformer, "
                "SAT search and scripts; windows of a big circuit)",
    "cec": "check two circuits for combinational equivalence",
    "data": "list and fetch pinned benchmark suites",
    "dataset": "build PyG datasets of AIGs (Verilog, AIGER, recipe corpus)",
    "pretrain": "pre-train a graph encoder (MGM, VGA with the Verilog's LLM tokens) on a folder",
    "embed": "embed Verilog files with a frozen language model (tokens and a vector per file)",
    "encode": "embed circuits with the pre-trained graph encoder (one row per file)",
    "experiment": "run an experiment config (seeds x encoders x tasks) or report its results",
    "similar": "cosine similarity of circuits' graph embeddings, for every pair of files",
    "qor": "rank synthesis recipes for a design by predicted AND count (QoR head)",
}


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line: ``prog: error: message``."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def command_module(name: str):
    return importlib.import_module(f"circuitlab.cli.{name}_cmd")


def build_parser(commands=None) -> argparse.ArgumentParser:
    """The parser; only the subcommands in ``commands`` (default: all) get their options."""
    parser = Parser(
        prog="circuitlab",
        description="Verilog to AIG, logic-synthesis recipes, a circuit transformer, "
                    "simulation and equivalence checking.")
    parser.add_argument("--version", action="version", version=f"circuitlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name, summary in COMMANDS.items():
        if commands is not None and name not in commands:
            sub.add_parser(name, help=summary)
            continue
        module = command_module(name)
        doc = (module.__doc__ or "").split("\n\n")
        epilog = plain(doc[1]) if len(doc) > 1 else None
        command = sub.add_parser(name, help=summary, description=plain(doc[0]), epilog=epilog)
        module.configure(command)
    return parser


def _command_name(argv: list[str]) -> str | None:
    return next((a for a in argv if not a.startswith("-")), None)


def _parse(argv: list[str]) -> argparse.Namespace:
    """The parsed ``argv``; a command that takes config keys gets them in ``CONFIG_KEYS``."""
    name = _command_name(argv)
    parser = build_parser([name] if name in COMMANDS else ())
    if name not in COMMANDS:
        return parser.parse_args(argv)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    command = sub.choices[name]
    if command.get_default(CONFIG_KEYS) is None:
        return parser.parse_args(argv)
    at = argv.index(name) + 1
    rest, keys = split_config_keys(command, argv[at:])
    args = parser.parse_args(argv[:at] + rest)
    setattr(args, CONFIG_KEYS, keys)
    return args


@contextlib.contextmanager
def _one_line_warnings(command: str):
    """Within: a :class:`CircuitlabWarning` prints as ``circuitlab CMD: warning: message``."""
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, CircuitlabWarning):
                print(f"circuitlab {command}: warning: {message}", file=sys.stderr)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def main(argv: list[str] | None = None) -> int:
    as_command = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    name = _command_name(argv)
    try:
        return _run(name, argv)
    except KeyboardInterrupt:
        print(f"circuitlab{' ' + name if name in COMMANDS else ''}: interrupted",
              file=sys.stderr)
        if as_command:
            _leave(130)
        return 130


def _run(name: str | None, argv: list[str]) -> int:
    args = _parse(argv)
    try:
        with _one_line_warnings(args.command):
            status = int(args.func(args) or 0)
        sys.stdout.flush()
        return status
    except ParamError as exc:
        print(f"circuitlab {args.command}: error: {option_message(args, exc)}", file=sys.stderr)
        return 2
    except CircuitlabError as exc:
        print(f"circuitlab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader left (`| head`): further writes and the exit flush go nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _leave(status: int) -> None:
    """Exit now with ``status``, skipping interpreter shutdown (see the module docstring)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


if __name__ == "__main__":
    sys.exit(main())
