"""The Yosys scripts of :mod:`circuitlab.synth.yosys`: one run's inputs and the text it runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from circuitlab.errors import CircuitlabError
from circuitlab.synth import yosys_symbols

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
# Yosys's default ABC script without its "&fraig -x" SAT sweep (and "scorr",
# a no-op on the combinational logic that Yosys hands to ABC): the sweep did
# not finish in 20 minutes on the OpenABC-D fpu divider; this script takes
# about 2 minutes there and costs 1-3% more ANDs elsewhere (aes, aes_xcrypt).
ABC_SCRIPT = "strash; dc2; dretime; strash; &get -n; &dch -f; &nf; &put"
ABC_SCRIPT_FILE = "abc.script"


@dataclass(frozen=True)
class Job:
    """One Yosys run: the script inputs, already mirrored into the work folder."""

    files: tuple[str, ...]          # relative to the work folder
    include_dirs: tuple[str, ...]   # relative to the work folder
    defines: tuple[str, ...]        # "-DNAME" / "-DNAME=VALUE"
    top: str | None
    sv: bool
    stubs: str | None = None        # relative path of the black-box stub file


def replace_job(job: Job, **changes) -> Job:
    return Job(**{**job.__dict__, **changes})


def read_cmd(job: Job) -> list[str]:
    opts = ["-defer"] + (["-sv"] if job.sv else [])
    for d in job.include_dirs:
        opts += ["-I", quote(d)]
    opts += list(job.defines)
    cmds = [f"read_verilog {' '.join(opts)} {' '.join(quote(f) for f in job.files)}"]
    if job.stubs is not None:
        cmds.append(f"read_verilog -lib {quote(job.stubs)}")
    return cmds


def top_opt(job: Job) -> str:
    return f"-top {job.top}" if job.top is not None else "-auto-top"


def flow_script(job: Job) -> str:
    """The full synthesis flow, ending in ``out.aag``."""
    return "\n".join(read_cmd(job) + [
        f"hierarchy -check {top_opt(job)}",
        "proc",
        "flatten",
        # Whatever instance is left after flattening is a black box: cut it.
        "select -set blackboxes t:* t:$* %d",
        "expose -evert @blackboxes",
        "synth -flatten -noabc" + (f" -top {job.top}" if job.top else ""),
        f"abc -script {ABC_SCRIPT_FILE}",
        "opt -fast",
        # Simulation-only and bookkeeping cells have no place in an AIG.
        "delete t:$print t:$scopeinfo t:$check t:$assert t:$assume t:$cover t:$live t:$fair",
        # Name each flip-flop after its Q wire before async2sync moves that
        # name to a reset multiplexer; autoname then names the new Q wires.
        f"rename -wire -suffix {yosys_symbols.FF_TAG} t:$_*FF* t:$_DLATCH*",
        "async2sync",
        "dffunmap",
        "setundef -zero",   # write_aiger takes no x/z constants
        "aigmap",
        "opt_clean",
        "autoname t:$_*FF* %co",
        "stat",
        "write_aiger -ascii -symbols -vmap out.map out.aag",
    ]) + "\n"


def probe_script(job: Job) -> str:
    """Elaborate without ``-check`` and dump the design, to find how unknown
    instances are wired."""
    return "\n".join(read_cmd(job) + [
        f"hierarchy {top_opt(job)}",
        "proc",
        "write_json probe.json",
    ]) + "\n"


def define_args(defines: Mapping[str, object]) -> tuple[str, ...]:
    args = []
    for name, value in defines.items():
        if not IDENT.fullmatch(name):
            raise CircuitlabError(f"define name {name!r} is not a Verilog identifier")
        if value is None or value is True:
            args.append(f"-D{name}")
            continue
        text = str(value)
        if re.search(r'[\s";]', text):
            raise CircuitlabError(f"define {name}={text!r}: values may not contain "
                                  "spaces, quotes or semicolons")
        args.append(f"-D{name}={text}")
    return tuple(args)


def quote(arg: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./+=-]+", arg):
        return arg
    if '"' in arg:
        raise CircuitlabError(f"path {arg!r} contains a double quote")
    return f'"{arg}"'
