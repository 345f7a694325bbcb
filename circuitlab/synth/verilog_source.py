"""Verilog source text scanned as written: module declarations, their lines
and their text (comments skipped, no preprocessor, no parser).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable

from circuitlab.errors import CircuitlabError

__all__ = ["MODULE_DECL", "ENDMODULE", "as_paths", "declarations", "module_declarations",
           "module_text", "strip_comments"]

MODULE_DECL = re.compile(r"\b(?:macro)?module\s+(\\\S+|[A-Za-z_][A-Za-z0-9_$]*)")
ENDMODULE = re.compile(r"\bendmodule\b")


def module_text(file: str | os.PathLike, name: str) -> str:
    """The source of module ``name`` in ``file``, from the comment block just
    above ``module`` through ``endmodule``, comments included.

    Raises:
        CircuitlabError: ``file`` declares no module ``name``.
    """
    text = Path(file).read_text(errors="replace")
    stripped = strip_comments(text)
    for m in MODULE_DECL.finditer(stripped):
        if m.group(1).lstrip("\\") != name.lstrip("\\"):
            continue
        end = ENDMODULE.search(stripped, m.end())
        stop = end.end() if end else len(text)
        return text[leading_comment_start(text, stripped, m.start()):stop] + "\n"
    raise CircuitlabError(f"{file}: no module named {name!r}")


def module_declarations(files: str | os.PathLike | Iterable[str | os.PathLike]
                        ) -> list[tuple[str, str, int]]:
    """Every module declaration in ``files`` as ``(name, file, line)``, in file
    order. The text is scanned as written (comments skipped, no preprocessor),
    so a module inside an ``ifdef`` counts too; for messages, not elaboration.
    """
    found = []
    for path in as_paths(files):
        stripped = strip_comments(path.read_text(errors="replace"))
        for m in MODULE_DECL.finditer(stripped):
            found.append((m.group(1).lstrip("\\"), str(path),
                          stripped.count("\n", 0, m.start()) + 1))
    return found


def as_paths(files) -> list[Path]:
    paths = [Path(f) for f in ([files] if isinstance(files, (str, os.PathLike)) else files)]
    for p in paths:
        if not p.is_file():   # pyverilog would take a missing path for Verilog text
            raise CircuitlabError(f"{p}: no such Verilog file")
    return paths


# --- preprocessing and parsing ------------------------------------------------
def strip_comments(text: str) -> str:
    """``text`` with comments and string contents blanked, newlines kept, so
    offsets and line numbers still match."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            j = min(j, n)
            closed = j < n and text[j] == '"'
            out.append('"' + re.sub(r"[^\n]", " ", text[i + 1:j]) + ('"' if closed else ""))
            i = j + 1 if closed else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def declarations(stripped: str) -> dict[str, int]:
    """Module name -> 1-based line of its ``module`` keyword."""
    found: dict[str, int] = {}
    for m in MODULE_DECL.finditer(stripped):
        found.setdefault(m.group(1).lstrip("\\"), stripped.count("\n", 0, m.start()) + 1)
    return found


def leading_comment_start(text: str, stripped: str, start: int) -> int:
    """Offset where the comment lines directly above ``start`` begin."""
    line_start = text.rfind("\n", 0, start) + 1
    if stripped[line_start:start].strip():
        return start    # code before "module" on the same line
    begin = line_start
    while begin > 0:
        prev = text.rfind("\n", 0, begin - 1) + 1
        code = stripped[prev:begin].strip()
        if code or not text[prev:begin].strip():
            break       # a code line, or a blank line, ends the block
        begin = prev
    return begin
