"""Black-box stubs for modules that have no Verilog model.

A macro such as an SRAM (``fakeram45_64x96`` in ``bp_be_top``) is instantiated
but never defined, so Yosys knows neither its port directions nor widths.
They are inferred from the instances in the elaborated design (Yosys
``write_json`` after ``hierarchy`` without ``-check``): a port whose bits are
driven by something else in the parent module (a parent input, a constant, a
known cell's output) is an input of the black box; any other port is an
output. The stubs are read with ``read_verilog -lib``; the synthesis flow then
cuts each instance with ``expose -evert``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_POSITIONAL = re.compile(r"\$(\d+)")


def stub_verilog(design_json: str | Path) -> str:
    """Verilog text declaring one ``(* blackbox *)`` module per unknown cell type."""
    modules = json.loads(Path(design_json).read_text())["modules"]
    ports: dict[str, dict[str, list]] = {}   # type -> port -> [is_input, width]
    for module in modules.values():
        driven = _driven_bits(module, modules)
        for cell in module.get("cells", {}).values():
            ctype = cell["type"]
            if ctype.startswith("$") or ctype in modules:
                continue
            decl = ports.setdefault(ctype, {})
            for port, bits in cell.get("connections", {}).items():
                entry = decl.setdefault(port, [False, 1])
                entry[0] |= any(_is_driven(b, driven) for b in bits)
                entry[1] = max(entry[1], len(bits))
    return "".join(_stub(name, decl) for name, decl in sorted(ports.items()))


def _driven_bits(module: dict, modules: dict) -> set[int]:
    driven = set()
    for port in module.get("ports", {}).values():
        if port["direction"] in ("input", "inout"):
            driven.update(b for b in port["bits"] if isinstance(b, int))
    for cell in module.get("cells", {}).values():
        dirs = cell.get("port_directions")
        if dirs is None and cell["type"] in modules:
            dirs = {p: v["direction"] for p, v in modules[cell["type"]]["ports"].items()}
        for port, bits in cell.get("connections", {}).items():
            if dirs and dirs.get(port) in ("output", "inout"):
                driven.update(b for b in bits if isinstance(b, int))
    return driven


def _is_driven(bit, driven: set[int]) -> bool:
    return not isinstance(bit, int) or bit in driven   # strings are constants


def _ident(name: str) -> str:
    return name if _SIMPLE.fullmatch(name) else f"\\{name} "


def _stub(name: str, decl: dict[str, list]) -> str:
    def order(port: str):
        m = _POSITIONAL.fullmatch(port)
        return (0, int(m.group(1)), "") if m else (1, 0, port)

    names = sorted(decl, key=order)
    port_names = [f"p{_POSITIONAL.fullmatch(p).group(1)}" if _POSITIONAL.fullmatch(p) else p
                  for p in names]
    lines = [f"(* blackbox *)\nmodule {_ident(name)}({', '.join(map(_ident, port_names))});\n"]
    for port, pname in zip(names, port_names):
        is_input, width = decl[port]
        rng = f" [{width - 1}:0]" if width > 1 else ""
        lines.append(f"  {'input' if is_input else 'output'}{rng} {_ident(pname)};\n")
    lines.append("endmodule\n\n")
    return "".join(lines)
