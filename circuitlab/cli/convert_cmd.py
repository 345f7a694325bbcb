"""Convert a circuit between AIGER (.aig binary, .aag ASCII), .bench and .truth.

The formats are chosen by the file extensions; a .truth file holds truth
tables (one line per output), so it suits circuits of few inputs.
"""

from __future__ import annotations

import sys

from circuitlab.cli.options import add_design_options
from circuitlab.io.formats import READ_SUFFIXES, WRITE_SUFFIXES
from circuitlab.io.names import replaced_names


def configure(parser) -> None:
    parser.add_argument("input", help=f"circuit file: {', '.join(READ_SUFFIXES)}")
    parser.add_argument("output", help=f"file to write: {', '.join(WRITE_SUFFIXES)} "
                                       "(written atomically)")
    add_design_options(parser, verilog=False)
    parser.set_defaults(func=run)


def run(args) -> int:
    # looked up at call time: tests stand in for it
    from circuitlab.io.formats import check_output, read_circuit, write_circuit
    check_output(args.output, option=None)
    aig = read_circuit(args.input, bad_as_outputs=args.bad_as_outputs)
    check_output(args.output, aig, option=None)
    changed = replaced_names(aig)
    if changed:
        shown = ", ".join(repr(n) for n in changed[:5]) + (", ..." if len(changed) > 5 else "")
        print(f"circuitlab convert: warning: {args.input}: {len(changed)} symbol name(s) are "
              f"not UTF-8; {args.output} has U+FFFD in place of their bad bytes: {shown}",
              file=sys.stderr)
    write_circuit(aig, args.output)
    print(f"{args.input} -> {args.output}: {aig.num_inputs} inputs, {aig.num_latches} latches, "
          f"{aig.num_ands} ANDs, {aig.num_outputs} outputs")
    return 0
