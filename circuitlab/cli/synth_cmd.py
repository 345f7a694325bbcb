"""Synthesise Verilog/SystemVerilog into an And-Inverter Graph with Yosys.

Flip-flops become AIGER latches, unknown modules black boxes.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from circuitlab.cli.options import add_design_options, design_params
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import check_output_file
from circuitlab.io import write_aiger
from circuitlab.synth.yosys import synthesize_with_top


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="Verilog files, read in order")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file: .aig (binary) or .aag (ASCII)")
    add_design_options(p, circuits=False, timeout="--timeout")
    p.add_argument("--yosys", metavar="PATH|system",
                   help="Yosys to run: 'system', a path, or 'yowasp' (default, or "
                        "$CIRCUITLAB_YOSYS)")
    p.add_argument("--no-sv", action="store_true",
                   help="read as Verilog-2005 instead of SystemVerilog")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="print Yosys passes as they run (default: when stderr is a terminal)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    params = design_params(args)
    check_output_file(args.output, "-o")
    if not args.output.endswith((".aig", ".aag")):
        raise CircuitlabError(f"-o {args.output}: must end in .aig or .aag")
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aig, top = synthesize_with_top(args.files, top=params.top,
                                       include_dirs=params.include_dirs,
                                       defines=params.define_map(), yosys=args.yosys,
                                       timeout=params.timeout, sv=not args.no_sv,
                                       progress=progress)
    for w in caught:
        print(f"circuitlab synth: warning: {w.message}", file=sys.stderr)
    write_aiger(aig, args.output)
    print(f"{args.output}: {aig.num_inputs} inputs, {aig.num_latches} latches, "
          f"{aig.num_ands} ANDs, {aig.num_outputs} outputs (top {top})")
    return 0
