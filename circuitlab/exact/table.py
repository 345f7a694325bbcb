"""Minimum AND counts of all 222 NPN classes of 4-input functions.

The checked-in ``npn4_min_ands.tsv`` holds one row per class: the
canonical table as four hex digits, its minimum AND count and whether that
count is proven optimal (where a SAT call ran out of time, the count is the
size of the smallest circuit found, an upper bound). NPN transforms cost no AND gates in an AIG
(inverters are free), so every function of a class has the same minimum.

Regenerate it with ``python -m circuitlab.exact.table --write``; the rows
done so far are kept in ``<table>.partial``, from which an interrupted run
resumes; ``--unproven`` redoes only the rows not proven optimal. A row the
SAT search leaves unproven takes the size of the circuit in
``upper_bounds/<canon_hex>.aag`` when that one is no larger (and computes
the class's canonical table): circuits found by other means, such as
:func:`circuitlab.optimize.small.optimize_circuits`. The search then
only has to prove fewer gates impossible, and the row is optimal when it
does.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from circuitlab.errors import CircuitlabError
from circuitlab.exact.npn import npn_canon, npn_classes
from circuitlab.exact.synthesis import ExactParams, exact_aig
from circuitlab.fsutil import atomic_path
from circuitlab.parallel import pmap
from circuitlab.io.aiger import read_aiger
from circuitlab.sim.simulate import truth_tables

TABLE_PATH = Path(__file__).with_name("npn4_min_ands.tsv")
UPPER_BOUNDS = Path(__file__).with_name("upper_bounds")
HEADER = ("canon_hex", "min_ands", "optimal")
NUM_CLASSES = 222
# Table generation proves every class optimal, so no call has a time limit.
TABLE_PARAMS = ExactParams(max_gates=12, seconds_per_call=None)


@dataclass(frozen=True)
class ClassSize:
    """One row of the table.

    Attributes:
        canon: the canonical 4-input truth table of the class.
        min_ands: the fewest AND gates of an AIG computing it.
        optimal: ``min_ands`` is proven minimum.
        seconds: synthesis time (not stored in the file).
    """

    canon: int
    min_ands: int
    optimal: bool
    seconds: float = 0.0


def _parse_bool(text: str, where: str) -> bool:
    if text not in ("True", "False"):
        raise CircuitlabError(f"{where}: optimal must be True or False, got {text!r}")
    return text == "True"


def read_table(path: str | os.PathLike = TABLE_PATH) -> dict[int, ClassSize]:
    """Rows of a table file by canonical table.

    Raises:
        CircuitlabError: for a missing or malformed file, naming the line.
    """
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as err:
        raise CircuitlabError(f"cannot read {path}: {err.strerror}") from None
    rows: dict[int, ClassSize] = {}
    header_seen = False
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            if tuple(fields) != HEADER:
                raise CircuitlabError(f"{where}: expected header {' '.join(HEADER)}")
            header_seen = True
            continue
        if len(fields) != 3:
            raise CircuitlabError(f"{where}: expected 3 tab-separated fields, got {len(fields)}")
        try:
            canon, size = int(fields[0], 16), int(fields[1])
        except ValueError:
            raise CircuitlabError(f"{where}: malformed number in {line!r}") from None
        rows[canon] = ClassSize(canon, size, _parse_bool(fields[2], where))
    return rows


@functools.lru_cache(maxsize=1)
def _checked_in() -> dict[int, ClassSize]:
    rows = read_table(TABLE_PATH)
    if len(rows) != NUM_CLASSES:
        raise CircuitlabError(f"{TABLE_PATH} has {len(rows)} classes, expected {NUM_CLASSES}")
    return rows


def min_ands_table() -> dict[int, ClassSize]:
    """The checked-in table, by canonical table (read once per process)."""
    return dict(_checked_in())


def min_ands_4(table: int) -> int:
    """The fewest AND gates of an AIG computing a 4-input function.

    For the few classes whose row is not proven optimal this is an upper
    bound; :func:`min_ands_table` tells which.

    Args:
        table: the truth table, 16 bits (bit ``m`` = value on minterm ``m``).

    Raises:
        CircuitlabError: for a table wider than 16 bits.
    """
    return _checked_in()[npn_canon(table, 4).canon].min_ands


def upper_bound_circuits(folder: str | os.PathLike = UPPER_BOUNDS) -> dict:
    """The circuits of ``folder/<canon_hex>.aag``, by canonical table.

    Raises:
        CircuitlabError: a file that is not a 4-input, 1-output AIGER
            circuit computing the table its name gives.
    """
    out = {}
    for path in sorted(Path(folder).glob("*.aag")):
        try:
            canon = int(path.stem, 16)
        except ValueError:
            raise CircuitlabError(f"{path}: the name must be a canonical table in hex") from None
        aig = read_aiger(path)
        if (aig.num_inputs, aig.num_outputs) != (4, 1) or int(truth_tables(aig)[0, 0]) != canon:
            raise CircuitlabError(f"{path}: not a 4-input, 1-output circuit of table {canon:04x}")
        out[canon] = aig
    return out


def synthesize_class(canon: int, params: ExactParams = TABLE_PARAMS) -> ClassSize:
    """Exact synthesis of one class; an unproven size is lowered by :func:`upper_bound_circuits`.

    With a known circuit of the class, the search stops below its size: what
    is left to settle is only whether fewer gates are impossible.
    """
    known = upper_bound_circuits()
    if canon in known:
        params = dataclasses.replace(params, max_gates=min(params.max_gates,
                                                           known[canon].num_ands - 1))
    _, stats = exact_aig(canon, 4, params)
    row = ClassSize(canon, stats.gates, stats.optimal, stats.seconds)
    return row if row.optimal else tighten(row, known, stats.proven_below)


def tighten(row: ClassSize, known: dict | None = None, proven_below: int = 0) -> ClassSize:
    """An unproven ``row`` with the size of a known circuit of its class when that
    is no larger; proven optimal when every smaller count is proven impossible
    (below ``proven_below``, as :class:`~circuitlab.exact.synthesis.ExactStats` has it).

    Raises:
        CircuitlabError: a known circuit smaller than a count proven impossible.
    """
    known = upper_bound_circuits() if known is None else known
    aig = known.get(row.canon)
    if row.optimal or aig is None or aig.num_ands > row.min_ands:
        return row
    if aig.num_ands < proven_below:
        raise CircuitlabError(f"upper_bounds/{row.canon:04x}.aag has {aig.num_ands} ANDs, but "
                              f"SAT proved fewer than {proven_below} impossible")
    return ClassSize(row.canon, aig.num_ands, aig.num_ands == proven_below, row.seconds)


def compute_table(params: ExactParams = TABLE_PARAMS, workers: int = 1, log=None,
                  done: Sequence[ClassSize] = (), save=None) -> list[ClassSize]:
    """Synthesise every class, ``workers`` processes at a time, sorted by class.

    Args:
        done: rows already computed (proven optimal ones are kept, the
            others are computed again).
        save: called with all rows so far after each new row.
    """
    results = [row for row in done if row.optimal]
    kept = {row.canon for row in results}
    classes = [c for c in npn_classes(4) if c not in kept]
    job = functools.partial(synthesize_class, params=params)

    def add(row: ClassSize) -> None:
        results.append(row)
        _log(log, row, len(results))
        if save is not None:
            save(sorted(results, key=lambda r: r.canon))

    for _, row in pmap(job, [(canon,) for canon in classes], max(1, workers)):
        add(row)
    return sorted(results, key=lambda row: row.canon)


def _log(log, row: ClassSize, done: int) -> None:
    if log is not None:
        print(f"[{done:3d}/{NUM_CLASSES}] {row.canon:04x}: {row.min_ands} ANDs"
              f"{'' if row.optimal else ' (not proven)'} in {row.seconds:.1f}s",
              file=log, flush=True)


def write_table(rows: Sequence[ClassSize], path: str | os.PathLike = TABLE_PATH,
                note: str = "") -> None:
    """Write ``rows`` atomically."""
    lines = ["# Minimum AND counts of the NPN classes of 4-input functions;",
             "# where optimal is False, min_ands is an upper bound. A row's circuit that",
             "# SAT did not find is in upper_bounds/<canon_hex>.aag (optimal when SAT",
             "# proved every smaller count impossible).",
             "# Generated by: python -m circuitlab.exact.table --write" + note,
             "\t".join(HEADER)]
    lines += [f"{row.canon:04x}\t{row.min_ands}\t{row.optimal}" for row in rows]
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(lines) + "\n")


def _generated(path) -> str:
    """What the table's ``Generated by`` line says after the command."""
    prefix = "# Generated by: python -m circuitlab.exact.table --write"
    for line in Path(path).read_text().splitlines():
        if line.startswith(prefix):
            return line[len(prefix):]
    return ""


