"""What a Verilog design declares: modules, ports, hierarchy, source text.

:func:`list_modules` parses with pyverilog (Verilog-2005; most SystemVerilog
is out of its reach) after preprocessing with Icarus Verilog (``iverilog
-E``). Module locations come from a comment-aware scan of the original files,
so line numbers are exact even where ``include`` shifted the preprocessed
text. :func:`module_text` needs no parser at all.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from circuitlab.errors import FormatError, ToolError, ToolNotFoundError
from circuitlab.synth.verilog_source import (
    MODULE_DECL, as_paths, declarations, module_declarations, module_text,
    strip_comments,
)

__all__ = ["PortInfo", "ModuleInfo", "list_modules", "module_text",
           "module_declarations", "find_iverilog", "iverilog_available"]

_MARKER = "// @@circuitlab-file-boundary@@"
_INCLUDE = re.compile(r"`include\b")


@dataclass(frozen=True)
class PortInfo:
    """One port: ``direction`` is ``input``, ``output`` or ``inout``; ``width``
    is ``None`` where it depends on something other than constants and the
    module's own parameter defaults."""

    name: str
    direction: str
    width: int | None


@dataclass(frozen=True)
class ModuleInfo:
    """A module declaration: its ports in declaration order, where it is, and
    the module names it instantiates (in order, without repeats)."""

    name: str
    ports: tuple[PortInfo, ...]
    file: str | None
    line: int | None
    instances: tuple[str, ...] = ()


def list_modules(files: str | os.PathLike | Iterable[str | os.PathLike],
                 include_dirs: Iterable[str | os.PathLike] = (),
                 defines: Mapping[str, object] = {}) -> list[ModuleInfo]:
    """Every module declared in ``files`` (read in order, like one compilation unit).

    Raises:
        FormatError: pyverilog cannot parse a file (file named; line given
            where the file has no ``include``).
        ToolNotFoundError: ``iverilog`` is not installed.
        ToolError: the preprocessor failed.
    """
    from pyverilog.vparser import ast as vast
    from pyverilog.vparser.parser import ParseError

    paths = as_paths(files)
    chunks = _preprocess(paths, [Path(d) for d in include_dirs], defines)
    parser = _parser()
    modules = []
    for path, text in zip(paths, chunks):
        text = _pyverilog_compatible(text)
        if not MODULE_DECL.search(strip_comments(text)):
            continue    # defines, `timescale: nothing pyverilog would accept
        try:
            source = parser.parse(text)
        except ParseError as exc:
            raise _parse_error(path, exc) from None
        finally:
            parser.lexer.reset_lineno()
        located = declarations(strip_comments(path.read_text(errors="replace")))
        for definition in source.description.definitions:
            if isinstance(definition, vast.ModuleDef):
                line = located.get(definition.name)
                modules.append(ModuleInfo(
                    name=definition.name, ports=_ports(definition, vast),
                    file=str(path) if line else None, line=line,
                    instances=_instances(definition, vast)))
    return modules


def find_iverilog() -> str:
    """The Icarus Verilog executable: ``$PYVERILOG_IVERILOG``, else ``iverilog`` on PATH.

    Raises:
        ToolNotFoundError: neither names an executable.
    """
    iverilog = shutil.which(os.environ.get("PYVERILOG_IVERILOG") or "iverilog")
    if not iverilog:
        raise ToolNotFoundError("iverilog is not installed (Debian/Ubuntu: apt install iverilog)")
    return iverilog


def iverilog_available() -> bool:
    """Whether :func:`find_iverilog` finds Icarus Verilog."""
    try:
        find_iverilog()
    except ToolNotFoundError:
        return False
    return True


def _preprocess(paths: list[Path], include_dirs: list[Path],
                defines: Mapping[str, object]) -> list[str]:
    """Preprocessed text of each file, in one ``iverilog -E`` run so that
    defines carry from file to file; a marker file between inputs splits it."""
    iverilog = find_iverilog()
    with tempfile.TemporaryDirectory(prefix="circuitlab-pp-") as tmp:
        marker = Path(tmp) / "marker.v"
        marker.write_text(_MARKER + "\n")
        argv = [iverilog, "-E", "-grelative-include", "-o", str(Path(tmp) / "out.v")]
        for d in include_dirs:
            argv += ["-I", str(d)]
        for key, value in defines.items():
            argv += ["-D", key if value is None or value is True else f"{key}={value}"]
        for p in paths:
            argv += [str(p), str(marker)]
        proc = subprocess.run(argv, capture_output=True, text=True)
        out = Path(tmp) / "out.v"
        if proc.returncode != 0 or not out.exists():
            raise ToolError(f"iverilog -E failed: {(proc.stderr or proc.stdout).strip()}")
        chunks = out.read_text(errors="replace").split(_MARKER)
    # Each chunk after the first begins with the rest of the marker's line.
    return [chunks[0]] + [c[1:] if c.startswith("\n") else c for c in chunks[1:len(paths)]]


_ATTRIBUTE = re.compile(r"\(\*(?!\)).*?\*\)", re.S)
_INSTANCE_DELAY = re.compile(r"#\s*\d+(?:\.\d+)?(?=\s+[A-Za-z_][\w$]*\s*\()")
_SPACED_LITERAL = re.compile(r"(\d*'[sS]?[bBoOdDhH])\s+(?=[0-9a-fA-FxXzZ_?])")


