"""``circuitlab stats``: size and depth of circuit files."""

from __future__ import annotations

import json

from circuitlab.aig import depth
from circuitlab.io.formats import read_circuit


def add_parser(sub) -> None:
    p = sub.add_parser("stats", help="print inputs, latches, ANDs, outputs and depth")
    p.add_argument("files", nargs="+", help=".aig/.aag/.bench/.truth files")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--bad-as-outputs", action="store_true",
                   help="read AIGER bad-state properties (header field B) as extra outputs")
    p.set_defaults(func=run)


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
    rows = []
    for path in args.files:
        row = {"file": path, **circuit_stats(read_circuit(
            path, bad_as_outputs=args.bad_as_outputs))}
        if args.json:
            print(json.dumps(row))
        rows.append(row)
    if not args.json:
        print(format_table(rows, ["file", "inputs", "latches", "ands", "outputs", "levels"]))
    return 0
