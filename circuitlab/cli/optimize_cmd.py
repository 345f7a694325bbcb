"""Shrink a circuit, proven equivalent to the input.

A circuit the transformer takes whole (<= 8 inputs, <= 2 outputs): the
transformer's search, the classical scripts (resyn2, compress2rs, with ABC
also &deepsyn), the scripts run on the model's circuits, and a SAT search
below the best of them; the smallest circuit wins. Any other circuit,
combinational or sequential, of any size: windowed resynthesis
(:func:`circuitlab.optimize.optimize_windows`) within ``--seconds``.
"""

from __future__ import annotations

import argparse

from circuitlab.cli.options import Store, add_design_options, add_option, given, map_field
from circuitlab.errors import ParamError
from circuitlab.io import formats
from circuitlab.io.formats import READ_SUFFIXES, WRITE_SUFFIXES
import circuitlab.optimize as flows
from circuitlab.optimize import GENERATORS, WindowParams
from circuitlab.optimize.params import OptimizeCounts, OptimizeParams, deepsyn_steps
from circuitlab.progress import Progress, add_progress_option
from circuitlab.synth.recipes import ENGINES
from circuitlab.training.threads import uses_torch
from circuitlab.transformer.search_params import METHODS, SearchParams


def build_params(args: argparse.Namespace) -> OptimizeParams:
    """The :class:`~circuitlab.optimize.params.OptimizeParams` the options ask for."""
    search = SearchParams(method=args.method, budget=args.budget, seed=args.seed)
    counts = OptimizeCounts(args.deepsyn_steps, args.conflicts_per_call)
    deepsyn = counts.deepsyn_steps if args.classical else 0
    if args.engine == "aigverse" and deepsyn:
        if given(args, "deepsyn_steps"):
            raise ParamError("deepsyn_steps", "needs ABC (&deepsyn is an ABC command): "
                                              "use --engine abc or auto, or drop it")
        deepsyn = 0
    exact = counts.exact if args.classical else None
    return OptimizeParams(search, classical=args.classical, polish=args.polish,
                          engine=args.engine, exact=exact,
                          deepsyn=f"-J {deepsyn}" if deepsyn else None)


def window_params(args: argparse.Namespace):
    """The :class:`~circuitlab.optimize.WindowParams` the options ask for.

    ``--transformer-only`` keeps only the transformer generator, with no
    scripts and no ``&deepsyn``.
    """
    names = tuple(g.strip() for g in args.generators.split(",") if g.strip())
    if not names:
        raise ParamError("generators", f"must name at least one of {', '.join(GENERATORS)}, "
                                       f"got {args.generators!r}")
    for name in names:
        if name not in GENERATORS:
            raise ParamError("generators", f"must name some of {', '.join(GENERATORS)}, "
                                           f"got {name!r}")
    scripts, deepsyn = args.scripts, args.deepsyn_share
    if not args.classical:
        if given(args, "generators") and names != ("transformer",):
            raise ParamError("classical", "keeps only the transformer generator; drop "
                                          f"--generators {args.generators}")
        names, scripts, deepsyn = ("transformer",), False, 0.0
    return WindowParams(max_leaves=args.max_leaves, max_roots=args.max_roots,
                        seconds=args.seconds, jobs=args.jobs, generators=names,
                        scripts=scripts, engine=args.engine, deepsyn=deepsyn,
                        seed=args.seed,
                        conflicts=args.window_conflicts, dont_cares=args.dont_cares)


# options of the whole-circuit flow that windows do not use: field -> why, and what instead
_WHOLE_ONLY = {
    "polish": "polishes the transformer's whole circuits; windows keep the transformer's "
              "circuit as it is (--no-scripts turns the scripts off)",
    "method": "chooses the search over whole circuits; windows are decoded greedily",
    "budget": "sizes the search over whole circuits; windows are decoded greedily",
    "conflicts_per_call": "budgets the SAT search below whole circuits; for windows use "
                          "--window-conflicts",
    "deepsyn_steps": "bounds &deepsyn on whole circuits by steps; for windows use "
                     "--deepsyn-share",
}


def check_window_options(args: argparse.Namespace) -> None:
    """Refuse the options of the whole-circuit flow given for a windowed run.

    Raises:
        ParamError: naming the option, why it does not apply and what to use instead.
    """
    for field, why in _WHOLE_ONLY.items():
        used = not args.polish if field == "polish" else given(args, field)
        if used:
            raise ParamError(field, f"applies only to circuits of at most 8 inputs and 2 "
                                    f"outputs, without latches: it {why}")


def _run_windows(args, aig, model, tokenizer, wparams) -> int:
    bar = Progress("optimize", total=1, counts=False, enabled=not args.no_progress)
    try:
        result, stats = flows.optimize_windows(aig, wparams, model, tokenizer, bar)
    finally:
        bar.close()
    formats.write_circuit(result, args.output)
    print(f"ANDs:        {stats.ands_before} -> {stats.ands_after}")
    print(f"levels:      {stats.levels_before} -> {stats.levels_after}")
    accepted = ", ".join(f"{name} {stats.accepted.get(name, 0)} (-{stats.gain.get(name, 0)})"
                         for name in ("table", "exact", "transformer", "scripts", "deepsyn"))
    print(f"windows:     {stats.windows_tried} tried; accepted: {accepted}")
    per = ", ".join(f"{name} {stats.tried[name]}/{stats.offered.get(name, 0)}"
                    for name in ("table", "exact", "transformer") if name in stats.tried)
    if per:
        print(f"generators:  windows given/smaller circuits returned: {per}")
    print(f"verdict:     {stats.verdict.name.lower()}")
    if stats.note:
        print(f"note:        {stats.note}")
    if stats.out_of_time is not None and stats.ands_after == stats.ands_before:
        print(f"hint:        a larger --seconds (now {wparams.seconds:g}) gives the "
              "optimisation time to finish")
    print(f"time:        {stats.seconds:.2f} s")
    print(f"wrote {args.output}")
    return 0


