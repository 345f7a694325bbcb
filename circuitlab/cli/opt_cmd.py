"""``circuitlab opt``: optimise a circuit with a synthesis recipe (ABC or aigverse)."""

from __future__ import annotations

import argparse
from pathlib import Path

from circuitlab.errors import CircuitlabError
from circuitlab.io.formats import WRITE_SUFFIXES, read_circuit, write_circuit
from circuitlab.synth.recipes import ENGINES, SCRIPTS, RecipeParams, random_recipe, run_recipe

DEFAULT_RECIPE = "resyn2"
def _run(args: argparse.Namespace) -> int:
    if Path(args.output).suffix.lower() not in WRITE_SUFFIXES:
        raise CircuitlabError(f"{args.output}: output must end in {', '.join(WRITE_SUFFIXES)}")
    params = RecipeParams(engine=args.engine, timeout=args.timeout)
    if args.random_seed is not None:
        steps: str | list[str] = random_recipe(args.random_seed, args.length)
    else:
        steps = args.steps if args.steps is not None else args.recipe
    aig = read_circuit(args.input, bad_as_outputs=args.bad_as_outputs)
    result, stats = run_recipe(aig, steps, params)
    write_circuit(result, args.output)
    print(f"engine: {stats.engine}")
    print(f"recipe: {'; '.join(stats.steps)}")
    print(f"ANDs:   {stats.ands_before} -> {stats.ands_after}")
    print(f"levels: {stats.levels_before} -> {stats.levels_after}")
    print(f"time:   {stats.seconds:.2f} s")
    print(f"wrote {args.output}")
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("opt", help="optimise a circuit with a synthesis recipe",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("input", help="circuit file (.aig or .aag)")
    parser.add_argument("-o", "--output", required=True,
                        help="result file (.aig or .aag), written atomically")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--recipe", default=DEFAULT_RECIPE,
                       help=f"named script: {', '.join(sorted(SCRIPTS))} "
                            f"(default {DEFAULT_RECIPE})")
    which.add_argument("--steps", help="';'-separated steps, e.g. \"rewrite; balance\"")
    which.add_argument("--random-seed", type=int, metavar="N",
                       help="a random OpenABC-D-style recipe drawn with this seed")
    parser.add_argument("--length", type=int, default=20,
                        help="steps of a --random-seed recipe (default 20)")
    parser.add_argument("--engine", choices=ENGINES, default="auto",
                        help="abc, aigverse, or auto: ABC when installed (default)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds before the run is stopped (default 600)")
    parser.add_argument("--bad-as-outputs", action="store_true",
                        help="read AIGER bad-state properties (header field B, as ABC writes "
                             "sequential circuits) as extra outputs")
    parser.set_defaults(func=_run)
