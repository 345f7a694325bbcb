"""Optimise a circuit with a logic-synthesis recipe, run by ABC or aigverse."""

from __future__ import annotations

import argparse
import inspect
import time
from dataclasses import replace

from circuitlab.cli.options import add_design_options, add_option, map_field
from circuitlab.errors import CircuitlabError, ParamError, ToolTimeoutError
from circuitlab.io.formats import READ_SUFFIXES, WRITE_SUFFIXES
from circuitlab.progress import Progress, add_progress_option

DEFAULT_RECIPE = "resyn2"


def build_params(args: argparse.Namespace):
    """The :class:`~circuitlab.synth.recipes.RecipeParams` the options ask for."""
    from circuitlab.synth.recipes import RecipeParams  # loads aigverse: only when used
    return RecipeParams(engine=args.engine, timeout=args.timeout)


def _run(args: argparse.Namespace) -> int:
    # looked up at call time: tests stand in for it
    from circuitlab.io.formats import check_output, read_circuit, write_circuit
    # loads aigverse: only when used
    from circuitlab.synth.recipes import (SCRIPTS, STEPS, parse_recipe, random_recipe,
                                          resolve_engine, run_recipe)

    start = time.monotonic()  # the time limit counts the reading too
    params = build_params(args)
    if args.random_seed is not None:
        steps: str | list[str] = random_recipe(args.random_seed, args.length)
    elif args.steps is not None:
        steps = args.steps
        parse_recipe(steps)
    else:
        steps = args.recipe
        try:
            parse_recipe(steps)
        except CircuitlabError:
            raise ParamError("recipe", f"{steps!r} is no script or step; scripts: "
                                       f"{', '.join(sorted(SCRIPTS))}; steps: "
                                       f"{', '.join(STEPS)} (more with --steps)") from None
    check_output(args.output)
    aig = read_circuit(args.input, bad_as_outputs=args.bad_as_outputs)
    check_output(args.output, aig)
    left = params.timeout - (time.monotonic() - start)
    if left <= 0:
        raise _out_of_time(args, start, "while reading the input")
    engine = resolve_engine(args.engine)
    try:
        with Progress(f"opt ({engine}, {aig.num_ands} ANDs)", enabled=not args.no_progress):
            result, stats = run_recipe(aig, steps, replace(params, timeout=left))
    except ToolTimeoutError:
        raise _out_of_time(args, start, f"{engine} was stopped") from None
    write_circuit(result, args.output)
    print(f"engine: {stats.engine}")
    print(f"recipe: {'; '.join(stats.steps)}")
    print(f"ANDs:   {stats.ands_before} -> {stats.ands_after}")
    print(f"levels: {stats.levels_before} -> {stats.levels_after}")
    print(f"time:   {stats.seconds:.2f} s")
    print(f"wrote {args.output}")
    return 0


def _out_of_time(args: argparse.Namespace, start: float, what: str) -> ToolTimeoutError:
    return ToolTimeoutError(f"time limit of {args.timeout:g} s reached ({what} after "
                            f"{time.monotonic() - start:.1f} s); nothing was written: give a "
                            "larger --timeout")


def configure(parser: argparse.ArgumentParser) -> None:
    # loads aigverse: only when used
    from circuitlab.synth.recipes import ENGINES, SCRIPTS, RecipeParams, random_recipe
    parser.add_argument("input", help=f"circuit file: {', '.join(READ_SUFFIXES)}")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help=f"result file: {', '.join(WRITE_SUFFIXES)} (written atomically)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--recipe", default=DEFAULT_RECIPE,
                       help=f"named script: {', '.join(sorted(SCRIPTS))} "
                            f"(default: {DEFAULT_RECIPE})")
    which.add_argument("--steps", help="';'-separated steps, e.g. \"rewrite; balance\"")
    which.add_argument("--random-seed", type=int, metavar="N",
                       help="a random OpenABC-D-style recipe drawn with this seed")
    length = inspect.signature(random_recipe).parameters["length"].default
    parser.add_argument("--length", type=int, default=length, metavar="N",
                        help=f"steps of a --random-seed recipe (default: {length})")
    map_field(parser, "length", "--length")
    map_field(parser, "recipe", "--recipe")
    map_field(parser, "seed", "--random-seed")
    defaults = RecipeParams()
    add_option(parser, defaults, "engine", choices=ENGINES,
               help="abc, aigverse, or auto: ABC when installed")
    add_option(parser, defaults, "timeout", metavar="S",
               help="seconds for the whole command, reading the input included; past it "
                    "the run is stopped")
    add_design_options(parser, verilog=False)
    add_progress_option(parser)
    parser.set_defaults(func=_run)
