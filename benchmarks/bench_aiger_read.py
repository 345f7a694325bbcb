"""AIGER read time: circuitlab vs aigverse (mockturtle's C++ reader), same process.

Run: python benchmarks/bench_aiger_read.py [--smoke]   (--smoke: the two smallest files)
Prints per-file best-of-5 times and the ratio circuitlab / aigverse (lower
is better; the aim is <= 2 on the largest file).
"""

from __future__ import annotations

import sys

from aigverse.io import read_aiger_into_aig

from _common import best_of, peak_rss_mib, print_table, require_shared, smoke_flag
from circuitlab.io import read_aiger


def main(argv: list[str]) -> None:
    smoke = smoke_flag(argv)
    folder = require_shared("aig", "epfl_arithmetic")
    rows = []
    paths = sorted(folder.glob("*.aig"), key=lambda p: p.stat().st_size)
    for path in paths[:2] if smoke else paths:
        ours = best_of(lambda: read_aiger(path), 5)
        theirs = best_of(lambda: read_aiger_into_aig(str(path)), 5)
        rows.append({"file": path.name, "ands": read_aiger(path).num_ands,
                     "circuitlab_ms": f"{ours * 1e3:.2f}", "aigverse_ms": f"{theirs * 1e3:.2f}",
                     "ratio": f"{ours / theirs:.2f}"})
    print_table(rows)
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
