"""Build PyG datasets of AIGs from a folder of designs (resumable, parallel).

KIND is 'verilog' (a folder of .v designs with .txt descriptions), 'aiger'
(.aig/.aag/.bench files), 'recipes' (designs x seeded random recipes with
every intermediate AIG, OpenABC-D style; --source a design folder or an rtl
corpus) or 'rtl' (--count distinct Verilog-AIG pairs of the random RTL
families, sharded; no --source). An interrupted build resumes without
redoing finished items; files that fail are skipped and listed, and the exit
status is then 1. Test-only designs (ITC'99, EPFL random_control, RTLLM) are
skipped and listed under "refused". A build that stops on an error leaves no
empty folder behind.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from circuitlab.cli.options import add_option, map_field
from circuitlab.datasets.sources import AIGER_SUFFIXES, VERILOG_SUFFIXES, list_sources
from circuitlab.errors import ParamError, require_choice
from circuitlab.fsutil import check_output_dir
from circuitlab.parallel import BuildOptions


def _build(args: argparse.Namespace) -> int:
    from circuitlab.datasets.params import KINDS, DatasetParams  # loads aigverse: only when used

    from circuitlab.datasets.rtl_corpus import is_rtl_corpus, read_index

    require_choice(args.kind, KINDS, "kind")
    check_output_dir(args.root, "--root")
    options = BuildOptions(jobs=args.jobs, ray=args.ray, progress=args.progress)
    if args.kind == "rtl":
        if args.source is not None:
            raise ParamError("source", "is not taken by kind rtl (it generates its designs)")
    elif args.source is None:
        raise ParamError("source", f"is required for kind {args.kind}")
    elif args.kind == "recipes" and is_rtl_corpus(args.source):
        read_index(args.source)  # a damaged index: one line, exit 2
    else:
        suffixes = {"verilog": VERILOG_SUFFIXES, "aiger": AIGER_SUFFIXES,
                    "recipes": VERILOG_SUFFIXES + AIGER_SUFFIXES}[args.kind]
        list_sources(Path(args.source), suffixes)  # a missing or empty folder: one line, exit 2
    if args.ray is not None:
        from circuitlab.parallel.ray_map import connect
        connect(args.ray)  # no cluster: one line, before any folder is made
    params = DatasetParams(kind=args.kind, encoding=args.encoding, recipes=args.recipes,
                           seed=args.seed, length=args.length, engine=args.engine,
                           count=args.count, shard_size=args.shard_size)
    if params.kind == "rtl":
        return _build_rtl(args, params, options)
    with _no_new_empty_folders(Path(args.root)):
        ds = _dataset(args, params, options)
    report = ds.report
    print(json.dumps({"kind": args.kind, "graphs": len(ds), "processed": ds.processed_dir,
                      "computed": len(report.computed), "reused": len(report.reused),
                      "failed": [list(f) for f in report.failed],
                      "refused": [list(r) for r in ds.refused],
                      "seconds": round(report.seconds, 2)}))
    return 1 if report.failed else 0


def _build_rtl(args: argparse.Namespace, params, options) -> int:
    """The rtl kind: 1 when Yosys rejected a design or too few distinct ones were found."""
    from circuitlab.datasets.rtl_corpus import build_rtl_corpus
    with _no_new_empty_folders(Path(args.root)):
        report = build_rtl_corpus(args.root, params.count, params.seed, params.shard_size,
                                  options=options)
    print(json.dumps({"kind": "rtl", "pairs": report.kept, "root": str(args.root),
                      **report.to_json()}))
    return 1 if report.failed or report.kept < params.count else 0


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
    build.add_argument("--source", metavar="DIR",
                       help="folder of designs (kind recipes: or an rtl corpus's --root); "
                            "not for kind rtl")
    map_field(build, "source", "--source")
    build.add_argument("--root", required=True, metavar="OUT", help="dataset folder")
    add_option(build, params, "encoding")
    add_option(build, params, "recipes", metavar="N")
    add_option(build, params, "seed", metavar="S")
    add_option(build, params, "length", metavar="L")
    add_option(build, params, "engine", choices=ENGINES)
    add_option(build, params, "count", metavar="N")
    add_option(build, params, "shard_size", metavar="N")
    defaults = BuildOptions()
    add_option(build, defaults, "jobs", metavar="N")
    add_option(build, defaults, "ray", metavar="auto|ADDRESS",
               help="map the items over a Ray cluster: 'auto' or its address "
                    "(default: a local process pool)")
    add_option(build, defaults, "progress", "--no-progress", help="no progress bar")
    build.set_defaults(func=_build)
