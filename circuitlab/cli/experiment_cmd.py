"""Run an experiment config (every seed x encoder x task cell) or report its results.

circuitlab experiment run CONFIG appends one JSON line per (seed, encoder,
task) to the config's results file (the git revision, the resolved config,
every metric, the baseline's, per-design rows, the wall time); a rerun skips
the cells already there, a failing cell records its error and the run goes
on; the exit status is 1 when a cell failed. --quick applies the config's
[quick] section (fewer designs, steps and samples). circuitlab experiment
report RESULTS -o DIR writes DIR/report.md (per task: mean ± 95 % CI over
seeds for each encoder and the baseline, then per test design) and
DIR/<task>.png, every average computed from the lines. The full protocol is
experiments/configs/tasks.toml.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from circuitlab.cli.options import add_option
from circuitlab.training.threads import torch_threads
from circuitlab.fsutil import check_output_file
from circuitlab.protocol.config import RunOptions, load_config
from circuitlab.protocol.report import write_report


def _run(args: argparse.Namespace) -> int:
    options = RunOptions(quick=args.quick, data_root=args.data_root, cache=args.cache,
                         results=args.results, threads=args.threads)
    config = load_config(args.config, quick=options.quick, data_root=options.data_root,
                         cache=options.cache, results=options.results)
    check_output_file(config.results, "--results" if options.results else
                      f"{config.path}: results")

    from circuitlab.protocol import run_experiment  # the cells' models: torch

    with torch_threads(options.threads):
        summary = run_experiment(config)
    print(f"{summary.ok} cells run, {summary.failed} failed, {summary.skipped} already done; "
          f"results in {config.results}", file=sys.stderr)
    return 1 if summary.failed else 0


def _report(args: argparse.Namespace) -> int:
    for path in write_report(Path(args.results), Path(args.out), plots=args.plots,
                             config_hash=args.config_hash):
        print(path)
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True

    run = actions.add_parser("run", help="run every cell of a config not yet in its results",
                             description="Run every (seed, encoder, task) cell of CONFIG that "
                                         "its results file does not hold yet.")
    run.add_argument("config", metavar="CONFIG", help="experiment config (.toml)")
    defaults = RunOptions()
    add_option(run, defaults, "quick")
    add_option(run, defaults, "data_root", metavar="DIR")
    add_option(run, defaults, "cache", metavar="DIR")
    add_option(run, defaults, "results", metavar="FILE")
    add_option(run, defaults, "threads", metavar="N")
    run.set_defaults(func=_run)

    report = actions.add_parser("report", help="tables and plots of a results file",
                                description="Write DIR/report.md and DIR/<task>.png from the "
                                            "lines of RESULTS (one config's lines).")
    report.add_argument("results", metavar="RESULTS", help="JSON-lines results file")
    report.add_argument("-o", "--out", metavar="DIR", required=True, help="output folder")
    report.add_argument("--config-hash", metavar="HASH",
                        help="report this config's lines (default: the last line's config)")
    report.add_argument("--no-plots", dest="plots", action="store_false",
                        help="write the markdown only")
    report.set_defaults(func=_report)
