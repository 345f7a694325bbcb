"""Synthesise Verilog/SystemVerilog into an And-Inverter Graph with Yosys.

Flip-flops become AIGER latches, unknown modules black boxes.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import warnings

from circuitlab.cli.options import map_field
from circuitlab.errors import CircuitlabError, require_positive
from circuitlab.fsutil import check_output_file


def configure(p: argparse.ArgumentParser) -> None:
    from circuitlab.synth.yosys import synthesize
    timeout = inspect.signature(synthesize).parameters["timeout"].default
    p.add_argument("files", nargs="+", metavar="FILE", help="Verilog files, read in order")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file: .aig (binary) or .aag (ASCII)")
    p.add_argument("--top", help="top module (default: the one no other module instantiates, "
                        "the deepest hierarchy first; a warning names the others)")
    p.add_argument("-I", dest="include_dirs", action="append", default=[], metavar="DIR",
                   help="include folder (repeatable)")
    p.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME[=VAL]",
                   help="define a macro (repeatable)")
    p.add_argument("--timeout", type=float, default=timeout, metavar="S",
                   help=f"seconds before Yosys is killed (default: {timeout:g})")
    map_field(p, "timeout", "--timeout")
    p.add_argument("--yosys", metavar="PATH|system",
                   help="Yosys to run: 'system', a path, or 'yowasp' (default, or "
                        "$CIRCUITLAB_YOSYS)")
    p.add_argument("--no-sv", action="store_true",
                   help="read as Verilog-2005 instead of SystemVerilog")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="print Yosys passes as they run (default: when stderr is a terminal)")
    p.set_defaults(func=run)


def parse_defines(items: list[str]) -> dict[str, str | None]:
    """``["A", "W=8"]`` -> ``{"A": None, "W": "8"}``."""
    defines: dict[str, str | None] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not name:
            raise CircuitlabError(f"-D {item!r}: expected NAME or NAME=VALUE")
        defines[name] = value if eq else None
    return defines


def run(args: argparse.Namespace) -> int:
    from circuitlab.io import write_aiger
    from circuitlab.synth import synthesize
    from circuitlab.synth.yosys import find_top

    require_positive(args.timeout, "timeout")
    check_output_file(args.output, "-o")
    if not args.output.endswith((".aig", ".aag")):
        raise CircuitlabError(f"-o {args.output}: must end in .aig or .aag")
    defines = parse_defines(args.defines)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        top = args.top or find_top(args.files, args.include_dirs, defines, yosys=args.yosys,
                                   timeout=args.timeout, sv=not args.no_sv)
        aig = synthesize(args.files, top=top, include_dirs=args.include_dirs,
                         defines=defines, yosys=args.yosys,
                         timeout=args.timeout, sv=not args.no_sv,
                         progress=sys.stderr.isatty() if args.progress is None else args.progress)
    for w in caught:
        print(f"circuitlab synth: warning: {w.message}", file=sys.stderr)
    write_aiger(aig, args.output)
    print(f"{args.output}: {aig.num_inputs} inputs, {aig.num_latches} latches, "
          f"{aig.num_ands} ANDs, {aig.num_outputs} outputs (top {top})")
    return 0
