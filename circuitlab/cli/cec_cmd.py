"""Check two circuit files for combinational equivalence.

Exit status: 0 equivalent, 1 not equivalent (the counter-example is
printed), 2 undecided or an error.
"""

from __future__ import annotations

import argparse
import inspect
import time

from circuitlab.cli.options import add_design_options, add_option, map_field
from circuitlab.io.formats import READ_SUFFIXES
from circuitlab.progress import Progress, add_progress_option
from circuitlab.verify.equivalence import CheckParams, ENGINES, MATCHES, check_equivalence
from circuitlab.verify.result import Verdict


def build_params(args: argparse.Namespace):
    """The :class:`~circuitlab.verify.equivalence.CheckParams` the options ask for."""
    return CheckParams(engine=args.engine, conflict_budget=args.conflict_budget,
                             timeout=args.timeout)


def _run(args: argparse.Namespace) -> int:
    from circuitlab.io.formats import read_circuit  # looked up at call time: tests stand in for it

    start = time.monotonic()  # the time limit counts the reading too
    params = build_params(args)
    a = read_circuit(args.a, bad_as_outputs=args.bad_as_outputs)
    b = read_circuit(args.b, bad_as_outputs=args.bad_as_outputs)
    with Progress(f"cec ({a.num_ands} and {b.num_ands} ANDs)", enabled=not args.no_progress):
        result = check_equivalence(a, b, match=args.match, params=params, start=start)
    print(result.summary())
    print(f"reason: {result.reason}")
    if result.verdict is Verdict.NOT_EQUIVALENT:
        if result.failing_output is not None:
            print(f"differing output: {result.failing_output}")
        if result.counterexample is not None:
            print("counter-example: " + " ".join(f"{name}={value}" for name, value
                                                 in result.counterexample.items()))
    return {Verdict.EQUIVALENT: 0, Verdict.NOT_EQUIVALENT: 1, Verdict.UNDECIDED: 2}[result.verdict]


def configure(parser: argparse.ArgumentParser) -> None:
    formats = ", ".join(READ_SUFFIXES)
    parser.add_argument("a", help=f"first circuit ({formats})")
    parser.add_argument("b", help=f"second circuit ({formats})")
    match = inspect.signature(check_equivalence).parameters["match"].default
    parser.add_argument("--match", choices=MATCHES, default=match,
                        help=f"pair inputs and outputs by name or by position "
                             f"(default: {match})")
    map_field(parser, "match", "--match")
    defaults = CheckParams()
    add_option(parser, defaults, "engine", choices=ENGINES,
               help="auto: exhaustive simulation up to 16 inputs, else random simulation "
                    "then SAT; sim: simulation only; sat, abc or aigverse: random "
                    "simulation, then that prover")
    add_option(parser, defaults, "conflict_budget", "--conflicts", metavar="N",
               help="SAT conflict budget per call")
    add_option(parser, defaults, "timeout", metavar="S",
               help="seconds for the whole command, reading the files included; past it the "
                    "check stops, undecided (default: no limit)")
    add_design_options(parser, verilog=False)
    add_progress_option(parser)
    parser.set_defaults(func=_run)
