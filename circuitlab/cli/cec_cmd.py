"""``circuitlab cec``: combinational equivalence check of two circuit files.

Exit status: 0 equivalent, 1 not equivalent (the counter-example is
printed), 2 undecided or an error.
"""

from __future__ import annotations

import argparse

from circuitlab.io.formats import read_circuit
from circuitlab.verify.equivalence import ENGINES, MATCHES, EquivalenceParams, check_equivalence
from circuitlab.verify.result import Verdict

_EXIT = {Verdict.EQUIVALENT: 0, Verdict.NOT_EQUIVALENT: 1, Verdict.UNDECIDED: 2}


def _run(args: argparse.Namespace) -> int:
    params = EquivalenceParams(engine=args.engine, conflict_budget=args.conflicts,
                               timeout=args.timeout)
    a = read_circuit(args.a, bad_as_outputs=args.bad_as_outputs)
    b = read_circuit(args.b, bad_as_outputs=args.bad_as_outputs)
    result = check_equivalence(a, b, match=args.match, params=params)
    print(result.summary())
    print(f"reason: {result.reason}")
    if result.verdict is Verdict.NOT_EQUIVALENT:
        if result.failing_output is not None:
            print(f"differing output: {result.failing_output}")
        if result.counterexample is not None:
            print("counter-example: " + " ".join(f"{name}={value}" for name, value
                                                 in result.counterexample.items()))
    return _EXIT[result.verdict]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("cec", help="check two circuits for combinational equivalence",
                                   description=__doc__.split("\n\n")[0],
                                   epilog=__doc__.split("\n\n")[1])
    parser.add_argument("a", help="first circuit (.aig, .aag, .bench or .truth)")
    parser.add_argument("b", help="second circuit (.aig, .aag, .bench or .truth)")
    parser.add_argument("--match", choices=MATCHES, default="name",
                        help="pair inputs and outputs by name (default) or position")
    parser.add_argument("--engine", choices=ENGINES, default="auto",
                        help="auto (default): exhaustive simulation up to 16 inputs, else "
                             "random simulation then SAT; sim, sat, abc or aigverse")
    parser.add_argument("--conflicts", type=int, default=100_000, metavar="N",
                        help="SAT conflict budget per call (default 100000)")
    parser.add_argument("--timeout", type=float, default=None, metavar="S",
                        help="seconds for the whole check (default: no limit)")
    parser.add_argument("--bad-as-outputs", action="store_true",
                        help="read AIGER bad-state properties (header field B, as ABC writes "
                             "sequential circuits) as extra outputs")
    parser.set_defaults(func=_run)
