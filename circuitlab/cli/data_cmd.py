"""List and fetch the benchmark suites, pinned to a commit and checked against SHA-256 sums."""

from __future__ import annotations

import argparse

from circuitlab.fsutil import check_output_dir
from circuitlab.suites import fetch_suite, get_suite, list_suites


ALL = "all"


def _fetch(args: argparse.Namespace) -> int:
    if args.dest is not None:
        check_output_dir(args.dest, "--dest")
    names = [s.name for s in list_suites()] if args.suite == ALL else [args.suite]
    for name in names:
        get_suite(name)  # an unknown name fails before anything is fetched
    for name in names:
        path = fetch_suite(name, dest=args.dest, mirror=args.mirror, progress=args.progress)
        print(path)
    return 0


def _list(args: argparse.Namespace) -> int:
    suites = list_suites()
    width = max(len(s.name) for s in suites)
    for s in suites:
        print(f"{s.name:<{width}}  {len(s.files):>3} files  {s.size / 1e6:6.2f} MB  "
              f"{s.repo}@{s.commit}")
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True

    fetch = actions.add_parser("fetch", help="download a suite, verified against its SHA-256 sums",
                               description="Download a suite (or copy it from a mirror) and "
                                           "verify every file against its SHA-256 sum.")
    fetch.add_argument("suite", help=f"suite name (see 'circuitlab data list') or '{ALL}'")
    fetch.add_argument("--dest", metavar="DIR",
                       help="parent folder of the suite folder (default: the user cache)")
    fetch.add_argument("--mirror", metavar="DIR",
                       help="copy from a local mirror (DIR/aig/..., DIR/truth/...) "
                            "instead of downloading")
    fetch.add_argument("--no-progress", dest="progress", action="store_false",
                       help="do not show a progress bar")
    fetch.set_defaults(func=_fetch)

    listing = actions.add_parser("list", help="show the known suites and their pinned sources",
                                 description="Show the known suites: files, size and the "
                                             "repository commit each is pinned to.")
    listing.set_defaults(func=_list)
