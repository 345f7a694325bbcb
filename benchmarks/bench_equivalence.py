"""Time to prove each EPFL arithmetic circuit equivalent to its resyn2 version.

Compares circuitlab's python-sat engine (:func:`circuitlab.verify.sat_equivalence`)
with ABC's ``cec`` (:func:`circuitlab.synth.abc.abc_cec`) and prints one table:
seconds for each, their ratio, and peak memory. Every measurement runs in a
fresh process, so peak resident memory (``getrusage``) belongs to that check
alone: for the sat engine the peak of the Python process (interpreter,
imports and both circuits included) and its growth during the check (solver
and numpy arrays), for ABC the peak of the ABC process. ``tracemalloc`` is
not used: tracing every allocation would slow the timed Python code down.
ABC columns are left out when ABC is not installed.

The resyn2 versions are made once (ABC when installed, else aigverse) and kept
in ``--cache``.

Run: ``python benchmarks/bench_equivalence.py [--circuits adder,bar] [--solvers m22,g4,cd15]``
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "aig" / "epfl_arithmetic"
CIRCUITS = ("adder", "bar", "div", "log2", "max", "multiplier", "sin", "sqrt", "square")


def _prepare(name: str, data: Path, cache: Path) -> tuple[Path, Path, int, int]:
    from circuitlab.io import read_aiger, write_aiger
    from circuitlab.synth.recipes import RecipeParams, run_recipe

    original = data / f"{name}.aig"
    optimised = cache / f"{name}.resyn2.aig"
    aig = read_aiger(original)
    if not optimised.exists():
        result, stats = run_recipe(aig, "resyn2", RecipeParams(timeout=3600))
        write_aiger(result, optimised)
        print(f"  {name}: resyn2 with {stats.engine} in {stats.seconds:.1f} s", file=sys.stderr)
    return original, optimised, aig.num_ands, read_aiger(optimised).num_ands


def _measure_sat(original: str, optimised: str, solver: str) -> dict:
    from circuitlab.io import read_aiger
    from circuitlab.verify import SatParams, sat_equivalence

    a, b = read_aiger(original), read_aiger(optimised)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    outcome = sat_equivalence(a, b, SatParams(solver=solver))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "verdict": outcome.verdict.name, "rss_mb": peak,
            "grew_mb": peak - before}


def _measure_abc(original: str, optimised: str) -> dict:
    from circuitlab.io import read_aiger
    from circuitlab.synth.abc import abc_cec

    a, b = read_aiger(original), read_aiger(optimised)
    start = time.perf_counter()
    answer = abc_cec(a, b, timeout=3600, conflict_limit=None)
    seconds = time.perf_counter() - start
    verdict = {True: "EQUIVALENT", False: "NOT_EQUIVALENT", None: "UNDECIDED"}[answer]
    return {"seconds": seconds, "verdict": verdict,
            "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _isolated(func, *args) -> dict:
    """Run ``func(*args)`` in a fresh interpreter (clean peak-memory counters)."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(func, *args).result()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--circuits", default=",".join(CIRCUITS),
                        help="comma-separated EPFL arithmetic circuits (default: all but hyp)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder of the EPFL arithmetic .aig files")
    parser.add_argument("--cache", type=Path, default=None,
                        help="folder for the resyn2 versions (default: a temporary folder)")
    parser.add_argument("--solvers", default="m22",
                        help="python-sat solvers to time, comma-separated (first one is compared "
                             "with ABC; default m22)")
    parser.add_argument("--no-abc", action="store_true", help="skip the ABC columns")
    parser.add_argument("--smoke", action="store_true",
                        help="smallest size (the adder alone): checks it runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.circuits = "adder"

    from circuitlab.synth.abc import abc_available

    names = [n.strip() for n in args.circuits.split(",") if n.strip()]
    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    missing = [n for n in names if not (args.data / f"{n}.aig").is_file()]
    if missing:
        print(f"missing circuits in {args.data}: {', '.join(missing)}", file=sys.stderr)
        return 2
    use_abc = abc_available() and not args.no_abc
    if not use_abc:
        print("ABC is not installed (or --no-abc): ABC columns left out", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="bench-cec-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        header = (f"{'circuit':<11}{'ANDs':>8}{'resyn2':>8}"
                  + "".join(f"{'sat:' + s + ' s':>13}" for s in solvers)
                  + f"{'RSS MB':>9}{'grew MB':>9}")
        if use_abc:
            header += f"{'abc cec s':>11}{'sat/abc':>9}{'abc RSS MB':>12}"
        rows = []
        for name in names:
            original, optimised, ands, ands_opt = _prepare(name, args.data, cache)
            sat = [_isolated(_measure_sat, str(original), str(optimised), s) for s in solvers]
            line = f"{name:<11}{ands:>8}{ands_opt:>8}" + "".join(
                f"{r['seconds']:>13.2f}" for r in sat)
            line += f"{sat[0]['rss_mb']:>9.0f}{sat[0]['grew_mb']:>9.0f}"
            verdicts = {r["verdict"] for r in sat}
            if use_abc:
                abc = _isolated(_measure_abc, str(original), str(optimised))
                verdicts.add(abc["verdict"])
                line += (f"{abc['seconds']:>11.2f}{sat[0]['seconds'] / abc['seconds']:>9.2f}"
                         f"{abc['rss_mb']:>12.0f}")
            if verdicts != {"EQUIVALENT"}:
                line += "  verdicts: " + ", ".join(sorted(verdicts))
            rows.append(line)
            print(f"  {name} done", file=sys.stderr, flush=True)
    print(header)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