def _pyverilog_compatible(text: str) -> str:
    """Rewrite what pyverilog's grammar lacks but does not change the ports or
    the hierarchy: ``(* attributes *)``, a delay on a module instance
    (``cell #0 u(...)``), a space after a literal's base (``32'h 0000``).
    Line numbers are kept."""
    text = _ATTRIBUTE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    text = _INSTANCE_DELAY.sub("", text)
    return _SPACED_LITERAL.sub(r"\1", text)


_PARSER = None


def _parser():
    """One pyverilog parser per process; its LALR tables go to a temporary
    folder (pyverilog would otherwise write ``parsetab.py`` into the cwd)."""
    global _PARSER
    if _PARSER is None:
        from pyverilog.vparser.parser import VerilogParser
        with tempfile.TemporaryDirectory(prefix="circuitlab-pyverilog-") as tmp:
            _PARSER = VerilogParser(outputdir=tmp, debug=False)
    return _PARSER


def _parse_error(path: Path, exc: Exception) -> FormatError:
    message = str(exc)
    m = re.match(r"\s*(?:None|line:(\d+)):\s*(.*)", message)
    line = None
    if m:
        message = m.group(2)
        has_include = _INCLUDE.search(strip_comments(path.read_text(errors="replace")))
        line = int(m.group(1)) if m.group(1) and not has_include else None
    return FormatError(path, f"pyverilog cannot parse it: {message}", line=line)


# --- AST helpers ----------------------------------------------------------------
def _ports(module, vast) -> tuple[PortInfo, ...]:
    params = _parameters(module, vast)
    declared: dict[str, PortInfo] = {}
    for node in _walk(module.items or (), vast, stop=(vast.ModuleDef,)):
        if isinstance(node, (vast.Input, vast.Output, vast.Inout)):
            declared.setdefault(node.name, _port(node, vast, params))
    ports = []
    for port in (module.portlist.ports if module.portlist else ()):
        if isinstance(port, vast.Ioport):
            ports.append(_port(port.first, vast, params))
        elif getattr(port, "name", None) in declared:
            ports.append(declared[port.name])
        elif getattr(port, "name", None):
            ports.append(PortInfo(port.name, "unknown", None))
    return tuple(ports)


def _port(node, vast, params) -> PortInfo:
    direction = {vast.Input: "input", vast.Output: "output", vast.Inout: "inout"}[type(node)]
    width = 1
    if node.width is not None:
        msb, lsb = _eval(node.width.msb, params, vast), _eval(node.width.lsb, params, vast)
        width = abs(msb - lsb) + 1 if msb is not None and lsb is not None else None
    return PortInfo(node.name, direction, width)


def _parameters(module, vast) -> dict[str, int]:
    params: dict[str, int] = {}
    nodes = list(_walk(module.paramlist.params if module.paramlist else (), vast))
    nodes += list(_walk(module.items or (), vast, stop=(vast.ModuleDef,)))
    for node in nodes:
        if isinstance(node, vast.Parameter) and node.name not in params:
            value = _eval(node.value, params, vast)
            if value is not None:
                params[node.name] = value
    return params


_BINARY = {"Plus": lambda a, b: a + b, "Minus": lambda a, b: a - b,
           "Times": lambda a, b: a * b, "Divide": lambda a, b: a // b if b else None,
           "Mod": lambda a, b: a % b if b else None, "Power": lambda a, b: a ** b,
           "Sll": lambda a, b: a << b, "Srl": lambda a, b: a >> b,
           "Sla": lambda a, b: a << b, "Sra": lambda a, b: a >> b}


def _eval(node, params: dict[str, int], vast) -> int | None:
    """Value of a constant expression, or None."""
    if isinstance(node, vast.IntConst):
        return _int_literal(node.value)
    if isinstance(node, vast.Identifier):
        return params.get(node.name)
    if isinstance(node, vast.Rvalue):
        return _eval(node.var, params, vast)
    if isinstance(node, vast.Uminus):
        v = _eval(node.right, params, vast)
        return -v if v is not None else None
    if isinstance(node, vast.Cond):
        c = _eval(node.cond, params, vast)
        return None if c is None else _eval(node.true_value if c else node.false_value,
                                            params, vast)
    op = _BINARY.get(type(node).__name__)
    if op is not None:
        a, b = _eval(node.left, params, vast), _eval(node.right, params, vast)
        if a is None or b is None:
            return None
        try:
            return op(a, b)
        except (ValueError, OverflowError):
            return None
    return None


def _int_literal(text: str) -> int | None:
    text = text.replace("_", "")
    m = re.fullmatch(r"(?:\d*)'[sS]?([bodhBODH])([0-9a-fA-F]+)", text)
    try:
        if m:
            return int(m.group(2), {"b": 2, "o": 8, "d": 10, "h": 16}[m.group(1).lower()])
        return int(text)
    except ValueError:
        return None


def _instances(module, vast) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for node in _walk(module.items or (), vast, stop=(vast.ModuleDef,)):
        if isinstance(node, vast.InstanceList):
            names.setdefault(node.module, None)
    return tuple(names)


def _walk(nodes, vast, stop=()):
    todo = list(nodes)[::-1]
    while todo:
        node = todo.pop()
        if node is None:
            continue
        yield node
        if not isinstance(node, stop):
            todo.extend(reversed([c for c in node.children() if c is not None]))
