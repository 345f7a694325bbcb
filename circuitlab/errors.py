"""Typed errors raised at the edges of circuitlab.

Every error a user can cause (a malformed file, bad Verilog, a missing tool,
an option out of range) is a :class:`CircuitlabError`; the command line
prints its message on one line and exits non-zero, without a traceback.
"""

from __future__ import annotations

import numbers
import os


class CircuitlabError(Exception):
    """Base class of every error caused by input or environment."""


class CircuitlabWarning(UserWarning):
    """Something the user should know that does not stop the work (an unwritable cache).

    The command line prints it as one line, ``circuitlab CMD: warning: message``.
    """


class FormatError(CircuitlabError):
    """A circuit file is malformed.

    Args:
        path: the file that was read (or ``"<bytes>"``).
        message: what is wrong.
        line: 1-based line number where known.
        offset: byte offset where known (binary formats).
    """

    def __init__(self, path: str | os.PathLike | None, message: str,
                 line: int | None = None, offset: int | None = None):
        self.path = str(path) if path is not None else "<input>"
        self.line = line
        self.offset = offset
        self.reason = message
        where = self.path
        if line is not None:
            where += f":{line}"
        if offset is not None:
            where += f" (byte {offset})"
        super().__init__(f"{where}: {message}")


class ToolNotFoundError(CircuitlabError):
    """An external tool (Yosys, ABC, iverilog) is not installed."""


class ToolError(CircuitlabError):
    """An external tool failed; the message carries the tool's own words."""


class ToolTimeoutError(ToolError):
    """An external tool ran past its time limit and was killed."""


class SynthesisError(ToolError):
    """Yosys rejected a design (syntax or elaboration error).

    Attributes:
        file: the Verilog file Yosys blamed, where it named one.
        line: the line Yosys blamed, where it named one.
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        self.file = file
        self.line = line
        super().__init__(message)


class FetchError(CircuitlabError):
    """A benchmark download or mirror copy failed or did not verify."""


class ParamError(CircuitlabError):
    """A parameter is out of range or unknown.

    The command line names the option that set ``field`` instead of the
    field itself (``--exact-conflicts must be >= 0, got -1``).

    Args:
        field: the dataclass field (or function argument) at fault.
        problem: what is wrong, worded to follow the name
            (``"must be >= 0, got -1"``).
    """

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field} {problem}")


def describe(exc: BaseException) -> str:
    """One line for a user: a :class:`CircuitlabError`'s own words, else ``Type: message``.

    A user's mistake reads without the name of a Python class; an
    unexpected failure keeps its type, which is what a bug report needs.
    """
    text = " ".join(str(exc).split())
    if isinstance(exc, CircuitlabError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def require(ok: bool, field: str, problem: str) -> None:
    """Raise :class:`ParamError` ``(field, problem)`` unless ``ok``."""
    if not ok:
        raise ParamError(field, problem)


def _is_number(value) -> bool:
    """An int or float (numpy's too), not a bool."""
    return isinstance(value, numbers.Real) and type(value).__name__ not in ("bool", "bool_")


def require_at_least(value, low, field: str) -> None:
    """``value >= low`` (an int or float, numpy's too, not a bool), else :class:`ParamError`."""
    ok = _is_number(value) and value >= low
    require(ok, field, f"must be >= {low}, got {value!r}")


def require_positive(value, field: str) -> None:
    """``value > 0`` (an int or float, numpy's too, not a bool), else :class:`ParamError`."""
    ok = _is_number(value) and value > 0
    require(ok, field, f"must be > 0, got {value!r}")


def require_choice(value, choices, field: str) -> None:
    """``value`` is one of ``choices``, else :class:`ParamError`."""
    require(value in choices, field, f"must be one of {', '.join(map(str, choices))}, "
                                     f"got {value!r}")
