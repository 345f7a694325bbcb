"""Build PyG datasets of AIGs from a folder of designs (resumable, parallel).

KIND is 'verilog' (a folder of .v designs with .txt descriptions), 'aiger'
(.aig/.aag/.bench files) or 'recipes' (designs x seeded random recipes with
every intermediate AIG, OpenABC-D style). An interrupted build resumes
without redoing finished items; files that fail are skipped and listed, and
the exit status is then 1. A build that stops on an error leaves no empty
folder behind.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from circuitlab.cli.options import add_option, map_field
from circuitlab.datasets.sources import AIGER_SUFFIXES, VERILOG_SUFFIXES, list_sources
from circuitlab.errors import require_choice
from circuitlab.fsutil import check_output_dir
from circuitlab.parallel import BuildOptions


def _build(args: argparse.Namespace) -> int:
    from circuitlab.datasets.params import KINDS, DatasetParams  # loads aigverse: only when used

    require_choice(args.kind, KINDS, "kind")
    check_output_dir(args.root, "--root")
    options = BuildOptions(jobs=args.jobs, ray=args.ray, progress=args.progress)
    suffixes = {"verilog": VERILOG_SUFFIXES, "aiger": AIGER_SUFFIXES,
                "recipes": VERILOG_SUFFIXES + AIGER_SUFFIXES}[args.kind]
    list_sources(Path(args.source), suffixes)  # a missing or empty folder: one line, exit 2
    if args.ray is not None:
        from circuitlab.parallel.ray_map import connect
        connect(args.ray)  # no cluster: one line, before any folder is made
    params = DatasetParams(kind=args.kind, encoding=args.encoding, recipes=args.recipes,
                           seed=args.seed, length=args.length, engine=args.engine)
    with _no_new_empty_folders(Path(args.root)):
        ds = _dataset(args, params, options)
    report = ds.report
    print(json.dumps({"kind": args.kind, "graphs": len(ds), "processed": ds.processed_dir,
                      "computed": len(report.computed), "reused": len(report.reused),
                      "failed": [list(f) for f in report.failed],
                      "seconds": round(report.seconds, 2)}))
    return 1 if report.failed else 0


def _dataset(args: argparse.Namespace, params, options):
    if params.kind == "recipes":
        from circuitlab.datasets import RecipeCorpus
        return RecipeCorpus(args.root, args.source, recipes=params.recipes, seed=params.seed,
                            length=params.length, engine=params.engine,
                            encoding=params.encoding, options=options)
    # looked up at call time: tests stand in for it
    from circuitlab.datasets import AigerDataset, VerilogAigDataset
    cls = VerilogAigDataset if params.kind == "verilog" else AigerDataset
    return cls(args.root, args.source, encoding=params.encoding, options=options)


@contextlib.contextmanager
def _no_new_empty_folders(root: Path) -> Iterator[None]:
    """On an exception, remove the folders under (and up to) ``root`` that did not
    exist before and are empty (item files already built stay: the build resumes)."""
    existing = root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    before = {p for p in root.rglob("*") if p.is_dir()} if root.is_dir() else set()
    try:
        yield
    except BaseException:
        made = [p for p in root.rglob("*") if p.is_dir() and p not in before] \
            if root.is_dir() else []
        chain = []
        folder = root
        while folder != existing and folder != folder.parent:
            chain.append(folder)
            folder = folder.parent
        for folder in sorted(made, key=lambda p: len(p.parts), reverse=True) + chain:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only where it is empty
        raise


def configure(parser: argparse.ArgumentParser) -> None:
    from circuitlab.datasets.params import KINDS, DatasetParams  # loads aigverse: only when used
    from circuitlab.synth.recipes import ENGINES  # loads aigverse: only when used
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    build = actions.add_parser("build", help="build a dataset into --root",
                               description="Build a dataset of PyG graphs into --root; "
                                           "prints a JSON report.")
    params = DatasetParams  # its validation loads torch (the encodings)
    build.add_argument("kind", metavar="KIND", help=f"one of {', '.join(KINDS)}")
    map_field(build, "kind", "KIND")
    build.add_argument("--source", required=True, metavar="DIR", help="folder of designs")
    build.add_argument("--root", required=True, metavar="OUT", help="dataset folder")
    add_option(build, params, "encoding")
    add_option(build, params, "recipes", metavar="N")
    add_option(build, params, "seed", metavar="S")
    add_option(build, params, "length", metavar="L")
    add_option(build, params, "engine", choices=ENGINES)
    defaults = BuildOptions()
    add_option(build, defaults, "jobs", metavar="N")
    add_option(build, defaults, "ray", metavar="auto|ADDRESS",
               help="map the items over a Ray cluster: 'auto' or its address "
                    "(default: a local process pool)")
    add_option(build, defaults, "progress", "--no-progress", help="no progress bar")
    build.set_defaults(func=_build)
