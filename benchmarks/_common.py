"""Shared helpers for the benchmark scripts: locating data, timing, memory."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def require_shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        sys.exit(f"{path} is absent: fetch it with `circuitlab data fetch` and point there")
    return path


def smoke_flag(argv: list[str]) -> bool:
    """Whether ``--smoke`` is in ``argv`` (removed from it): run at the smallest size,
    to check that the benchmark still runs (tests/test_benchmarks.py), not to measure."""
    if "--smoke" not in argv:
        return False
    argv.remove("--smoke")
    return True


def best_of(fn, repeat: int = 3) -> float:
    """Smallest wall time of ``repeat`` calls (seconds)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_table(rows: list[dict]) -> None:
    cols = list(rows[0])
    width = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    print("  ".join(c.rjust(width[c]) for c in cols))
    for r in rows:
        print("  ".join(str(r[c]).rjust(width[c]) for c in cols))


def as_label(tok, source, circuit) -> int:
    """ANDs of ``circuit`` (equivalent to ``source``) once rewritten to obey the
    decoding mask rule, as training labels are; its own count if it cannot be."""
    from circuitlab.sim.tables import tables_to_ints
    from circuitlab.transformer.constraints import output_tables
    from circuitlab.transformer.reference import conform_label
    if not tok.fits(circuit):
        return circuit.num_ands
    values = tables_to_ints(output_tables(tok.config, source))
    tokens = conform_label(tok.config, tok.encode(circuit).tokens.tolist(), values)
    if tokens is None:
        return circuit.num_ands
    return tok.decode(tokens, source.num_inputs, source.num_outputs).num_ands


def before_sat(results) -> list[int]:
    """Per ``optimize_circuits`` result, its smallest candidate other than the SAT search's."""
    return [min(n for name, n in r.candidates.items() if name != "exact") for r in results]
