"""The ``circuitlab`` command.

Each subcommand lives in its own module of this package and exposes
``add_parser(subparsers)``, which registers the subcommand and sets
``func`` on its parser to a callable ``(args) -> int`` (the exit status).
A :class:`~circuitlab.errors.CircuitlabError` raised by a subcommand is
printed as one line on stderr and exits with status 2; nothing else is
caught, so a bug still shows its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from circuitlab.errors import CircuitlabError

# Module names under circuitlab.cli, in the order they appear in --help.
_COMMANDS = ("pipeline", "synth", "stats", "convert", "opt", "optimize", "cec", "data")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="circuitlab",
        description="Verilog to AIG, logic-synthesis recipes, simulation and equivalence checking.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"circuitlab.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name != f"circuitlab.cli.{name}_cmd":
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CircuitlabError as exc:
        print(f"circuitlab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("circuitlab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
