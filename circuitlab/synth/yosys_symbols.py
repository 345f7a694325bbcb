"""Latch names in the AIGER file that Yosys writes.

The synthesis flow suffixes each flip-flop's Q wire with :data:`FF_TAG`
(``rename -wire -suffix``) before ``async2sync`` can move the name;
:func:`name_latches` then gives every latch one Verilog name.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["FF_TAG", "name_latches"]

FF_TAG = "_circuitlab_ff"


def name_latches(aag: Path, vmap: Path) -> None:
    """Give every latch one Verilog name in the symbol table of ``aag``.

    ``write_aiger`` lists every wire name of a flip-flop output on its symbol
    line (``l0 u.q[0] q[0]``) and none at all for a flip-flop that drives an
    output port. Verilog names never contain spaces, so a list is split and
    the least nested name kept; a missing name is taken from the output that
    the latch drives, else from the ``-vmap`` wire names of its literal.
    """
    lines = aag.read_text().split("\n")
    _, _, i, l, o, _ = lines[0].split()[:6]
    i, l, o = int(i), int(l), int(o)
    if l == 0:
        return
    latch_lits = [int(lines[1 + i + k].split()[0]) for k in range(l)]
    out_lits = [int(lines[1 + i + l + k]) for k in range(o)]
    sym_start = next((k for k in range(1 + i + l + o, len(lines))
                      if lines[k][:1] in ("i", "l", "o", "b", "c", "")), len(lines))
    names: dict[str, str] = {}
    rest = []
    for k in range(sym_start, len(lines)):
        line = lines[k]
        if line.startswith("c") or not line:
            rest = lines[k:]
            break
        key, _, name = line.partition(" ")
        names[key] = name
    by_output = {lit: names.get(f"o{k}") for k, lit in enumerate(out_lits)}
    wires = _vmap_wires(vmap)
    for k, lit in enumerate(latch_lits):
        given = names.get(f"l{k}")
        if given:
            names[f"l{k}"] = _best_name(given.split(" "))
        elif by_output.get(lit):
            names[f"l{k}"] = by_output[lit]
        elif lit in wires:
            names[f"l{k}"] = _best_name(wires[lit])
    order = [f"i{k}" for k in range(i)] + [f"l{k}" for k in range(l)] + [f"o{k}" for k in range(o)]
    symbols = [f"{key} {names[key]}" for key in order if names.get(key)]
    aag.write_text("\n".join(lines[:sym_start] + symbols + (rest or [""])))


def _vmap_wires(vmap: Path) -> dict[int, list[str]]:
    """Literal -> public bit names, from ``write_aiger -vmap`` ``wire`` lines."""
    if not vmap.exists():
        return {}
    entries = []
    widest: dict[str, int] = {}
    for line in vmap.read_text().splitlines():
        parts = line.split(" ")
        if len(parts) == 4 and parts[0] == "wire" and not parts[3].startswith("$"):
            lit, bit, name = int(parts[1]), int(parts[2]), parts[3]
            entries.append((lit, bit, name))
            widest[name] = max(widest.get(name, 0), bit)
    wires: dict[int, list[str]] = {}
    for lit, bit, name in entries:
        wires.setdefault(lit, []).append(f"{name}[{bit}]" if widest[name] else name)
    return wires


def _best_name(names: list[str]) -> str:
    best = min(names, key=lambda n: (n.startswith("$"), FF_TAG in n, n.count("."), len(n), n))
    return best.split(FF_TAG)[0] if FF_TAG in best else best
