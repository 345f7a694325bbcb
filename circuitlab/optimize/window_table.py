"""Minimum-AND circuits of 4-input functions, by NPN class, for windows of up to 4 leaves.

``npn4_circuits.tsv`` holds, per NPN class of 4-input functions, a circuit
with the class's AND count from :func:`circuitlab.exact.min_ands_4` (the
checked-in table of :mod:`circuitlab.exact.table`): the canonical table in
hex, then the AND rows and the output literal over inputs 1..4 (AIGER
numbering). Classes whose circuit the SAT search did not find within its
time limit are absent; their windows are left to the SAT generator.

Regenerate it with ``python -m circuitlab.optimize.window_table --write``.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

import numpy as np

from circuitlab.aig import Aig, AigBuilder
from circuitlab.aig.tables import output_tables, table_mask
from circuitlab.errors import CircuitlabError
from circuitlab.exact import (
    ExactParams, Problem, decide, inverse_transform, min_ands_4, npn_canon, npn_classes, realise,
)
from circuitlab.fsutil import atomic_path
from circuitlab.optimize.resynth import agrees, trivial_resynth

__all__ = ["CIRCUITS_PATH", "read_circuits", "table_resynth"]

CIRCUITS_PATH = Path(__file__).with_name("npn4_circuits.tsv")
_MAX_ENUMERATED_DONT_CARES = 8


def _widen(table: int, n: int) -> int:
    """A table of ``n <= 4`` inputs as one of 4 inputs (the extra inputs ignored)."""
    width = 1 << n
    out = 0
    for k in range(16 // width):
        out |= table << (k * width)
    return out


@functools.lru_cache(maxsize=None)
def _min_ands(table4: int) -> int:
    return min_ands_4(table4)


def _encode(aig: Aig) -> str:
    rows = ";".join(f"{a},{b}" for a, b in aig.ands.tolist())
    return f"{rows}|{int(aig.outputs[0])}"


def _decode(text: str, where: str) -> Aig:
    try:
        rows, out = text.split("|")
        ands = [tuple(int(x) for x in r.split(",")) for r in rows.split(";") if r]
        return Aig(4, np.array(ands, dtype=np.int64).reshape(-1, 2), [int(out)])
    except (ValueError, CircuitlabError) as exc:
        raise CircuitlabError(f"{where}: malformed circuit {text!r} ({exc})") from None


def read_circuits(path: Path = CIRCUITS_PATH) -> dict[int, Aig]:
    """Circuits by canonical table; each is checked to compute its table.

    Raises:
        CircuitlabError: a missing or malformed file, naming the line.
    """
    try:
        lines = path.read_text().splitlines()
    except OSError as err:
        raise CircuitlabError(f"cannot read {path}: {err.strerror}") from None
    out: dict[int, Aig] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        fields = line.split("\t")
        if len(fields) != 2:
            raise CircuitlabError(f"{where}: expected 2 tab-separated fields")
        try:
            canon = int(fields[0], 16)
        except ValueError:
            raise CircuitlabError(f"{where}: malformed table {fields[0]!r}") from None
        aig = _decode(fields[1], where)
        if output_tables(aig) != [canon]:
            raise CircuitlabError(f"{where}: the circuit does not compute {fields[0]}")
        out[canon] = aig
    return out


@functools.lru_cache(maxsize=1)
def _circuits() -> dict[int, Aig]:
    return read_circuits() if CIRCUITS_PATH.exists() else {}


def table_resynth(table: int, n: int, care: int, max_gates: int) -> Aig | None:
    """A minimum circuit for one function of ``n <= 4`` inputs, or ``None``.

    Among the completions of up to 8 don't cares, the one whose class needs
    the fewest ANDs is built (beyond 8, the function with its don't cares
    at their given values); ``None`` when that is more than ``max_gates``
    or its class has no stored circuit.
    """
    mask = table_mask(n)
    dont = ~care & mask
    dc_bits = [m for m in range(1 << n) if (dont >> m) & 1]
    if len(dc_bits) > _MAX_ENUMERATED_DONT_CARES:
        dc_bits = []
    base = table & ~dont if dc_bits else table
    best, best_cost = None, max_gates + 1
    for pick in range(1 << len(dc_bits)):
        g = base
        for k, m in enumerate(dc_bits):
            if (pick >> k) & 1:
                g |= 1 << m
        cost = _min_ands(_widen(g, n))
        if cost < best_cost:
            best, best_cost = g, cost
    if best is None:
        return None
    if best_cost == 0:
        return trivial_resynth([best], n, mask)
    result = _npn_instance(_widen(best, n), n)
    if result is None or not agrees(result, [table], care):
        return None
    return result


def _npn_instance(table4: int, n: int) -> Aig | None:
    """A circuit of ``n`` inputs for ``table4`` (whose inputs beyond ``n`` are unused)."""
    res = npn_canon(table4, 4)
    canon_aig = _circuits().get(res.canon)
    if canon_aig is None:
        return None
    inv = inverse_transform(res.transform)
    b = AigBuilder()
    xs = b.add_inputs(4)
    feed = [xs[inv.perm[i]] ^ ((inv.neg_mask >> i) & 1) for i in range(4)]
    (out,) = b.add_aig(canon_aig, feed)
    b.add_output(out ^ int(inv.out_neg))
    full = b.build()
    lits = full.ands.ravel().tolist() + full.outputs.tolist()
    if output_tables(full) != [table4] or any(n < (x >> 1) <= 4 for x in lits):
        return None
    shift = 2 * (4 - n)
    return Aig(n, full.ands - shift * (full.ands >> 1 > 4),
               full.outputs - shift * (full.outputs >> 1 > 4))


def _synthesise(canon: int, seconds: float) -> Aig | None:
    gates = _min_ands(canon)
    rows = np.array([[(canon >> m) & 1 for m in range(16)]], dtype=np.uint8)
    problem = Problem.of(rows)
    b = AigBuilder()
    xs = b.add_inputs(4)
    lits = [xs[i] for i in problem.support]
    if gates == 0 or not len(problem.targets):
        return problem.build(b, lits, [])
    found, _ = decide(len(lits), problem.targets, gates,
                      ExactParams(max_gates=gates, seconds_per_call=seconds))
    if not found:
        return None
    return problem.build(b, lits, realise(b, lits, *found))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m circuitlab.optimize.window_table",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {CIRCUITS_PATH.name}")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="time limit of the SAT search per class (default: 60)")
    args = parser.parse_args(argv)
    if not args.write:
        print(f"{len(_circuits())} of {len(npn_classes(4))} classes have a circuit")
        return 0
    lines = ["# canonical 4-input table (hex)\tcircuit: AND rows a,b;... | output literal"]
    for canon in npn_classes(4):
        start = time.perf_counter()
        aig = _synthesise(canon, args.seconds)
        took = time.perf_counter() - start
        print(f"{canon:04x} {_min_ands(canon)} "
              f"{'found' if aig is not None else 'not found'} {took:.1f} s", file=sys.stderr)
        if aig is not None and aig.num_ands == _min_ands(canon):
            lines.append(f"{canon:04x}\t{_encode(aig)}")
    with atomic_path(CIRCUITS_PATH) as tmp:
        Path(tmp).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
