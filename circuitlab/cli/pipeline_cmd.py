"""Synthesise the project's Verilog designs, optimise them and prove each result equivalent.

Each design goes through Yosys, a synthesis recipe and an equivalence
check, then windowed resynthesis (the circuit transformer, a SAT search,
the classical scripts) shrinks the optimised circuit; each design's row is
appended to results.jsonl in the output folder as it finishes, and a rerun
into the same folder skips the designs already there.
"""

from __future__ import annotations

import argparse

from circuitlab.cli.options import add_design_options, add_option, design_params
from circuitlab.cli.stats_cmd import format_table
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import check_input_file, check_output_dir
from circuitlab.pipeline import EMBEDDINGS, PipelineParams
from circuitlab.training.threads import uses_torch

COLUMNS = ["design", "inputs", "latches", "outputs", "ands", "levels", "ands_opt",
           "levels_opt", "recipe_engine", "equivalent", "ands_win", "win_equivalent", "seconds"]


def configure(parser: argparse.ArgumentParser) -> None:
    from circuitlab.synth.recipes import ENGINES  # loads aigverse: only when used
    defaults = PipelineParams()
    add_option(parser, defaults, "designs", metavar="DIR",
               help="folder of <name>.v designs (default: the project's data/designs)")
    add_option(parser, defaults, "out", metavar="DIR",
               help="output folder for the AIGs and results.jsonl")
    add_option(parser, defaults, "recipe", help="script name or ';'-separated steps")
    add_option(parser, defaults, "engine", choices=ENGINES,
               help="recipe engine: abc, aigverse, or auto: ABC when installed")
    add_option(parser, defaults, "jobs", metavar="N", help="worker processes")
    add_design_options(parser, circuits=False)
    add_option(parser, defaults, "transformer", "--no-transformer",
               help="skip the windowed resynthesis stage (transformer, SAT, scripts)")
    add_option(parser, defaults, "window_seconds", metavar="S",
               help="seconds of windowed resynthesis (transformer, SAT, scripts) per design")
    add_option(parser, defaults, "checkpoint", metavar="FILE",
               help="transformer checkpoint (default: the shipped one)")
    add_option(parser, defaults, "encoder", "--no-encoder",
               help="skip embedding the designs with the shipped graph encoder")
    add_option(parser, defaults, "qor", "--no-qor",
               help="skip the QoR-ranking evaluation of the shipped head on held-out designs")
    add_option(parser, defaults, "qor_recipes", metavar="N",
               help="recipes per held-out design in the QoR evaluation")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="do not show a progress bar")
    parser.set_defaults(func=run)


def build_params(args: argparse.Namespace):
    """The :class:`~circuitlab.pipeline.PipelineParams` the options ask for."""
    return PipelineParams(designs=args.designs, out=args.out, recipe=args.recipe,
                          engine=args.engine, jobs=args.jobs,
                          synthesis=design_params(args), transformer=args.transformer,
                          window_seconds=args.window_seconds, checkpoint=args.checkpoint,
                          encoder=args.encoder, qor=args.qor, qor_recipes=args.qor_recipes)


@uses_torch
def run(args) -> int:
    from circuitlab.pipeline import run_pipeline  # looked up at call time: tests stand in for it
    from circuitlab.synth.recipes import parse_recipe  # loads aigverse: only when used

    params = build_params(args)
    parse_recipe(params.recipe)
    check_output_dir(params.out, "--out")
    if params.checkpoint is not None and params.transformer:
        check_input_file(params.checkpoint, "--checkpoint")
        from circuitlab.optimize.model import load_optimize_model  # loads aigverse: only when used
        # a file that is no checkpoint fails before the work
        load_optimize_model(params.checkpoint, "cpu")
    rows = run_pipeline(params, progress=args.progress)
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
          f"ANDs {before} -> {after} with {params.recipe}; "
          f"results in {params.out / 'results.jsonl'}")
    if params.transformer:
        done = [r for r in rows if "ands_win" in r]
        win_proven = sum(r.get("win_equivalent") == "equivalent" for r in done)
        improved = sum(r["ands_win"] < r["ands_opt"] for r in done)
        print(f"windowed resynthesis (transformer, SAT, scripts; "
              f"{params.window_seconds:g} s per design): "
              f"ANDs {sum(r['ands_opt'] for r in done)} -> {sum(r['ands_win'] for r in done)}; "
              f"{improved} designs smaller, {win_proven}/{len(done)} proven equivalent")
        for r in rows:
            if "win_error" in r:
                print(f"{r['design']}: windowed flow: {r['win_error']}")
    if params.encoder:
        print_neighbours(rows, params)
    if params.qor:
        print_qor(rows)
    bad = [r for r in rows if "not_equivalent" in (r.get("equivalent"), r.get("win_equivalent"))]
    win_errors = [r for r in rows if "win_error" in r]
    return 1 if bad or errors or win_errors else 0


