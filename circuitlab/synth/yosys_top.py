"""Which module to synthesise, and why none can be.

Yosys picks the top (``hierarchy -auto-top``, see
:class:`~circuitlab.synth.yosys_design.Hierarchy`); this module checks the
pick, warns where other modules were candidates too, and words the errors
where there is no top: no module at all, only empty modules, a top without
outputs, a ``--top`` that names no module. Messages name the user's file and
the line of the module's declaration where a scan of the text finds it.
"""

from __future__ import annotations

import warnings
from typing import Sequence

from circuitlab.errors import CircuitlabError, CircuitlabWarning, SynthesisError
from circuitlab.synth.verilog_info import module_declarations
from circuitlab.synth.yosys_design import Hierarchy

__all__ = ["TopModuleWarning", "choose_top", "no_top_error", "unknown_top_error",
           "no_outputs_error"]

_LISTED = 8   # modules named in one message


class TopModuleWarning(CircuitlabWarning):
    """Several modules are instantiated by no other; one was picked."""


def choose_top(hierarchy: Hierarchy, files: Sequence[str]) -> str:
    """The top Yosys picked, after checking that it has outputs.

    Warns (:class:`TopModuleWarning`) where other modules are not
    instantiated either and no ``(* top *)`` attribute decided.

    Raises:
        SynthesisError: the files hold no module with a body, or the top has no outputs.
    """
    top = hierarchy.top
    if top is None:
        raise no_top_error(hierarchy, files)
    if len(hierarchy.roots) > 1 and not hierarchy.marked:
        others = [r for r in hierarchy.roots if r != top]
        warnings.warn(f"{_listing([top] + others, files)} are instantiated by no other module; "
                      f"synthesising {top} (the deepest hierarchy, the first declared on a "
                      "tie); choose with --top", TopModuleWarning, stacklevel=3)
    if top not in hierarchy.outputs:
        raise no_outputs_error(top, files, hierarchy.roots)
    return top


def no_top_error(hierarchy: Hierarchy, files: Sequence[str],
                 top: str | None = None) -> SynthesisError:
    """Why Yosys found no top module (``top``: the one asked for, if any)."""
    empty = top if top in hierarchy.empty else None
    if empty is None and top is None and hierarchy.empty and not hierarchy.modules:
        empty = hierarchy.empty[0]
    if empty is not None:
        if empty not in hierarchy.outputs:
            return _located(empty, files, f"module {empty} is empty and has no outputs")
        return _located(empty, files, f"module {empty} is empty: nothing drives its outputs")
    if not hierarchy.modules and not hierarchy.empty:
        return SynthesisError(f"{_names(files)}: no module found",
                              files[0] if len(files) == 1 else None)
    return SynthesisError(f"{_names(files)}: Yosys found no top module"
                          + (f" {top}" if top else ""))


def unknown_top_error(top: str, modules: Sequence[str], files: Sequence[str]) -> SynthesisError:
    """``--top`` names a module that the files do not declare."""
    if not modules:
        return SynthesisError(f"{_names(files)}: no module found (asked for top module {top})",
                              files[0] if len(files) == 1 else None)
    return SynthesisError(f"{_names(files)}: no module named {top!r}; "
                          f"modules in the design: {_listing(modules, files)}",
                          files[0] if len(files) == 1 else None)


def no_outputs_error(top: str, files: Sequence[str],
                     roots: Sequence[str] = ()) -> SynthesisError:
    others = [r for r in roots if r != top]
    hint = (f" (also instantiated by no other module: {', '.join(others[:_LISTED])}; "
            "choose with --top)") if others else ""
    return _located(top, files, f"module {top} has no outputs{hint}")


def _located(module: str, files: Sequence[str], message: str) -> SynthesisError:
    where = _where(module, files)
    if where is None:
        return SynthesisError(f"{_names(files)}: {message}")
    return SynthesisError(f"{where[0]}:{where[1]}: {message}", where[0], where[1])


def _where(module: str, files: Sequence[str]) -> tuple[str, int] | None:
    for name, file, line in _declarations(files):
        if name == module:
            return file, line
    return None


def _declarations(files: Sequence[str]) -> list[tuple[str, str, int]]:
    try:
        return module_declarations(files)
    except (OSError, CircuitlabError):
        return []


def _listing(modules: Sequence[str], files: Sequence[str]) -> str:
    """``a (x.v:1), b (x.v:9) and 3 more``."""
    found = {}
    for name, file, line in _declarations(files):
        found.setdefault(name, f"{file}:{line}")
    shown = [f"{m} ({found[m]})" if m in found else m for m in modules[:_LISTED]]
    more = len(modules) - len(shown)
    if more:
        return ", ".join(shown) + f" and {more} more"
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]


def _names(files: Sequence[str]) -> str:
    return ", ".join(files)
