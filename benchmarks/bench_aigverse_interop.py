"""Conversion to and from aigverse, against aigverse's own AIGER reader, same process.

For each EPFL arithmetic circuit: best-of-3 times of ``to_aigverse`` (with
and without names) and ``from_aigverse``, and their ratios to aigverse
reading the same circuit from its AIGER file (``read_aiger_into_aig``).

Run: python benchmarks/bench_aigverse_interop.py [--smoke]   (--smoke: the smallest circuit)
"""

from __future__ import annotations

import sys

from aigverse.io import read_aiger_into_aig

from _common import best_of, peak_rss_mib, print_table, require_shared, smoke_flag
from circuitlab.io import read_aiger
from circuitlab.io.aigverse_interop import from_aigverse, to_aigverse


def main(argv: list[str]) -> None:
    smoke = smoke_flag(argv)
    paths = sorted(require_shared("aig", "epfl_arithmetic").glob("*.aig"),
                   key=lambda p: p.stat().st_size)
    rows = []
    for path in paths[:1] if smoke else paths:
        aig = read_aiger(path)
        native = best_of(lambda: read_aiger_into_aig(str(path)), 3)
        named = best_of(lambda: to_aigverse(aig, names=True), 3)
        plain = best_of(lambda: to_aigverse(aig, names=False), 3)
        net = to_aigverse(aig, names=False)
        back = best_of(lambda: from_aigverse(net), 3)
        assert from_aigverse(net).num_ands == aig.num_ands
        rows.append({"circuit": path.stem, "ands": aig.num_ands,
                     "aigverse_read_s": f"{native:.4f}",
                     "to_named_s": f"{named:.4f}", "to_plain_s": f"{plain:.4f}",
                     "from_s": f"{back:.4f}",
                     "to_plain_over_read": f"{plain / native:.2f}",
                     "from_over_read": f"{back / native:.2f}"})
    print_table(rows)
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
