"""What each resynthesis generator of the windowed flow is given, returns and wins.

    python experiments/window_generators.py [--checkpoint PATH ...] [--circuits c432 ...]
        [--seconds 20] [--runs alone all] [--no-record]

For each circuit (ISCAS'85 but c17, and the EPFL arithmetic suite but the
largest, from ``../shared/data/aig``), started from its ABC ``resyn2``
result, one window pass (no scripts) of
:func:`circuitlab.optimize.windowed.optimize_windows`:

* ``transformer alone``: only the transformer generator, no time limit,
  with and without the windows' don't cares, per checkpoint;
* ``all generators``: the table, the SAT search and the transformer
  together, ``--seconds`` per pass, per checkpoint.

Per generator: windows given, windows for which it returned a smaller
circuit, substitutions accepted and ANDs removed. Every result is proven
equivalent by the flow (a result that is not comes back unchanged and is
reported). One JSON line per circuit and configuration goes to
``experiments/results/window_generators.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from circuitlab.io import read_aiger
from circuitlab.optimize.model import load_optimize_model
from circuitlab.optimize.windowed import GENERATORS, WindowParams, optimize_windows
from circuitlab.pipeline import git_revision
from circuitlab.synth.abc import abc_available, run_abc_script
from circuitlab.synth.recipes import SCRIPTS

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "aig"
SUITES = ("iscas85", "epfl_arithmetic")
SKIPPED = ("c17", "div", "hyp", "log2", "multiplier", "sqrt", "square")


def circuits(names):
    paths = sorted(p for s in SUITES for p in (SHARED / s).glob("*.aig"))
    if names:
        paths = [p for p in paths if p.stem in names]
    else:
        paths = [p for p in paths if p.stem not in SKIPPED]
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", nargs="+", default=["shipped"],
                    help="transformer checkpoints ('shipped': the package's)")
    ap.add_argument("--circuits", nargs="*", default=None)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--runs", nargs="+", choices=("alone", "all"), default=["alone", "all"],
                    help="which configurations: the transformer alone, all generators")
    args = ap.parse_args(argv)
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is absent")
    if not abc_available():
        raise SystemExit("ABC (berkeley-abc) is not installed: the flow starts from resyn2")
    torch.set_num_threads(1)
    rev = git_revision()
    models = {c: load_optimize_model(None if c == "shipped" else c, "cpu")
              for c in args.checkpoint}
    out = ROOT / "experiments" / "results" / "window_generators.jsonl"
    for path in circuits(args.circuits):
        start = run_abc_script(read_aiger(path), SCRIPTS["resyn2"].split("; "))
        runs = []
        for name, (model, tok) in models.items():
            for dc in (False, True) if "alone" in args.runs else ():
                runs.append((name, "transformer alone", dc, model, tok,
                             WindowParams(seconds=None, passes=1, scripts=False, dont_cares=dc,
                                          generators=("transformer",))))
            if "all" in args.runs:
                runs.append((name, "all generators", True, model, tok,
                             WindowParams(seconds=args.seconds, passes=1, scripts=False,
                                          generators=GENERATORS)))
        for name, kind, dc, model, tok, params in runs:
            t = time.perf_counter()
            result, stats = optimize_windows(start, params, model, tok)
            record = dict(revision=rev, circuit=path.stem, checkpoint=name, run=kind,
                          dont_cares=dc, resyn2=start.num_ands, after=stats.ands_after,
                          windows=stats.windows_tried, tried=stats.tried,
                          offered=stats.offered, accepted=stats.accepted, gain=stats.gain,
                          verdict=stats.verdict.name.lower(),
                          seconds=round(time.perf_counter() - t, 1))
            print(f"{path.stem:>10} {name:>24} {kind:>17} dc={int(dc)} "
                  f"{start.num_ands}->{stats.ands_after} given {stats.tried} "
                  f"smaller {stats.offered} accepted {stats.accepted} gain {stats.gain} "
                  f"({record['seconds']} s)", flush=True)
            if not args.no_record:
                with open(out, "a") as fh:
                    fh.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