@uses_torch
def _run(args: argparse.Namespace) -> int:
    params = build_params(args)
    wparams = window_params(args)
    formats.check_output(args.output)
    aig = formats.read_circuit(args.input, bad_as_outputs=args.bad_as_outputs)
    formats.check_output(args.output, aig)
    # here, once the inputs are checked: the model and its search load torch
    from circuitlab.optimize.model import load_optimize_model  # loads aigverse: only when used
    from circuitlab.optimize.small import optimize_circuits  # loads aigverse, torch: only when used
    from circuitlab.training.device import resolve_device  # loads torch: only when used

    resolve_device(args.device)  # before any checkpoint is read
    model, tokenizer = load_optimize_model(args.checkpoint, args.device)
    if not (aig.is_combinational and tokenizer.fits(aig)):
        check_window_options(args)
        if "transformer" not in wparams.generators:
            model = tokenizer = None
        return _run_windows(args, aig, model, tokenizer, wparams)
    (result,) = optimize_circuits([aig], model, tokenizer, params)
    formats.write_circuit(result.aig, args.output)
    budget = "" if params.search.method == "greedy" else f", budget {params.search.budget}"
    print(f"search:      {params.search.method}{budget}")
    own = "no result (fell back)" if result.transformer_ands is None else result.transformer_ands
    print(f"ANDs before: {aig.num_ands}")
    print(f"transformer: {own}")
    for name, ands in result.candidates.items():
        if name not in ("source", "transformer"):
            print(f"{name + ':':<12} {ands}")
    print(f"ANDs after:  {result.aig.num_ands} ({result.best})")
    print(f"verdict:     {result.verdict.name.lower()} (checked over all input patterns)")
    print(f"time:        {result.seconds:.2f} s")
    print(f"wrote {args.output}")
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    defaults = OptimizeParams()
    windows = WindowParams()
    parser.add_argument("input", help=f"circuit file: {', '.join(READ_SUFFIXES)}")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help=f"result file: {', '.join(WRITE_SUFFIXES)} (written atomically)")
    add_design_options(parser, verilog=False)
    add_option(parser, defaults.search, "method", "--search", choices=METHODS,
               help="greedy decoding, sampling best-of-N, beam search or MCTS")
    add_option(parser, defaults.search, "budget", metavar="N",
               help="samples, beam width or MCTS simulations")
    add_option(parser, defaults.search, "seed", metavar="N", help="sampling seed")
    add_option(parser, defaults, "classical", "--transformer-only",
               help="only the transformer: no classical scripts, no SAT search")
    add_option(parser, defaults, "polish", "--no-polish",
               help="do not run resyn2/compress2rs on the transformer's circuits")
    add_option(parser, defaults, "engine", choices=ENGINES,
               help="engine of the classical scripts: abc, aigverse, or auto: ABC when "
                    "installed")
    parser.add_argument("--deepsyn-steps", type=int, metavar="N", action=Store,
                        default=deepsyn_steps(defaults.deepsyn),
                        help="with ABC, also run &deepsyn on the circuit until N steps bring "
                             "no improvement (0: not run; default: "
                             f"{deepsyn_steps(defaults.deepsyn)})")
    map_field(parser, "deepsyn_steps", "--deepsyn-steps")
    add_option(parser, defaults.exact, "conflicts_per_call", "--exact-conflicts", metavar="N",
               help="conflict budget of each SAT call of the exact search for a circuit "
                    "smaller than the best found (0: no SAT search)")
    parser.add_argument("--checkpoint", default=None, metavar="FILE",
                        help="model checkpoint (default: the one shipped with circuitlab)")
    parser.add_argument("--device", default="auto",
                        help="torch device: cpu, cuda, cuda:N, or auto: cuda when available "
                             "(default: auto)")
    map_field(parser, "device", "--device")
    group = parser.add_argument_group(
        "circuits beyond the transformer (more than 8 inputs or 2 outputs, or latches)")
    add_option(group, windows, "seconds", metavar="S",
               help="time budget of the windowed optimisation (the final proof comes on top)")
    add_option(group, windows, "jobs", metavar="N",
               help="worker processes of the SAT resynthesis of windows")
    add_option(group, windows, "max_leaves", metavar="K", help="most leaves of a window (2 to 8)")
    add_option(group, windows, "max_roots", metavar="R", help="most roots of a window (1 or 2)")
    group.add_argument("--generators", action=Store, default=",".join(windows.generators),
                       metavar="LIST",
                       help="comma-separated window generators, of "
                            f"{', '.join(GENERATORS)} (default: {','.join(windows.generators)})")
    map_field(group, "generators", "--generators")
    add_option(group, windows, "scripts", "--no-scripts",
               help="do not run the classical scripts between window passes")
    add_option(group, windows, "deepsyn", "--deepsyn-share", metavar="F", dest="deepsyn_share",
               help="with ABC, the share of --seconds given first to &deepsyn -T "
                    "(0: not run)")
    add_option(group, windows, "conflicts", "--window-conflicts", metavar="N",
               dest="window_conflicts",
               help="conflict budget of each SAT call resynthesising a window")
    add_option(group, windows, "dont_cares", "--no-dont-cares",
               help="resynthesise windows for their full functions (no don't cares)")
    add_progress_option(parser)
    parser.set_defaults(func=_run)
