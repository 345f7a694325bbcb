"""Yosys log reading: the first ERROR line as a typed error naming the user's file."""

from __future__ import annotations

import re
from pathlib import Path

from circuitlab.errors import SynthesisError, ToolError
from circuitlab.synth import yosys_process

# "file.v:12: ERROR: ..." or "file.v:12.3-12.9: ERROR: ..."
_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?:\.\d+(?:-\d+\.\d+)?)?: "
                      r"ERROR: ?(?P<msg>.*)$")
_PARSER_LOCATED = re.compile(r"^ERROR: Parser error in line (?P<file>.+?):(?P<line>\d+): "
                             r"(?P<msg>.*)$")
_PROC_LOCATION = re.compile(r"\$proc\$(?P<file>[^:$]+):(?P<line>\d+)\$")
_UNSUPPORTED_CELL = re.compile(r"Unsupported cell type: (\$\S+)")


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
    exc = SynthesisError(text, file, line_no)
    exc.in_frontend = last_pass(log).startswith("Executing Verilog")
    unsupported = _UNSUPPORTED_CELL.search(message)
    if unsupported and "LATCH" in unsupported.group(1).upper():
        exc = SynthesisError(f"the design infers a level-sensitive latch "
                             f"({unsupported.group(1)}), which an AIG cannot represent",
                             file, line_no)
        exc.in_frontend = False
    return exc


def hint(message: str) -> str:
    if "Latch inferred" in message and "always_comb" in message:
        return " (an always_comb block infers a latch: assign every signal on every path)"
    if "undefined macro `error" in message:
        return " (an `error directive was reached: check the file order and the defines)"
    return ""


def last_pass(log: str) -> str:
    passes = re.findall(r"^\d+\. (Executing .*)$", log, re.M)
    return passes[-1] if passes else ""
