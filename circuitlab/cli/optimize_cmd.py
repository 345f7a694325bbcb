"""``circuitlab optimize``: shrink a small circuit with the circuit transformer."""

from __future__ import annotations

import argparse
from pathlib import Path

from circuitlab.errors import CircuitlabError
from circuitlab.io.formats import WRITE_SUFFIXES, read_circuit, write_circuit


def _run(args: argparse.Namespace) -> int:
    if Path(args.output).suffix.lower() not in WRITE_SUFFIXES:
        raise CircuitlabError(f"{args.output}: output must end in {', '.join(WRITE_SUFFIXES)}")
    from circuitlab.exact.shrink import ShrinkParams
    from circuitlab.transformer.optimize import (OptimizeParams, check_fits, load_model,
                                                 optimize_circuits)
    from circuitlab.transformer.search import SearchParams
    if args.exact_conflicts < 0:
        raise CircuitlabError(f"--exact-conflicts must be >= 0, got {args.exact_conflicts}")
    if args.deepsyn_steps < 0:
        raise CircuitlabError(f"--deepsyn-steps must be >= 0, got {args.deepsyn_steps}")
    exact = None if args.transformer_only or args.exact_conflicts == 0 \
        else ShrinkParams(conflicts_per_call=args.exact_conflicts)
    aig = read_circuit(args.input)
    model, tokenizer = load_model(args.checkpoint, args.device)
    check_fits(tokenizer, aig, args.input)
    params = OptimizeParams(SearchParams(method=args.search, budget=args.budget, seed=args.seed),
                            classical=not args.transformer_only, polish=not args.no_polish,
                            engine=args.engine, exact=exact,
                            deepsyn=f"-J {args.deepsyn_steps}" if args.deepsyn_steps else None)
    (result,) = optimize_circuits([aig], model, tokenizer, params)
    write_circuit(result.aig, args.output)
    budget = "" if args.search == "greedy" else f", budget {args.budget}"
    print(f"search:      {args.search}{budget}")
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


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from circuitlab.exact.shrink import ShrinkParams
    from circuitlab.transformer.search import METHODS
    parser = subparsers.add_parser(
        "optimize", help="shrink a small circuit (<= 8 inputs, <= 2 outputs) with the "
                         "circuit transformer", description=__doc__.splitlines()[0])
    parser.add_argument("input", help="circuit file (.aig, .aag, .bench or .truth)")
    parser.add_argument("-o", "--output", required=True,
                        help="result file (.aig, .aag, .bench or .truth), written atomically")
    parser.add_argument("--search", choices=METHODS, default="sample",
                        help="greedy decoding, sampling best-of-N, beam search or MCTS "
                             "(default: sample)")
    parser.add_argument("--budget", type=int, default=16,
                        help="samples, beam width or MCTS simulations (default: 16)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default: 0)")
    parser.add_argument("--transformer-only", action="store_true",
                        help="only the transformer: no classical scripts, no SAT search")
    parser.add_argument("--no-polish", action="store_true",
                        help="do not run resyn2/compress2rs on the transformer's circuits")
    parser.add_argument("--engine", default="auto", choices=("auto", "abc", "aigverse"),
                        help="engine of the classical scripts (default: ABC when installed)")
    parser.add_argument("--deepsyn-steps", type=int, metavar="N", default=100,
                        help="with ABC, also run &deepsyn on the circuit until N steps bring "
                             "no improvement (0: not run; default: 100)")
    parser.add_argument("--exact-conflicts", type=int, metavar="N",
                        default=ShrinkParams.conflicts_per_call,
                        help="conflict budget of each SAT call of the exact search for a "
                             "circuit smaller than the best found (0: no SAT search; "
                             f"default: {ShrinkParams.conflicts_per_call})")
    parser.add_argument("--checkpoint", default=None,
                        help="model checkpoint (default: the one shipped with circuitlab)")
    parser.add_argument("--device", default="auto", help="torch device (default: auto)")
    parser.set_defaults(func=_run)
