"""How far below ``resyn2`` the held-out random 8×2 circuits can go: proven lower bounds.

    python experiments/optimum_bounds.py [--circuits 200] [--seed 1000]
        [--conflicts 1000000] [--checkpoint PATH] [--jobs 1]
        [--record experiments/results/optimum_bounds.jsonl]

Issue 23 asks the product (``circuitlab optimize``) for at most 0.90× the
AND count of ``resyn2`` on the held-out set of
``benchmarks/bench_transformer_quality.py``. This measures what any method
could reach there. For each circuit, the product's result is the upper
bound; then, as :func:`~circuitlab.exact.synthesis.exact_aig` does, SAT
calls ask for a circuit of ``r`` AND gates for ``r`` = the problem's trivial
bound, the bound + 1, ... (each call counterexample-guided over the
minterms, under the encoding's optimality-preserving symmetry breaks). Every
unsatisfiable ``r`` raises the proven lower bound; the first satisfiable
one is the minimum; a call that spends ``--conflicts`` stops the circuit
with its bound so far. A circuit found is checked on all 256 minterms.

Prints the mean AND counts of ``resyn2``, the product, the best circuit
known and the proven lower bound, each against ``resyn2``, and appends one
JSON line per circuit and one summary line to ``--record``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from held_out import random_8x2, resyn2_of  # noqa: E402  experiments/held_out.py
from records import append_records, git_rev  # noqa: E402  experiments/records.py


def bounds(aig, upper: int, conflicts: int, seed: int) -> tuple[int, int]:
    """``(lower, best)``: every count below ``lower`` is impossible; ``best`` ANDs exist.

    ``best`` is the first satisfiable count (then ``lower == best``), else ``upper``.
    """
    from circuitlab.exact.shrink import ShrinkParams, assemble, solve_gates
    from circuitlab.exact.synthesis import Problem
    from circuitlab.sim.simulate import table_bits, truth_tables

    rows = table_bits(truth_tables(aig), aig.num_inputs)
    problem = Problem.of(rows)
    if not len(problem.targets):
        return 0, 0
    # counterexample-guided on every support size (cegar_inputs 0)
    params = ShrinkParams(conflicts_per_call=conflicts, cegar_inputs=0, seed=seed)
    lower = problem.lower
    for r in range(problem.lower, upper):
        result = solve_gates(problem, r, params)
        if result is None:
            return lower, upper
        if result is False:
            lower = r + 1
            continue
        found = assemble(aig, problem, result)
        if not np.array_equal(table_bits(truth_tables(found), aig.num_inputs), rows):
            raise SystemExit("a circuit found by SAT computes other outputs")
        return lower, found.num_ands
    return lower, upper


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--circuits", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1000, help="seed of the random circuits")
    parser.add_argument("--conflicts", type=int, default=1_000_000,
                        help="conflict budget of each SAT call")
    parser.add_argument("--checkpoint", default=None, help="the product's transformer")
    parser.add_argument("--jobs", type=int, default=1, help="workers of the product's SAT search")
    parser.add_argument("--record", type=Path,
                        default=ROOT / "experiments" / "results" / "optimum_bounds.jsonl")
    args = parser.parse_args(argv)
    from circuitlab.training.threads import torch_threads
    with torch_threads(None):
        return run(args)


def run(args) -> int:
    from circuitlab.optimize.model import load_optimize_model
    from circuitlab.optimize.small import OptimizeParams, optimize_circuits
    from circuitlab.synth.abc import abc_available

    model, tok = load_optimize_model(args.checkpoint, "cpu")
    aigs = random_8x2(tok, args.circuits, args.seed)
    ref = resyn2_of(aigs)
    start = time.perf_counter()
    optimized = optimize_circuits(aigs, model, tok, OptimizeParams(jobs=args.jobs))
    product_s = time.perf_counter() - start
    rev = git_rev()
    rows = []
    start = time.perf_counter()
    for i, (aig, r2, opt) in enumerate(zip(aigs, ref, optimized)):
        lower, best = bounds(aig, opt.aig.num_ands, args.conflicts, seed=i)
        rows.append({"circuit": i, "seed": args.seed, "source": aig.num_ands,
                     "resyn2": r2.num_ands, "product": opt.aig.num_ands,
                     "best": best, "lower": lower, "optimal": lower == best})
        if (i + 1) % 20 == 0:
            print(f"{i + 1} circuits, {time.perf_counter() - start:.0f} s", flush=True)
    bound_s = time.perf_counter() - start
    mean = {k: float(np.mean([row[k] for row in rows]))
            for k in ("source", "resyn2", "product", "best", "lower")}
    proven = sum(row["optimal"] for row in rows)
    print(f"{len(rows)} random 8x2 circuits of seed {args.seed} (abc={abc_available()}); "
          f"SAT calls of {args.conflicts} conflicts")
    print(f"{'':<32}{'mean ANDs':>10}{'× resyn2':>10}")
    for key, label in (("source", "source"), ("resyn2", "resyn2"),
                       ("product", "product (optimize)"), ("best", "best circuit known"),
                       ("lower", "proven lower bound")):
        print(f"{label:<32}{mean[key]:>10.3f}{mean[key] / mean['resyn2']:>10.3f}")
    print(f"minimum proven on {proven}/{len(rows)} circuits; the product is minimal on "
          f"{sum(row['product'] == row['lower'] for row in rows)}; "
          f"product {product_s:.0f} s, bounds {bound_s:.0f} s")
    summary = {"summary": True, "circuits": len(rows), "seed": args.seed,
               "conflicts": args.conflicts, "rev": rev, "checkpoint": args.checkpoint,
               "abc": abc_available(), "proven_minimal": proven,
               **{f"mean_{k}": v for k, v in mean.items()},
               "lower_vs_resyn2": mean["lower"] / mean["resyn2"],
               "product_seconds": round(product_s, 1), "bound_seconds": round(bound_s, 1)}
    append_records(args.record, rows + [summary])
    return 0


if __name__ == "__main__":
    sys.exit(main())
