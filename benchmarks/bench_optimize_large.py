"""Large circuits: ABC's scripts, &deepsyn, and our windowed flow, at equal time.

    python benchmarks/bench_optimize_large.py [--circuits c432 sqrt ...] [--seconds 30]
        [--jobs 1] [--json FILE] [--no-ours] [--checkpoint PATH] [--device cpu]

For each circuit (default: ISCAS'85 but c17, and the EPFL arithmetic
suite, from ``../shared/data/aig``), with ABC (``berkeley-abc``; the
script stops with a message when it is absent), the AND count and wall
time of:

* ``resyn2``: the baseline every ratio is taken against, run in this
  process;
* ``compress2rs`` twice, from the circuit;
* ``&deepsyn -T S``, from the circuit, given the same ``--seconds`` S as
  our flow;
* ours: :func:`circuitlab.optimize.windowed.optimize_windows` with
  ``WindowParams(seconds=S, jobs=J)``, started from the ``resyn2`` result;
  the generator that gave the most of its gain is named (``by``), and the
  ANDs each generator saved (``gain``).

Recipes are spelled out (:data:`circuitlab.synth.recipes.SCRIPTS`, ABC
runs without ``abc.rc``; ``&deepsyn`` gets ABC's standard aliases, which it
calls). Times (``t_*``) are wall-clock seconds and include starting ABC
and reading and writing the circuit; the JSON lines add CPU seconds
(``cpu_seconds``: this process and its children). ABC's ``-T`` counts
CPU time, so on a loaded machine ``&deepsyn -T S`` takes longer than S
seconds of wall-clock time.

Every result is checked equivalent to the circuit it started from with
:func:`circuitlab.verify.check_equivalence` (``eq``: ``y`` equivalent,
``?`` undecided within ``--check-seconds``, ``N`` not equivalent). A
result of ours that is not proven equivalent counts as a failure; the
script exits with status 1 when there is any. ``--json`` appends one JSON
line per circuit with the git revision.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from pathlib import Path

from _common import SHARED, print_table, require_shared
from circuitlab.aig import Aig
from circuitlab.io import read_aiger
from circuitlab.pipeline import git_revision
from circuitlab.synth.abc import abc_available, run_abc_script
from circuitlab.synth.best_of import DEEPSYN, Script
from circuitlab.synth.recipes import SCRIPTS
from circuitlab.verify import CheckParams, Verdict, check_equivalence

SUITES = ("iscas85", "epfl_arithmetic")
SKIPPED = ("c17",)  # 6 ANDs: nothing to measure
RESYN2 = SCRIPTS["resyn2"].split("; ")
COMPRESS2RS_TWICE = SCRIPTS["compress2rs"].split("; ") * 2
SCRIPT_TIMEOUT = 3600.0
MARK = {Verdict.EQUIVALENT: "y", Verdict.UNDECIDED: "?", Verdict.NOT_EQUIVALENT: "N"}


def circuit_files(names: list[str] | None) -> list[Path]:
    """The circuits' files, in suite order; an unknown name stops the script."""
    found = {p.stem: p for suite in SUITES
             for p in sorted(require_shared("aig", suite).glob("*.aig"), key=_order)}
    if names is None:
        return [p for name, p in found.items() if name not in SKIPPED]
    unknown = [n for n in names if n not in found]
    if unknown:
        sys.exit(f"--circuits: no circuit named {', '.join(unknown)} in "
                 f"{SHARED / 'aig'} ({', '.join(SUITES)})")
    return [found[n] for n in names]


