"""The module hierarchy of a design as Yosys elaborates it.

:func:`probe_commands` follow the ``read_verilog`` commands of a Yosys script:
``hierarchy`` elaborates every module with its default parameters, ``select``
writes which modules exist, which are instantiated, which have no body (Yosys
reads an empty module as a black box) and which declare an output, and
``hierarchy -auto-top`` names the top module. :func:`read_hierarchy` reads
those files and the log back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Hierarchy", "probe_commands", "read_hierarchy"]

_LISTS = {
    "modules": "=*",
    "used": "=* %C %M",          # modules that implement some cell
    "empty": "=A:blackbox",
    "outputs": "=o:* %m",        # modules holding an output (or inout) port
}
_AUTO_TOP = re.compile(r"^Automatically selected (\S+) as design top module\.$", re.M)
_ATTR_TOP = re.compile(r"^Attribute `top' found on module `(\S+?)'", re.M)


@dataclass(frozen=True)
class Hierarchy:
    """Attributes:
        modules: modules with a body, in Yosys's order.
        empty: modules without a body (Yosys makes them black boxes).
        roots: modules with a body that no module instantiates, in order.
        outputs: modules (with or without a body) that declare an output.
        top: what ``hierarchy -auto-top`` picks: a module marked
            ``(* top *)``, else the root with the deepest hierarchy below it
            (the first such on a tie); ``None`` where no module has a body.
        marked: ``top`` carries the ``(* top *)`` attribute.
    """

    modules: tuple[str, ...]
    empty: tuple[str, ...]
    roots: tuple[str, ...]
    outputs: frozenset[str]
    top: str | None
    marked: bool = False


def probe_commands() -> list[str]:
    """Yosys commands that follow the reads and leave what :func:`read_hierarchy` reads."""
    cmds = ["hierarchy"]
    cmds += [f"tee -q -o {_file(key)} select -list-mod {sel}" for key, sel in _LISTS.items()]
    return cmds + ["hierarchy -auto-top"]


def read_hierarchy(work: Path, log: str) -> Hierarchy:
    """The hierarchy from the files that :func:`probe_commands` wrote in ``work``."""
    lists = {key: _read_list(work / _file(key)) for key in _LISTS}
    empty = tuple(dict.fromkeys(lists["empty"]))
    modules = tuple(m for m in dict.fromkeys(lists["modules"]) if m not in empty)
    used = set(lists["used"])
    roots = tuple(m for m in modules if m not in used)
    marked = _ATTR_TOP.findall(log)
    auto = _AUTO_TOP.findall(log)
    top = _base(marked[-1]) if marked else _base(auto[-1]) if auto else None
    return Hierarchy(modules=modules, empty=empty, roots=roots,
                     outputs=frozenset(lists["outputs"]), top=top, marked=bool(marked))


def _file(key: str) -> str:
    return f"probe_{key}.txt"


def _read_list(path: Path) -> list[str]:
    """Module base names from a ``select -list-mod`` file (warnings skipped)."""
    if not path.exists():
        return []
    lines = path.read_text(errors="replace").splitlines()
    return [_base(line.strip()) for line in lines
            if line.strip() and not line.startswith("Warning:")]


def _base(name: str) -> str:
    """``$paramod\\leaf\\N=8``, ``$paramod$1f2e\\leaf``, ``$abstract\\leaf`` -> ``leaf``."""
    if name.startswith("$paramod") or name.startswith("$abstract"):
        return name.split("\\")[1]
    return name.lstrip("\\")
