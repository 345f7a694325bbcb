"""``circuitlab pipeline``: the main job on the project's own designs."""

from __future__ import annotations

from pathlib import Path

from circuitlab.cli.stats_cmd import format_table
from circuitlab.pipeline import DEFAULT_DESIGNS, PipelineParams, run_pipeline

COLUMNS = ["design", "inputs", "latches", "outputs", "ands", "levels", "ands_opt",
           "levels_opt", "recipe_engine", "equivalent", "ands_ct", "ct_equivalent", "seconds"]


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
    p.add_argument("--no-transformer", action="store_true",
                   help="skip the circuit-transformer window rewriting stage")
    p.add_argument("--windows", type=int, default=16,
                   help="windows the transformer tries per design (default 16)")
    p.add_argument("--checkpoint", type=Path, default=None,
                   help="transformer checkpoint (default: the shipped one)")
    p.set_defaults(func=run)


def run(args) -> int:
    params = PipelineParams(designs=args.designs, out=args.out, recipe=args.recipe,
                            engine=args.engine, jobs=args.jobs,
                            transformer=not args.no_transformer, windows=args.windows,
                            checkpoint=args.checkpoint)
    rows = run_pipeline(params, progress=not args.no_progress)
    table = [{c: row.get(c, "-") for c in COLUMNS} for row in rows]
    print(format_table(table, COLUMNS))
    for r in rows:
        if "warning" in r:
            print(f"{r['design']}: warning: {r['warning']}")
    errors = [r for r in rows if "error" in r]
    for r in errors:
        print(f"{r['design']}: {r['error']}")
    proven = sum(r.get("equivalent") == "equivalent" for r in rows)
    before = sum(r.get("ands", 0) for r in rows if "ands_opt" in r)
    after = sum(r.get("ands_opt", 0) for r in rows)
    print(f"\n{len(rows)} designs, {proven} optimised and proven equivalent; "
          f"ANDs {before} -> {after} with {params.recipe}; results in {params.out / 'results.jsonl'}")
    if params.transformer:
        done = [r for r in rows if "ands_ct" in r]
        ct_proven = sum(r.get("ct_equivalent") == "equivalent" for r in done)
        improved = sum(r["ands_ct"] < r["ands_opt"] for r in done)
        print(f"circuit transformer (windows of <= 8 inputs, 2 outputs): "
              f"ANDs {sum(r['ands_opt'] for r in done)} -> {sum(r['ands_ct'] for r in done)}; "
              f"{improved} designs smaller, {ct_proven}/{len(done)} proven equivalent")
        for r in rows:
            if "ct_error" in r:
                print(f"{r['design']}: transformer: {r['ct_error']}")
    bad = [r for r in rows if "not_equivalent" in (r.get("equivalent"), r.get("ct_equivalent"))]
    ct_errors = [r for r in rows if "ct_error" in r]
    return 1 if bad or errors or ct_errors else 0
