"""Rank synthesis recipes for a design by the AND count a QoR head predicts they leave.

qor rank DESIGN -o ranking.csv reads DESIGN (.v/.sv synthesised with
Yosys, .aig, .aag or .bench), embeds it with the head's frozen encoder and
writes every candidate recipe, best first by the head's ranking score, with
the AND count it predicts (a second output; the two agree only roughly);
the candidates are the lines of --recipes FILE or --random N seeded random
20-step recipes over OpenABC-D's seven steps. --apply K runs the K best
with the real engine, proves each result equivalent to DESIGN and prints
the actual counts next to the predicted ones.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from circuitlab.cli.options import add_design_options, add_option, design_params
from circuitlab.cli.stats_cmd import format_table
from circuitlab.fsutil import atomic_path, check_input_file, check_output_file
from circuitlab.synth.design import read_design
from circuitlab.synth.vocabulary import abbreviate
from circuitlab.tasks.qor_rank import RankParams, apply_best, rank_recipes, read_recipe_file
from circuitlab.training.threads import uses_torch

CSV_COLUMNS = ["rank", "recipe", "predicted_ands", "score", "actual_ands", "actual_depth",
               "equivalent"]
SHOWN = 10


def configure(parser: argparse.ArgumentParser) -> None:
    from circuitlab.synth.recipes import ENGINES  # loads aigverse: only when used
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    rank = actions.add_parser("rank", help="rank recipes for a design, best first",
                              description="Rank synthesis recipes for DESIGN by the AND count "
                                          "the QoR head predicts; write them to a CSV file.")
    defaults = RankParams()
    rank.add_argument("design", metavar="DESIGN", help="circuit: .v/.sv, .aig, .aag or .bench")
    rank.add_argument("-o", "--output", required=True, metavar="CSV",
                      help="output CSV: rank, recipe, predicted_ands, score (and the actual "
                           "results of --apply)")
    rank.add_argument("--recipes", metavar="FILE", type=Path,
                      help="candidate recipes, one per line (';'-separated steps); "
                           "default: --random N seeded random recipes")
    add_option(rank, defaults, "random", metavar="N")
    add_option(rank, defaults, "seed", metavar="S")
    add_option(rank, defaults, "length", metavar="L")
    add_option(rank, defaults, "checkpoint", metavar="FILE",
               help="QoR head checkpoint (default: the shipped head)")
    add_option(rank, defaults, "apply", metavar="K")
    add_option(rank, defaults, "engine", choices=ENGINES)
    add_option(rank, defaults, "node_budget", metavar="N")
    add_design_options(rank)
    rank.set_defaults(func=run_rank)


def _write_csv(path: Path, rows: list[dict]) -> None:
    import csv

    with atomic_path(path) as tmp:
        with open(tmp, "w", newline="") as fh:
            writer = csv.DictWriter(fh, CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "predicted_ands": f"{row['predicted_ands']:.1f}",
                                 "score": f"{row['score']:.4f}"})


@uses_torch
def run_rank(args: argparse.Namespace) -> int:
    from circuitlab.synth.recipes import random_recipe  # loads aigverse: only when used

    params = RankParams(checkpoint=args.checkpoint, random=args.random, seed=args.seed,
                        length=args.length, apply=args.apply, engine=args.engine,
                        node_budget=args.node_budget)
    reading = design_params(args)
    check_output_file(args.output, "-o")
    check_input_file(args.design)
    if params.checkpoint is not None:
        check_input_file(params.checkpoint, kind="QoR checkpoint")
    if args.recipes is not None:
        check_input_file(args.recipes, kind="recipe file")
        recipes = read_recipe_file(args.recipes)
    else:
        recipes = [tuple(random_recipe(params.seed + k, params.length))
                   for k in range(params.random)]
    from circuitlab.tasks.qor_head import load_head  # torch, once the inputs are checked
    head, encoder, meta = load_head(params.checkpoint)
    aig = read_design(args.design, reading)
    rows = rank_recipes(aig, recipes, head, encoder, params.node_budget, what=args.design)
    applied = apply_best(aig, rows, params.apply, params.engine) if params.apply else []
    _write_csv(Path(args.output), rows)

    trained = meta.get("recipes", {})
    print(f"{args.design}: {aig.num_ands} ANDs; {len(rows)} recipes ranked by the "
          f"{'shipped' if params.checkpoint is None else params.checkpoint} QoR head "
          f"(trained on {trained.get('length', '?')}-step recipes, {trained.get('engine', '?')} "
          f"labels); ranking in {args.output}")
    shown = [{"rank": r["rank"], "predicted": f"{r['predicted_ands']:.1f}",
              "recipe": _short(r["recipe"])} for r in rows[:SHOWN]]
    print(format_table(shown, ["rank", "predicted", "recipe"]))
    if applied:
        print(f"the best {len(applied)} run with {params.engine}:")
        table = [{"rank": r["rank"], "predicted": f"{r['predicted_ands']:.1f}",
                  "actual": r["actual_ands"], "depth": r["actual_depth"],
                  "equivalent": r["equivalent"]} for r in applied]
        print(format_table(table, ["rank", "predicted", "actual", "depth", "equivalent"]))
    bad = [r for r in applied if r["equivalent"] != "equivalent"]
    for r in bad:
        print(f"rank {r['rank']}: the result is {r['equivalent']} to {args.design} "
              f"({r['cec_engine']})")
    return 1 if bad else 0


def _short(recipe: str, width: int = 70) -> str:
    """``recipe`` in ABC's short names (which the recipe syntax also reads), cut to ``width``."""
    text = "; ".join(abbreviate(s) for s in recipe.split("; "))
    return text if len(text) <= width else text[:width - 3] + "..."