def distribution(rows: Sequence[ClassSize]) -> dict[int, int]:
    """Number of classes per minimum AND count."""
    return dict(sorted(Counter(row.min_ands for row in rows).items()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m circuitlab.exact.table",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="synthesise every class and write the table")
    parser.add_argument("--unproven", action="store_true",
                        help="synthesise again only the rows of the table that are not "
                             "proven optimal, and write it")
    parser.add_argument("--out", default=str(TABLE_PATH), help="table to write or read")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--solver", default=TABLE_PARAMS.solver)
    parser.add_argument("--seconds", type=float, default=None,
                        help="time limit of one SAT call; rows it cuts short are "
                             "written as upper bounds, optimal False (default: none)")
    args = parser.parse_args(argv)
    try:
        if args.unproven:
            params = ExactParams(max_gates=TABLE_PARAMS.max_gates, seconds_per_call=args.seconds,
                                 solver=args.solver)
            rows = compute_table(params, max(1, args.workers), log=sys.stderr,
                                 done=list(read_table(args.out).values()))
            limit = "" if args.seconds is None else f" --seconds {args.seconds:g}"
            write_table(rows, args.out, _generated(args.out) + f"; then --unproven{limit}")
        elif args.write:
            params = ExactParams(max_gates=TABLE_PARAMS.max_gates, seconds_per_call=args.seconds,
                                 solver=args.solver)
            partial = Path(args.out + ".partial")
            done = list(read_table(partial).values()) if partial.exists() else []
            if done:
                print(f"resuming from {partial}: {len(done)} classes", file=sys.stderr)
            start = time.perf_counter()
            rows = compute_table(params, max(1, args.workers), log=sys.stderr, done=done,
                                 save=lambda rows: write_table(rows, partial, " (partial)"))
            seconds = time.perf_counter() - start
            limit = "" if args.seconds is None else f", --seconds {args.seconds:g}"
            write_table(rows, args.out, f" (solver {params.solver}{limit})")
            partial.unlink(missing_ok=True)
            print(f"wrote {args.out} in {seconds:.1f}s", file=sys.stderr)
        else:
            rows = list(read_table(args.out).values())
        print(f"{len(rows)} classes, all optimal: {all(r.optimal for r in rows)}")
        for size, count in distribution(rows).items():
            print(f"{size}\t{count}")
    except CircuitlabError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
