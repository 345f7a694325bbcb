"""Regenerate ``test_only_hashes.json`` from checkouts of the pinned test-only suites.

Usage::
    python -m circuitlab.datasets.make_test_only --epfl DIR --itc99 DIR --rtllm DIR \\
        [--shared ../shared/data] [--output PATH] [--timeout SECONDS]

Each ``DIR`` is a checkout of the repository at the commit in
:data:`SOURCES` (``--epfl``: ``random_control/*.aig``; ``--itc99``:
``b??.v``, synthesised with Yosys, top = file name; ``--rtllm``: every
``verified_*.v``, synthesised with Yosys). ``--shared`` also hashes any
circuit file of the reference data folder whose name is test-only (none
of the current folder is). A design that does not synthesise is listed
under ``failed`` with Yosys's first line, one without an AND node under
``trivial`` (its name is refused, its function is not), never dropped
silently. Only names and hashes are written: no design text leaves the
checkouts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from circuitlab.datasets.test_only import (
    HASH_SEED, HASH_WORDS, HASHES_FILE, functional_hash, match_name,
)
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import write_bytes_atomic
from circuitlab.io import read_aiger

FORMAT = 1
SOURCES = {
    "epfl-random-control": {"repo": "lsils/benchmarks",
                            "commit": "94e25f33b9bcbaa155e20ceedc6f6dc45bdffddf",
                            "path": "random_control/*.aig", "licence": "MIT"},
    "itc99": {"repo": "ccsl-uaegean/ITC99-RTL-Verilog",
              "commit": "8e6a23da036b7442ef4ea410c679d4cf21830a65",
              "path": "b??.v (b16 is missing upstream)", "licence": "GPL-3.0"},
    "rtllm": {"repo": "hkust-zhiyao/RTLLM", "commit": "41b26896e33b536940116a975626455eed3de65e",
              "path": "**/verified_*.v", "licence": "see upstream"},
}
# RTLLM's fixed-point adder reference is the public qadd module (SOURCES.md).
RTLLM_EXTRA_NAMES = ("qadd",)
_MODULE = re.compile(r"^\s*module\s+([A-Za-z_][A-Za-z0-9_$]*)", re.M)
_CIRCUIT_SUFFIXES = (".aig", ".aag", ".bench", ".v", ".sv")


def _entry(suite: str, design: str, path: str, aig) -> dict:
    return {"suite": suite, "design": design, "path": path, "inputs": aig.num_inputs,
            "outputs": aig.num_outputs, "latches": aig.num_latches, "ands": aig.num_ands,
            "hash": functional_hash(aig)}


def _synth(path: Path, top: str | None, timeout: float):
    from circuitlab.synth import synthesize  # looked up at call time: tests stand in for it
    return synthesize(path, top=top, timeout=timeout, blackbox_unknown=False)


def _rtllm_top(text: str, design: str) -> str:
    """The module named ``verified_<...>`` or after the design; else the last one."""
    modules = _MODULE.findall(text)
    for name in modules:
        if name.startswith("verified_") or name == design:
            return name
    return modules[-1]


def hash_suites(epfl: Path | None, itc99: Path | None, rtllm: Path | None,
                shared: Path | None, timeout: float, log=print) -> dict:
    """The file's content: names per suite, hashed designs, designs that failed."""
    designs, trivial, failed = [], [], []
    names = {"rtllm": set(RTLLM_EXTRA_NAMES)}
    roots = [str(p) + "/" for p in (epfl, itc99, rtllm, shared) if p is not None]

    def attempt(suite: str, design: str, rel: str, make) -> None:
        start = time.perf_counter()
        try:
            aig = make()
        except CircuitlabError as exc:
            error = str(exc).splitlines()[0][:200]
            for root in roots:  # no local paths in the shipped file
                error = error.replace(root, "")
            failed.append({"suite": suite, "design": design, "path": rel, "error": error})
            log(f"  {suite} {design}: failed ({error})")
            return
        # without an AND node a design is wires and constants: its function
        # would refuse every trivial circuit, so only its name is kept
        (designs if aig.num_ands else trivial).append(_entry(suite, design, rel, aig))
        log(f"  {suite} {design}: {aig} {time.perf_counter() - start:.1f} s")

    if epfl is not None:
        for path in sorted((epfl / "random_control").glob("*.aig")):
            attempt("epfl-random-control", path.stem, f"random_control/{path.name}",
                    lambda p=path: read_aiger(p))
    if itc99 is not None:
        for path in sorted(itc99.glob("b[0-9][0-9].v")):
            attempt("itc99", path.stem, path.name, lambda p=path: _synth(p, p.stem, timeout))
    if rtllm is not None:
        for path in sorted(rtllm.rglob("verified_*.v")):
            design = path.parent.name
            text = path.read_text(errors="replace")
            top = _rtllm_top(text, design)
            names["rtllm"].update({design, path.stem.removeprefix("verified_"),
                                   top.removeprefix("verified_")})
            attempt("rtllm", design, str(path.relative_to(rtllm)),
                    lambda p=path, t=top: _synth(p, t, timeout))
    if shared is not None:
        for path in sorted(p for p in shared.rglob("*") if p.suffix in _CIRCUIT_SUFFIXES):
            hit = match_name(path.name, {"names": {}})
            if hit is not None:
                attempt(hit.suite, hit.design, f"shared/{path.relative_to(shared)}",
                        lambda p=path: read_aiger(p) if p.suffix in (".aig", ".aag")
                        else _synth(p, None, timeout))
    return {"format": FORMAT,
            "note": "Generated by python -m circuitlab.datasets.make_test_only; "
                    "hash = circuitlab.datasets.test_only.functional_hash",
            "hash": {"words": HASH_WORDS, "seed": HASH_SEED},
            "sources": {k: v for k, v in SOURCES.items()
                        if {"epfl-random-control": epfl, "itc99": itc99,
                            "rtllm": rtllm}[k] is not None},
            "names": {suite: sorted(n) for suite, n in names.items()},
            "designs": sorted(designs, key=lambda d: (d["suite"], d["design"])),
            "trivial": sorted(trivial, key=lambda d: (d["suite"], d["design"])),
            "failed": failed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m circuitlab.datasets.make_test_only",
                                     description=__doc__.splitlines()[0])
    for option in ("--epfl", "--itc99", "--rtllm", "--shared"):
        parser.add_argument(option, type=Path, default=None)
    parser.add_argument("--output", type=Path, default=HASHES_FILE)
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds of Yosys per design")
    args = parser.parse_args(argv)
    try:
        data = hash_suites(args.epfl, args.itc99, args.rtllm, args.shared, args.timeout)
    except (CircuitlabError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    write_bytes_atomic(args.output, (json.dumps(data, indent=1) + "\n").encode())
    print(f"{len(data['designs'])} designs hashed, {len(data['failed'])} failed: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
