"""Print the size and depth of circuit files (.aig, .aag, .bench, .truth).

A file that cannot be read gets an error line on stderr; the others are
still reported, and the exit status is then 2.
"""

from __future__ import annotations

import json
import sys

from circuitlab.cli.options import add_design_options
from circuitlab.errors import CircuitlabError
from circuitlab.aig import depth

COLUMNS = ["file", "inputs", "latches", "ands", "outputs", "levels"]


def configure(parser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="circuit files: .aig, .aag, .bench or .truth")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per file and line instead of a table")
    add_design_options(parser, verilog=False)
    parser.set_defaults(func=run)


def circuit_stats(aig) -> dict:
    return {"inputs": aig.num_inputs, "latches": aig.num_latches, "ands": aig.num_ands,
            "outputs": aig.num_outputs, "levels": depth(aig)}


def format_table(rows: list[dict], columns: list[str]) -> str:
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) if c == columns[0] else c.rjust(widths[c])
                       for c in columns)]
    for r in rows:
        lines.append("  ".join(str(r[c]).ljust(widths[c]) if c == columns[0]
                               else str(r[c]).rjust(widths[c]) for c in columns))
    return "\n".join(lines)


def run(args) -> int:
    from circuitlab.io.formats import read_circuit  # looked up at call time: tests stand in for it
    rows, failed = [], 0
    for path in args.files:
        try:
            row = {"file": path, **circuit_stats(read_circuit(
                path, bad_as_outputs=args.bad_as_outputs))}
        except CircuitlabError as exc:
            sys.stdout.flush()
            print(f"circuitlab stats: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        if args.json:
            print(json.dumps(row), flush=True)
        rows.append(row)
    if rows and not args.json:
        print(format_table(rows, COLUMNS))
    return 2 if failed else 0
