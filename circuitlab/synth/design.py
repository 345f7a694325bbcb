"""Reading a design: any Verilog or circuit file into an :class:`~circuitlab.aig.Aig`.

:func:`read_design` is the one way in. Verilog and SystemVerilog (``.v``,
``.sv``) go through Yosys (:func:`~circuitlab.synth.yosys.synthesize`, the
top chosen as ``circuitlab synth`` chooses it); ``.aig``, ``.aag``,
``.bench`` and ``.truth`` are read directly
(:func:`~circuitlab.io.formats.read_circuit`). :func:`list_designs` lists
the designs of a folder. Both take their options from one
:class:`DesignParams`, from which the command line derives ``--top``,
``-I``, ``-D``, the synthesis time limit and ``--bad-as-outputs``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError, FormatError, ParamError, require_positive
from circuitlab.io.formats import READ_SUFFIXES, read_circuit
from circuitlab.synth.yosys import DEFAULT_TIMEOUT

__all__ = ["CIRCUIT_SUFFIXES", "DESIGN_SUFFIXES", "VERILOG_SUFFIXES", "DesignParams",
           "list_designs", "parse_defines", "read_design", "read_design_top"]

VERILOG_SUFFIXES = (".v", ".sv")
CIRCUIT_SUFFIXES = READ_SUFFIXES
DESIGN_SUFFIXES = VERILOG_SUFFIXES + CIRCUIT_SUFFIXES

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


@dataclass(frozen=True)
class DesignParams:
    """How a design file is read.

    Attributes:
        top: the top module of a Verilog design (default: the one no other
            module instantiates, the deepest hierarchy first; a warning names
            the others).
        include_dirs: folders searched by Verilog's include.
        defines: Verilog macros, each ``NAME`` or ``NAME=VALUE``.
        timeout: seconds before Yosys is killed.
        bad_as_outputs: read AIGER bad-state properties (header field B, as
            ABC writes sequential circuits) as extra outputs.
    """

    top: str | None = None
    include_dirs: tuple[Path, ...] = ()
    defines: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    bad_as_outputs: bool = False

    def __post_init__(self):
        object.__setattr__(self, "include_dirs", tuple(Path(d) for d in self.include_dirs))
        object.__setattr__(self, "defines", tuple(self.defines))
        require_positive(self.timeout, "timeout")
        if self.top is not None and not _IDENT.fullmatch(self.top):
            raise ParamError("top", f"must be a Verilog identifier, got {self.top!r}")
        parse_defines(self.defines)

    def define_map(self) -> dict[str, str | None]:
        """``defines`` as ``{"NAME": "VALUE" or None}``."""
        return parse_defines(self.defines)


def parse_defines(items: Iterable[str]) -> dict[str, str | None]:
    """``["A", "W=8"]`` -> ``{"A": None, "W": "8"}``.

    Raises:
        ParamError: an item with no name.
    """
    defines: dict[str, str | None] = {}
    for item in items:
        name, eq, value = str(item).partition("=")
        if not name:
            raise ParamError("defines", f"{item!r}: expected NAME or NAME=VALUE")
        defines[name] = value if eq else None
    return defines


def read_design(path: str | os.PathLike | Sequence[str | os.PathLike],
                params: DesignParams = DesignParams()) -> Aig:
    """The circuit of a design file (or of Verilog files read in order).

    Raises:
        CircuitlabError: a missing file, a folder, an unknown extension, a
            malformed circuit file (:class:`FormatError`), Verilog that Yosys
            rejects (:class:`SynthesisError`), or a tool's failure.
    """
    return read_design_top(path, params)[0]


def read_design_top(path: str | os.PathLike | Sequence[str | os.PathLike],
                    params: DesignParams = DesignParams()) -> tuple[Aig, str | None]:
    """:func:`read_design`'s circuit and the top module synthesised (``None`` for a
    circuit file)."""
    paths = [Path(path)] if isinstance(path, (str, os.PathLike)) else [Path(p) for p in path]
    if not paths:
        raise CircuitlabError("no design file given")
    for p in paths:
        _check_file(p)
    kinds = {p.suffix.lower() in VERILOG_SUFFIXES for p in paths}
    if kinds == {True}:
        from circuitlab.synth.yosys import synthesize_with_top
        return synthesize_with_top(paths, top=params.top, include_dirs=params.include_dirs,
                                   defines=params.define_map(), timeout=params.timeout)
    if len(paths) > 1:
        raise CircuitlabError(f"{', '.join(map(str, paths))}: several files make one design "
                              "only when all are Verilog")
    if paths[0].suffix.lower() not in CIRCUIT_SUFFIXES:
        raise FormatError(paths[0], f"unknown design format "
                                    f"{paths[0].suffix or '(no extension)'!r}; expected one of "
                                    f"{', '.join(DESIGN_SUFFIXES)}")
    return read_circuit(paths[0], bad_as_outputs=params.bad_as_outputs), None


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise CircuitlabError(f"{path}: is a folder, not a design file")
    if not path.is_file():
        raise CircuitlabError(f"{path}: no such file")


def list_designs(folder: str | os.PathLike, suffixes: tuple[str, ...] = DESIGN_SUFFIXES, *,
                 what: str = "design folder") -> list[Path]:
    """The files of ``folder`` with one of ``suffixes``, sorted by name.

    ``what`` names the folder in the errors (``"source folder"``).

    Raises:
        CircuitlabError: the folder is missing or holds no such file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CircuitlabError(f"{folder}: no such {what}")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
    if not files:
        raise CircuitlabError(f"{folder}: no {'/'.join(suffixes)} files in the {what}")
    return files
