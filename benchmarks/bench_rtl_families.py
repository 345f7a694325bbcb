"""Distinct Verilog-AIG pairs per minute from the random RTL families, on one core.

Draws the stream of one seed (:func:`circuitlab.datasets.rtl_pairs.distinct_pairs`)
for a fixed wall time, one Yosys run at a time, and prints the pairs kept,
the duplicates dropped by text and by structure, failures, the rate, and
the pairs per family with their mean AND count.

Run: OMP_NUM_THREADS=1 python benchmarks/bench_rtl_families.py [--seconds 120] [--seed 0] [--smoke]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

from _common import peak_rss_mib, print_table, smoke_flag
from circuitlab.datasets.rtl_pairs import PairStats, distinct_pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    smoke = smoke_flag(sys.argv)
    args = parser.parse_args()
    if smoke:
        args.seconds = 3.0
    stats = PairStats()
    per_family: dict[str, list[int]] = defaultdict(list)
    start = time.perf_counter()
    for design, aig in distinct_pairs(args.seed, 10**9, stats=stats):
        per_family[design.family].append(aig.num_ands)
        if time.perf_counter() - start > args.seconds:
            break
    minutes = (time.perf_counter() - start) / 60
    print(f"{stats.kept} distinct pairs in {minutes:.2f} min = {stats.kept / minutes:.1f} / min "
          f"(drawn {stats.drawn}, same text {stats.same_text}, same structure "
          f"{stats.same_structure}, failed {len(stats.failed)}); peak RSS "
          f"{peak_rss_mib():.0f} MiB")
    print_table([{"family": f, "pairs": len(v), "mean ANDs": round(sum(v) / len(v), 1)}
                 for f, v in sorted(per_family.items())])
    for line in stats.failed[:5]:
        print("failed:", line)


if __name__ == "__main__":
    main()
