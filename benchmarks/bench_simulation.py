"""Simulation throughput, against baselines measured in the same process.

1. Random simulation, 2^16 patterns (1024 words) on the EPFL arithmetic set:
   AND-word evaluations per second, and the ratio to numpy's contiguous
   ``bitwise_and`` throughput on this machine (an upper bound for any
   numpy-based simulator).
2. Exhaustive simulation (all minterms) of circuits with <= 16 inputs:
   circuitlab ``truth_tables`` vs aigverse ``simulate`` (output truth tables)
   and ``simulate_nodes`` (every node's truth table), as a speed ratio
   (aigverse time / circuitlab time: above 1 means circuitlab is faster).

Run: python benchmarks/bench_simulation.py [--skip-random] [--smoke]   (--smoke: one circuit each)
"""

from __future__ import annotations

import sys

import numpy as np
from aigverse.algorithms import simulate as av_simulate
from aigverse.algorithms import simulate_nodes as av_simulate_nodes

from _common import best_of, peak_rss_mib, print_table, require_shared, smoke_flag
from circuitlab.aig import cone
from circuitlab.io import read_aiger, read_truth
from circuitlab.io.aigverse_interop import to_aigverse
from circuitlab.sim import random_patterns, simulate, truth_tables
from circuitlab.sim.schedule import schedule

WORDS = 1024  # 2^16 patterns


def numpy_and_rate() -> float:
    x = np.random.default_rng(0).integers(0, 2**63, size=(2, 2**22), dtype=np.uint64)
    out = np.empty(2**22, dtype=np.uint64)
    t = best_of(lambda: np.bitwise_and(x[0], x[1], out=out), 5)
    return 2**22 / t


def random_sim(smoke: bool = False) -> None:
    base = numpy_and_rate()
    print(f"numpy contiguous bitwise_and: {base / 1e9:.3f} G words/s")
    rows = []
    paths = sorted(require_shared("aig", "epfl_arithmetic").glob("*.aig"),
                   key=lambda p: p.stat().st_size)
    for path in paths[:1] if smoke else paths:
        aig = read_aiger(path)
        schedule(aig)  # level schedule is cached on the circuit; time the simulation
        pats = random_patterns(aig.num_inputs, WORDS, seed=1)
        t = best_of(lambda: simulate(aig, pats), 2)
        rate = aig.num_ands * WORDS / t
        rows.append({"circuit": path.stem, "ands": aig.num_ands, "levels": len(schedule(aig)),
                     "seconds": f"{t:.3f}", "G_and_words_s": f"{rate / 1e9:.3f}",
                     "ratio_to_numpy_and": f"{rate / base:.3f}"})
    print_table(rows)


def small_circuits(smoke: bool = False):
    """Circuits with <= 16 inputs: IWLS 2022 functions and EPFL output cones."""
    out = []
    truth = require_shared("truth", "iwls2022")
    for path in sorted(truth.glob("*.truth"))[::6]:
        out.append((path.stem, read_truth(path)))
        if smoke:
            return out
    for name in ("sin", "max", "bar", "log2", "div"):
        aig = read_aiger(require_shared("aig", "epfl_arithmetic", f"{name}.aig"))
        for k in range(aig.num_outputs):
            c = cone(aig, [k])
            if 10 <= c.num_inputs <= 16 and c.num_ands >= 50:
                out.append((f"{name}[{k}]", c))
                break
    return out


def exhaustive_sim(smoke: bool = False) -> None:
    rows = []
    for name, aig in small_circuits(smoke):
        net = to_aigverse(aig, names=False)
        ours = best_of(lambda: truth_tables(aig), 3)
        theirs_out = best_of(lambda: av_simulate(net), 3)
        theirs_nodes = best_of(lambda: av_simulate_nodes(net), 3)
        rows.append({"circuit": name, "inputs": aig.num_inputs, "ands": aig.num_ands,
                     "circuitlab_ms": f"{ours * 1e3:.2f}",
                     "aigverse_simulate_ms": f"{theirs_out * 1e3:.2f}",
                     "aigverse_simulate_nodes_ms": f"{theirs_nodes * 1e3:.2f}",
                     "speed_vs_simulate": f"{theirs_out / ours:.2f}",
                     "speed_vs_simulate_nodes": f"{theirs_nodes / ours:.2f}"})
    print_table(rows)
    vs_nodes = [float(r["speed_vs_simulate_nodes"]) for r in rows]
    vs_out = [float(r["speed_vs_simulate"]) for r in rows]
    print(f"geometric mean speed vs aigverse simulate_nodes: "
          f"{np.exp(np.mean(np.log(vs_nodes))):.2f}x, vs simulate: "
          f"{np.exp(np.mean(np.log(vs_out))):.2f}x")


def main(argv: list[str]) -> None:
    smoke = smoke_flag(argv)
    if "--skip-random" not in argv:
        random_sim(smoke)
        print()
    exhaustive_sim(smoke)
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
