"""Yosys log reading: the first ERROR line as a typed error naming the user's file.

Where Yosys's words name no file or leak its internals (a re-defined module
is ``$abstract\\m``, a missing include or a combinational loop has no
location), the message is rebuilt from the log and the user's files.
"""

from __future__ import annotations

import re
from pathlib import Path

from circuitlab.errors import SynthesisError, ToolError
from circuitlab.synth import yosys_process
from circuitlab.synth.verilog_info import module_declarations

# "file.v:12: ERROR: ..." or "file.v:12.3-12.9: ERROR: ..."
_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?:\.\d+(?:-\d+\.\d+)?)?: "
                      r"ERROR: ?(?P<msg>.*)$")
_PARSER_LOCATED = re.compile(r"^ERROR: Parser error in line (?P<file>.+?):(?P<line>\d+): "
                             r"(?P<msg>.*)$")
_PROC_LOCATION = re.compile(r"\$proc\$(?P<file>[^:$]+):(?P<line>\d+)\$")
_UNSUPPORTED_CELL = re.compile(r"Unsupported cell type: (\$\S+)")
_REDEFINED = re.compile(r"Re-definition of module `(?:\$abstract)?\\?(\S+?)'!")
_NO_INCLUDE = re.compile(r"Can't open include file `([^'\n]+)'!")
_PARSING = re.compile(r"^Parsing (?:SystemVerilog|Verilog) input from `([^'\n]+)'", re.M)
_LOOP = re.compile(r"Found combinational logic loop while processing signal \\?(\S+?)\.?$")
_LOOP_WARNING = re.compile(r"^Warning: found logic loop in module \\?(?P<module>\S+?):\n"
                           r"(?:[ \t].*\n)*?[ \t]+cell .*? source: (?P<file>[^\s:]+):(?P<line>\d+)",
                           re.M)


def error_from_log(log: str, rc: int, mirror: yosys_process.WorkMirror,
                    work: Path) -> ToolError:
    """Turn Yosys's ERROR line into a SynthesisError naming the user's file."""
    error_line = None
    for line in log.splitlines():
        if "ERROR:" in line:
            error_line = line.strip()
            break
    if error_line is None:
        console = yosys_process.console_text(work)
        tail = " / ".join(line.strip() for line in
                          (log + "\n" + console).strip().splitlines()[-3:] if line.strip())
        return ToolError(f"yosys exited with status {rc} without an error message "
                         f"(last lines: {tail})")
    # Yosys repeats the message at the end without a newline; keep one copy.
    idx = error_line.find("ERROR:", error_line.find("ERROR:") + 1)
    if idx > 0:
        error_line = error_line[:idx].strip()
    file = line_no = None
    m = _LOCATED.match(error_line) or _PARSER_LOCATED.match(error_line)
    if m:
        file, line_no = mirror.original(m.group("file")), int(m.group("line"))
        message = m.group("msg")
        text = f"{file}:{line_no}: {message}"
    else:
        message = error_line.split("ERROR:", 1)[1].strip()
        text = mirror.unmirror_text(message)
        message = text
        proc = _PROC_LOCATION.search(text)   # "process `\\m.$proc$file.v:12$3'"
        if proc:
            file, line_no = proc.group("file"), int(proc.group("line"))
            text = f"{file}:{line_no}: {text}"
    text += hint(message)
    better = _clearer(message, file, line_no, log, mirror, work)
    if better is not None:
        text, file, line_no = better
    exc = SynthesisError(text, file, line_no)
    exc.in_frontend = last_pass(log).startswith("Executing Verilog")
    unsupported = _UNSUPPORTED_CELL.search(message)
    if unsupported and "LATCH" in unsupported.group(1).upper():
        exc = SynthesisError(f"the design infers a level-sensitive latch "
                             f"({unsupported.group(1)}), which an AIG cannot represent",
                             file, line_no)
        exc.in_frontend = False
    return exc


def _clearer(message: str, file: str | None, line: int | None, log: str,
             mirror: yosys_process.WorkMirror, work: Path
             ) -> tuple[str, str | None, int | None] | None:
    """``(text, file, line)`` saying what Yosys meant, or None to keep its words."""
    redefined = _REDEFINED.search(message)
    if redefined:
        return _redefinition(redefined.group(1), file, line, mirror)
    missing = _NO_INCLUDE.search(message)
    if missing:
        return _missing_include(missing.group(1), log, mirror, work)
    loop = _LOOP.search(message)
    if loop:
        found = _LOOP_WARNING.search(log)
        if found is None:
            return f"{', '.join(mirror.user_files)}: {message}", None, None
        where, at = mirror.original(found.group("file")), int(found.group("line"))
        return (f"{where}:{at}: combinational logic loop in module {found.group('module')} "
                f"(found while writing signal {loop.group(1)})", where, at)
    return None


def _redefinition(name: str, file: str | None, line: int | None,
                  mirror: yosys_process.WorkMirror) -> tuple[str, str | None, int | None]:
    places = [f"{f}:{n}" for m, f, n in module_declarations(mirror.user_files) if m == name]
    if file is not None and f"{file}:{line}" not in places:
        places.append(f"{file}:{line}")
    times = {2: "twice"}.get(len(places), f"{len(places)} times")
    where = f"{file}:{line}: " if file is not None else ""
    return f"{where}module {name} is defined {times} ({', '.join(places)})", file, line


def _missing_include(name: str, log: str, mirror: yosys_process.WorkMirror,
                     work: Path) -> tuple[str, str | None, int | None]:
    """The file (and line) that includes ``name``: the one Yosys was reading."""
    reading = _PARSING.findall(log)
    message = f"cannot open include file '{name}' (not beside the file nor in an include folder)"
    if not reading:
        return f"{', '.join(mirror.user_files)}: {message}", None, None
    file = mirror.original(reading[-1])
    try:
        lines = (work / reading[-1]).read_text(errors="replace").splitlines()
    except OSError:
        lines = []
    pattern = re.compile(r"`include\s*[\"<]" + re.escape(name) + r"[\">]")
    for k, text in enumerate(lines, 1):
        if pattern.search(text):
            return f"{file}:{k}: {message}", file, k
    return f"{file}: {message}", file, None


def hint(message: str) -> str:
    if "Latch inferred" in message and "always_comb" in message:
        return " (an always_comb block infers a latch: assign every signal on every path)"
    if "undefined macro `error" in message:
        return " (an `error directive was reached: check the file order and the defines)"
    return ""


def last_pass(log: str) -> str:
    passes = re.findall(r"^\d+\. (Executing .*)$", log, re.M)
    return passes[-1] if passes else ""
