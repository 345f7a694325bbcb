"""Shrink a small circuit (<= 8 inputs, <= 2 outputs) with the circuit transformer.

The transformer's search, the classical scripts (resyn2, compress2rs, with
ABC also &deepsyn), the scripts run on the model's circuits, and a SAT
search below the best of them; the smallest circuit wins and is proven
equivalent to the input.
"""

from __future__ import annotations

import argparse
import re

from circuitlab.cli.options import Store, add_option, given, map_field
from circuitlab.errors import ParamError
from circuitlab.fsutil import check_output_file
from circuitlab.io.formats import READ_SUFFIXES, WRITE_SUFFIXES


def deepsyn_steps(options: str | None) -> int:
    """The ``-J`` of ``&deepsyn`` options (0 for ``None``)."""
    if options is None:
        return 0
    match = re.search(r"-J\s*(\d+)", options)
    return int(match.group(1)) if match else 0


def build_params(args: argparse.Namespace):
    """The :class:`~circuitlab.optimize.small.OptimizeParams` the options ask for."""
    from circuitlab.exact.shrink import ShrinkParams
    from circuitlab.optimize.small import OptimizeParams
    from circuitlab.transformer.search import SearchParams

    search = SearchParams(method=args.method, budget=args.budget, seed=args.seed)
    if args.deepsyn_steps < 0:
        raise ParamError("deepsyn_steps", f"must be >= 0, got {args.deepsyn_steps}")
    if args.conflicts_per_call < 0:
        raise ParamError("conflicts_per_call", f"must be >= 0, got {args.conflicts_per_call}")
    deepsyn = args.deepsyn_steps if args.classical else 0
    if args.engine == "aigverse" and deepsyn:
        if given(args, "deepsyn_steps"):
            raise ParamError("deepsyn_steps", "needs ABC (&deepsyn is an ABC command): "
                                              "use --engine abc or auto, or drop it")
        deepsyn = 0
    exact = None if not args.classical or args.conflicts_per_call == 0 \
        else ShrinkParams(conflicts_per_call=args.conflicts_per_call)
    return OptimizeParams(search, classical=args.classical, polish=args.polish,
                          engine=args.engine, exact=exact,
                          deepsyn=f"-J {deepsyn}" if deepsyn else None)


def _run(args: argparse.Namespace) -> int:
    from circuitlab.io.formats import check_suffix, read_circuit, write_circuit
    from circuitlab.optimize.model import load_model
    from circuitlab.optimize.small import check_fits, optimize_circuits

    params = build_params(args)
    check_output_file(args.output, "-o")
    check_suffix(args.output, WRITE_SUFFIXES)
    aig = read_circuit(args.input)
    model, tokenizer = load_model(args.checkpoint, args.device)
    check_fits(tokenizer, aig, args.input)
    (result,) = optimize_circuits([aig], model, tokenizer, params)
    write_circuit(result.aig, args.output)
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
    from circuitlab.synth.recipes import ENGINES
    from circuitlab.optimize.small import OptimizeParams
    from circuitlab.transformer.search import METHODS

    defaults = OptimizeParams()
    parser.add_argument("input", help=f"circuit file: {', '.join(READ_SUFFIXES)}")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help=f"result file: {', '.join(WRITE_SUFFIXES)} (written atomically)")
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
    parser.set_defaults(func=_run)