def _order(path: Path):
    digits = path.stem.lstrip("c")
    return (0, int(digits), "") if digits.isdigit() else (1, 0, path.stem)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (ABC, worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn):
    """``(fn(), wall seconds, CPU seconds)``."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    out = fn()
    return out, time.perf_counter() - wall, cpu_seconds() - cpu


def checked(source: Aig, result: Aig, seconds: float) -> Verdict:
    params = CheckParams(timeout=seconds)
    return check_equivalence(source, result, match="position", params=params).verdict


def abc_columns(aig: Aig, seconds: int, check_seconds: float) -> tuple[dict, Aig]:
    """The ABC figures of one circuit, and its resyn2 result (our flow's start)."""
    deepsyn = Script("abc", DEEPSYN, f"-T {seconds}")
    row: dict = {}
    results = {}
    for key, commands, aliases, limit in (
            ("resyn2", RESYN2, False, SCRIPT_TIMEOUT),
            ("compress2rs2", COMPRESS2RS_TWICE, False, SCRIPT_TIMEOUT),
            ("deepsyn", deepsyn.abc_commands(), True, SCRIPT_TIMEOUT + deepsyn.time_limit())):
        result, elapsed, cpu = timed(
            lambda: run_abc_script(aig, commands, limit, aliases=aliases))
        results[key] = result
        row[key] = {"ands": result.num_ands, "seconds": round(elapsed, 2),
                    "cpu_seconds": round(cpu, 2),
                    "equivalent": checked(aig, result, check_seconds).name.lower()}
    return row, results["resyn2"]


def our_column(start: Aig, seconds: int, jobs: int, model, tokenizer,
               check_seconds: float) -> dict:
    from circuitlab.optimize.windowed import WindowParams, optimize_windows
    (result, stats), elapsed, cpu = timed(
        lambda: optimize_windows(start, WindowParams(seconds=seconds, jobs=jobs), model,
                                 tokenizer))
    gain = {str(k): int(v) for k, v in dict(stats.gain).items()}
    return {"ands": result.num_ands, "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "flow_seconds": round(float(stats.seconds), 2),
            "flow_verdict": getattr(stats.verdict, "name", str(stats.verdict)).lower(),
            "accepted": {str(k): int(v) for k, v in dict(stats.accepted).items()},
            "gain": gain, "by": max(gain, key=gain.get) if any(gain.values()) else "-",
            "equivalent": checked(start, result, check_seconds).name.lower()}


def table_row(name: str, ands: int, rec: dict) -> dict:
    base = rec["resyn2"]["ands"]

    def cell(key):
        r = rec.get(key)
        if r is None:
            return {key: "-", f"t_{key}": "-", f"{key}/r2": "-"}
        mark = MARK[Verdict[r["equivalent"].upper()]]
        return {key: f"{r['ands']}{'' if mark == 'y' else mark}", f"t_{key}": r["seconds"],
                f"{key}/r2": f"{r['ands'] / base:.3f}" if base else "-"}

    row = {"circuit": name, "ands": ands, "resyn2": base, "t_resyn2": rec["resyn2"]["seconds"]}
    for key in ("compress2rs2", "deepsyn", "ours"):
        row.update(cell(key))
    row.pop("resyn2/r2", None)
    gain = rec["ours"]["gain"] if "ours" in rec else {}
    row["by"] = rec["ours"]["by"] if "ours" in rec else "-"
    row["gain"] = " ".join(f"{k}:{v}" for k, v in sorted(gain.items(), key=lambda kv: -kv[1])
                           if v) or "-"
    return row


def geomean_row(records: list[dict]) -> dict:
    """Geometric means of the ratios against resyn2, over the results proven equivalent."""
    row = {"circuit": "geomean"}
    for key in ("compress2rs2", "deepsyn", "ours"):
        ratios = [r[key]["ands"] / r["resyn2"]["ands"] for r in records
                  if key in r and r[key]["equivalent"] == "equivalent" and r[key]["ands"]
                  and r["resyn2"]["ands"]]
        row[f"{key}/r2"] = f"{math.exp(sum(map(math.log, ratios)) / len(ratios)):.3f}" \
            if ratios else "-"
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--circuits", nargs="+", default=None, metavar="NAME",
                    help="circuit names, e.g. c432 sqrt (default: ISCAS'85 but c17, "
                         "and the EPFL arithmetic suite)")
    ap.add_argument("--seconds", type=int, default=30, metavar="S",
                    help="time of &deepsyn (-T S) and of our flow, per circuit (default: 30)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes of our flow")
    ap.add_argument("--json", type=Path, default=None, metavar="FILE",
                    help="append one JSON line per circuit")
    ap.add_argument("--no-ours", action="store_true", help="only the ABC columns")
    ap.add_argument("--checkpoint", default=None, help="model of our flow (default: shipped)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--check-seconds", type=float, default=300.0, metavar="S",
                    help="time limit of each equivalence check (default: 300)")
    ap.add_argument("--smoke", action="store_true",
                    help="smallest size (c432, 2 s, no --json): checks it runs")
    args = ap.parse_args()
    if args.smoke:
        args.circuits, args.seconds, args.json = ["c432"], 2, None
    if args.seconds < 1 or args.jobs < 1 or args.check_seconds <= 0:
        sys.exit("--seconds and --jobs must be at least 1, --check-seconds positive")
    if not abc_available():
        sys.exit("ABC (berkeley-abc) is not installed: the comparison needs it")
    files = circuit_files(args.circuits)
    model = tokenizer = None
    if not args.no_ours:
        try:
            import circuitlab.optimize.windowed  # noqa: F401
        except ImportError as exc:
            sys.exit(f"our flow is not available ({exc}); run with --no-ours")
        from circuitlab.optimize.model import load_optimize_model
        model, tokenizer = load_optimize_model(args.checkpoint, args.device)
    rev = git_revision()
    records, rows, failures = [], [], 0
    for path in files:
        aig = read_aiger(path)
        rec, start = abc_columns(aig, args.seconds, args.check_seconds)
        if not args.no_ours:
            rec["ours"] = our_column(start, args.seconds, args.jobs, model, tokenizer,
                                     args.check_seconds)
            failures += rec["ours"]["equivalent"] != "equivalent"
        rec = {"circuit": path.stem, "suite": path.parent.name, "ands": aig.num_ands, **rec}
        records.append(rec)
        rows.append(table_row(path.stem, aig.num_ands, rec))
        print(f"{path.stem}: " + ", ".join(
            f"{k} {rec[k]['ands']}" for k in ("resyn2", "compress2rs2", "deepsyn", "ours")
            if k in rec), file=sys.stderr)
        if args.json:
            with open(args.json, "a") as fh:
                fh.write(json.dumps({"git": rev, "seconds": args.seconds, "jobs": args.jobs,
                                     **rec}) + "\n")
    rows.append({**{k: "" for k in rows[0]}, **geomean_row(records)})
    print(f"S = {args.seconds} s, jobs = {args.jobs}; ratios against resyn2 (r2); a mark after "
          "a count: ? undecided, N not equivalent")
    print_table(rows)
    if not args.no_ours:
        print(f"ours not proven equivalent: {failures} of {len(records)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
