"""Synthesise the RTL corpora (VerilogEval references, OpenABC-D IPs) to AIGs.

Runs :func:`circuitlab.synth.synthesize` on every design, two at a time,
appends one JSON line per design to ``experiments/results/synth_rtl.jsonl``
and prints successes per suite and the failure reasons, grouped.

    python experiments/synth_rtl.py [--suite all|verilogeval|openabc]
        [--only NAME ...] [--jobs 2] [--timeout-verilogeval 300]
        [--timeout-openabc 1200]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import warnings
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

# The RTL corpora beside the project (../shared/data/verilog), as in CI.
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "verilog"
RESULTS = Path(__file__).resolve().parent / "results" / "synth_rtl.jsonl"


@dataclass(frozen=True)
class Design:
    name: str
    suite: str
    files: tuple[str, ...]
    top: str
    include_dirs: tuple[str, ...] = ()
    timeout: float = 300.0
    defines: dict = field(default_factory=dict)


def verilogeval_designs(timeout: float) -> list[Design]:
    return [Design(p.name.removesuffix("_ref.sv"), "verilogeval", (str(p),), "RefModule",
                   timeout=timeout)
            for p in sorted((DATA / "verilogeval").glob("*_ref.sv"))]


def openabc_designs(timeout: float) -> list[Design]:
    """One design per IP folder; files, order, top and includes as its ``config.mk`` gives them."""
    from circuitlab.protocol.designs import openabc_source

    designs = []
    for folder in sorted(p for p in (DATA / "openabc_rtl").iterdir() if p.is_dir()):
        source = openabc_source(folder.name, folder)
        designs.append(Design(folder.name, "openabc", tuple(map(str, source.files)), source.top,
                              tuple(map(str, source.include_dirs)), timeout=timeout))
    return designs


def synth_one(design: Design) -> dict:
    """Synthesise one design; never raises."""
    from circuitlab.errors import CircuitlabError
    from circuitlab.synth import synthesize

    record = {"name": design.name, "suite": design.suite, "top": design.top, "ok": False,
              "inputs": None, "latches": None, "ands": None, "outputs": None,
              "seconds": None, "error": None, "warnings": []}
    start = time.monotonic()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            aig = synthesize(design.files, top=design.top, include_dirs=design.include_dirs,
                             defines=design.defines, timeout=design.timeout)
        record.update(ok=True, inputs=aig.num_inputs, latches=aig.num_latches,
                      ands=aig.num_ands, outputs=aig.num_outputs,
                      warnings=[str(w.message) for w in caught])
    except CircuitlabError as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a bug: record it, keep the run going
        record["error"] = f"BUG {type(exc).__name__}: {exc}"
    record["seconds"] = round(time.monotonic() - start, 2)
    return record


def git_revision() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("-dirty" if dirty else "")


def reason(error: str) -> str:
    """A short class for a failure message."""
    if "Latch inferred" in error and "always_comb" in error:
        return "always_comb infers a latch (expected: Yosys refuses it)"
    if error.startswith("ToolTimeoutError"):
        return "timeout"
    if "syntax error" in error:
        return "syntax error"
    return re.sub(r"\S+\.s?v:\d+: ", "", error)[:100]


def summarise(records: list[dict], wall: float) -> None:
    by_suite: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_suite[r["suite"]].append(r)
    for suite, rows in sorted(by_suite.items()):
        ok = sum(r["ok"] for r in rows)
        print(f"{suite}: {ok}/{len(rows)} synthesised")
        reasons = Counter(reason(r["error"]) for r in rows if not r["ok"])
        for why, n in reasons.most_common():
            names = [r["name"] for r in rows if not r["ok"] and reason(r["error"]) == why]
            print(f"  {n} x {why}: {', '.join(names)}")
        boxed = [r["name"] for r in rows if r["warnings"]]
        if boxed:
            print(f"  with warnings: {', '.join(boxed)}")
    slow = sorted(records, key=lambda r: -(r["seconds"] or 0))[:5]
    print("slowest: " + ", ".join(f"{r['name']} {r['seconds']:.0f}s" for r in slow))
    print(f"wall time: {wall:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=("all", "verilogeval", "openabc"), default="all")
    parser.add_argument("--only", nargs="*", default=None, help="design names to run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout-verilogeval", type=float, default=300.0)
    parser.add_argument("--timeout-openabc", type=float, default=1200.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    designs = []
    if args.suite in ("all", "verilogeval"):
        designs += verilogeval_designs(args.timeout_verilogeval)
    if args.suite in ("all", "openabc"):
        designs += openabc_designs(args.timeout_openabc)
    if args.only:
        designs = [d for d in designs if d.name in set(args.only)]
    # Longest first, so the two workers finish together.
    designs.sort(key=lambda d: -sum(Path(f).stat().st_size for f in d.files))

    revision = git_revision()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    records = []
    start = time.monotonic()
    with open(args.out, "w") as out, ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(synth_one, d) for d in designs]
        for fut in tqdm(as_completed(futures), total=len(futures), desc="synth", unit="design"):
            record = {**fut.result(), "git_revision": revision}
            records.append(record)
            out.write(json.dumps(record) + "\n")
            out.flush()
    summarise(records, time.monotonic() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
