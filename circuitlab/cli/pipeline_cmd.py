"""``circuitlab pipeline``: the main job on the project's own designs."""

from __future__ import annotations

from pathlib import Path

from circuitlab.cli.stats_cmd import format_table
from circuitlab.pipeline import DEFAULT_DESIGNS, PipelineParams, run_pipeline

COLUMNS = ["design", "inputs", "latches", "outputs", "ands", "levels", "ands_opt",
           "levels_opt", "recipe_engine", "equivalent", "cec_engine", "seconds"]


def add_parser(sub) -> None:
    p = sub.add_parser("pipeline", help="synthesise data/designs, optimise, prove equivalent")
    p.add_argument("--designs", type=Path, default=DEFAULT_DESIGNS,
                   help="folder of <name>.v designs (default: the project's data/designs)")
    p.add_argument("--out", type=Path, default=Path("out/pipeline"),
                   help="output folder for AIGs and results.jsonl (default: out/pipeline)")
    p.add_argument("--recipe", default="resyn2", help="script name or ';'-separated steps")
    p.add_argument("--engine", default="auto", choices=["auto", "abc", "aigverse"])
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    params = PipelineParams(designs=args.designs, out=args.out, recipe=args.recipe,
                            engine=args.engine, jobs=args.jobs)
    rows = run_pipeline(params, progress=not args.no_progress)
    table = [{c: row.get(c, "-") for c in COLUMNS} for row in rows]
    print(format_table(table, COLUMNS))
    errors = [r for r in rows if "error" in r]
    for r in errors:
        print(f"{r['design']}: {r['error']}")
    proven = sum(r.get("equivalent") == "equivalent" for r in rows)
    before = sum(r.get("ands", 0) for r in rows if "ands_opt" in r)
    after = sum(r.get("ands_opt", 0) for r in rows)
    print(f"\n{len(rows)} designs, {proven} optimised and proven equivalent; "
          f"ANDs {before} -> {after} with {params.recipe}; results in {params.out / 'results.jsonl'}")
    bad = [r for r in rows if r.get("equivalent") == "not_equivalent"]
    return 1 if bad or errors else 0
