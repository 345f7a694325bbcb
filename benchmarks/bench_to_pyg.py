"""to_pyg speed, against baselines measured in the same process.

For each EPFL arithmetic circuit and each encoding: the time of
``to_pyg`` on a fresh copy of the circuit (nothing cached, so the AIG's
levels are computed inside the call), its ratio to the plain-Python
node-by-node construction of the same graph (``to_pyg_reference``, checked
equal), and its ratio to reading the AIGER file.

Run: python benchmarks/bench_to_pyg.py [circuit ...]   (default: all ten; --smoke: the smallest)
"""

from __future__ import annotations

import sys
import time

import torch

from _common import best_of, peak_rss_mib, print_table, require_shared, smoke_flag
from circuitlab.aig import Aig
from circuitlab.data import ENCODINGS, to_pyg
from circuitlab.data.reference import to_pyg_reference
from circuitlab.io import read_aiger


def fresh(aig: Aig) -> Aig:
    """The same circuit without its cached levels."""
    return Aig(aig.num_inputs, aig.ands, aig.outputs, aig.latches, check=False)


def main(argv: list[str]) -> None:
    smoke = smoke_flag(argv)
    folder = require_shared("aig", "epfl_arithmetic")
    paths = sorted(folder.glob("*.aig"), key=lambda p: p.stat().st_size)
    if argv:
        paths = [p for p in paths if p.stem in argv]
    if smoke:
        paths = paths[:1]
    rows = []
    for path in paths:
        read = best_of(lambda: read_aiger(path), 3)
        aig = read_aiger(path)
        for encoding in ENCODINGS:
            ours = best_of(lambda: to_pyg(fresh(aig), encoding), 3)
            start = time.perf_counter()
            ref = to_pyg_reference(fresh(aig), encoding)
            plain = time.perf_counter() - start
            graph = to_pyg(aig, encoding)
            assert all(torch.equal(graph[k], ref[k]) if torch.is_tensor(graph[k])
                       else graph[k] == ref[k] for k in graph.keys())
            rows.append({"circuit": path.stem, "ands": aig.num_ands, "encoding": encoding,
                         "nodes": graph.num_nodes, "edges": graph.num_edges,
                         "to_pyg_s": f"{ours:.4f}", "python_loop_s": f"{plain:.3f}",
                         "speedup_vs_loop": f"{plain / ours:.1f}",
                         "read_aiger_s": f"{read:.4f}",
                         "to_pyg_over_read": f"{ours / read:.2f}"})
    print_table(rows)
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