NEIGHBOURS_SHOWN = 10


def print_neighbours(rows: list[dict], params) -> None:
    """The nearest other design of the first designs, by the shipped encoder's embeddings.

    Beside each raw cosine stands the calibrated score of
    :mod:`circuitlab.tasks.calibration` (the cosine after centring on the
    shipped reference designs; about 0 for unrelated designs), and a summary
    line gives the mean cosine between two different designs of the run.
    """
    from circuitlab.pipeline import EMBEDDINGS
    done = [r for r in rows if "nearest" in r]
    for r in rows:
        if "encoder_error" in r:
            print(f"graph encoder: {r['encoder_error']}")
            return
    if not done:
        return
    calibrated = _calibrated(params.out / EMBEDDINGS)
    from circuitlab.nn.pretrained import DEFAULT_CHECKPOINT, load_pretrain_checkpoint
    state = load_pretrain_checkpoint(DEFAULT_CHECKPOINT)
    what = f"{state['config']['encoder']['backbone']}, pre-trained with {state['config']['method']}"
    print(f"graph encoder (shipped: {what}): {len(done)} designs embedded in "
          f"{params.out / EMBEDDINGS}; nearest other design by cosine similarity "
          f"(raw{', centred' if calibrated else ''}):")
    for r in done[:NEIGHBOURS_SHOWN]:
        extra = ""
        if calibrated:
            extra = f", {calibrated['pairs'].get((r['design'], r['nearest']), float('nan')):.3f}"
        print(f"  {r['design']:>14} ~ {r['nearest']} ({r['nearest_cos']:.3f}{extra})")
    if len(done) > NEIGHBOURS_SHOWN:
        print(f"  ... {len(done) - NEIGHBOURS_SHOWN} more in {EMBEDDINGS} (nearest, nearest_cos)")
    if calibrated:
        print(f"  mean cosine between two different designs: raw {calibrated['raw']:.3f}, "
              f"centred {calibrated['centred']:.3f} (centred: after subtracting the mean "
              f"embedding of {calibrated['reference']} reference training designs; "
              "unrelated designs score about 0)")


def _calibrated(path) -> dict | None:
    """Centred cosines of the saved embeddings, or ``None`` without a shipped reference."""
    import numpy as np

    from circuitlab.tasks.calibration import load_reference
    from circuitlab.tasks.similarity import pairwise_cosine
    reference = load_reference()
    if reference is None or not path.exists():
        return None
    with np.load(path) as saved:
        names, graphs = [str(n) for n in saved["designs"]], saved["graphs"]
    if len(names) < 2:
        return None
    off = ~np.eye(len(names), dtype=bool)
    centred = reference.pairwise(graphs)
    return {"raw": float(pairwise_cosine(graphs)[off].mean()),
            "centred": float(centred[off].mean()),
            "reference": len(reference.designs),
            "pairs": {(a, b): float(centred[i, j]) for i, a in enumerate(names)
                      for j, b in enumerate(names)}}


QOR_METRICS = ["ndcg@3", "ndcg@5", "top3%", "top5%", "top10%", "mape"]


def print_qor(rows: list[dict]) -> None:
    """The shipped QoR head next to the mean-rank baseline, averaged over the held-out rows."""
    for r in rows:
        if "qor_error" in r:
            print(f"QoR ranking: {r['qor_error']}")
            return
    done = [r for r in rows if "qor" in r]
    if not done:
        return
    ranked = [r for r in done if r["qor"]["spread"] > 1]
    print(f"QoR ranking (shipped head, {done[0]['qor']['recipes']} recipes on each of "
          f"{len(done)} held-out designs, {len(ranked)} with more than one AND count; labels "
          f"by {done[0]['qor']['engine']}; {sum(r['qor_seconds'] for r in done):.1f} s):")
    table = []
    names = {"model": "QoR head", "baseline": "mean-rank baseline", "random": "random order"}
    for side in ("model", "baseline", "random"):
        line = {"": names[side]}
        for key in QOR_METRICS:
            values = [r["qor"][side][key] for r in done if r["qor"][side].get(key) is not None]
            line[key] = f"{sum(values) / len(values):.3f}" if values else "-"
        table.append(line)
    print(format_table(table, [""] + QOR_METRICS))
