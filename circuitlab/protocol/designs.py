"""Design names of an experiment config -> :class:`~circuitlab.tasks.Design`.

A config names each design ``SOURCE/NAME``, or plain ``NAME`` for the
project's own designs:

============  ============================================  ==========
source        file(s)                                       kind
============  ============================================  ==========
``designs``   ``<project>/data/designs/NAME.v``             Verilog
``iscas85``   ``<data root>/iscas85/NAME.aig``              AIGER
``epfl``      ``<data root>/epfl-arithmetic/NAME.aig``      AIGER
``iwls05``    ``<data root>/iwls05/NAME.aig``               AIGER
``openabc``   ``<data root>/openabc-rtl/NAME/`` (config.mk) Verilog
============  ============================================  ==========

The data root holds the pinned suites as ``circuitlab data fetch SUITE``
leaves them (:func:`~circuitlab.suites.fetch_suite`; by default in
:func:`~circuitlab.suites.default_cache_dir`): ISCAS'85 and EPFL from
mockturtle, IWLS'05 with latches cut, OpenABC-D RTL.
A design's name within an experiment is ``NAME`` alone, so the same circuit
from two sources (``iwls05/sasc``, ``openabc/sasc``) cannot sit in both
splits. Verilog designs are synthesised by
:func:`~circuitlab.synth.synthesize` once and their AIGs cached, keyed by
the contents of their files; they keep their text (for VGA pre-training).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from circuitlab.errors import CircuitlabError
from circuitlab.io.aiger import read_aiger, write_aiger
from circuitlab.io.aiger_write import dump_aiger
from circuitlab.parallel import BuildOptions, Item, pmap, run_items
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.synth.design import DesignParams, read_design
from circuitlab.tasks import Design

AIG_SOURCES = {"iscas85": "iscas85", "epfl": "epfl-arithmetic", "iwls05": "iwls05"}
"""Source name in a config -> the suite (:mod:`circuitlab.suites`) holding its AIGs."""
RTL_SUITE = "openabc-rtl"
SOURCES = ("designs", *AIG_SOURCES, "openabc")
SYNTH_TIMEOUT = 1200.0
"""Seconds of Yosys per design (the largest OpenABC-D IPs take about two minutes)."""


@dataclass(frozen=True)
class DesignSource:
    """Where one design of a config comes from.

    Attributes:
        spec: as written in the config (``"iscas85/c432"``).
        name: the design's name in the experiment (``"c432"``).
        files: the AIGER file, or the Verilog files in reading order.
        top: the top module of a multi-file RTL design (``None``: Yosys' choice).
        include_dirs: folders searched by ``include``.
    """

    spec: str
    name: str
    files: tuple[Path, ...]
    top: str | None = None
    include_dirs: tuple[Path, ...] = ()

    @property
    def is_verilog(self) -> bool:
        return self.files[0].suffix in (".v", ".sv")

    def digest(self) -> str:
        """SHA-256 over the files' bytes, the top and the include folders."""
        h = hashlib.sha256(repr((self.top, [p.name for p in self.include_dirs])).encode())
        for path in self.files:
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        return h.hexdigest()


def locate(spec: str, data_root: Path, designs: Path = DEFAULT_DESIGNS) -> DesignSource:
    """The files of design ``spec`` (``NAME`` or ``SOURCE/NAME``).

    Raises:
        CircuitlabError: an unknown source, or files that are not there; the
            message names the design and the path looked for.
    """
    source, _, name = spec.rpartition("/")
    source = source or "designs"
    if source not in SOURCES or not name:
        raise CircuitlabError(f"design {spec!r}: write NAME or SOURCE/NAME with SOURCE one "
                              f"of {', '.join(SOURCES)}")
    if source == "designs":
        path = designs / f"{name}.v"
        if not path.is_file():
            raise CircuitlabError(f"design {spec!r}: no file {path}")
        return DesignSource(spec, name, (path,))
    suite = AIG_SOURCES.get(source, RTL_SUITE)
    if source in AIG_SOURCES:
        path = data_root / suite / f"{name}.aig"
    else:
        path = data_root / suite / name / "config.mk"
    if not path.is_file():
        raise CircuitlabError(f"design {spec!r}: no file {path} (data_root {data_root}: "
                              f"fetch it with `circuitlab data fetch {suite}`, or see "
                              "--data-root)")
    return DesignSource(spec, name, (path,)) if source in AIG_SOURCES \
        else openabc_source(spec, path.parent)


def make_var(text: str, name: str) -> str | None:
    """Value of ``export NAME = ...`` in a Makefile fragment, line continuations joined."""
    text = text.replace("\\\n", " ")
    m = re.search(rf"^\s*export\s+{name}\s*=\s*(.*)$", text, re.M)
    return m.group(1).strip() if m else None


def openabc_source(spec: str, folder: Path) -> DesignSource:
    """An OpenABC-D IP folder: files, order, top and includes as its ``config.mk`` gives them.

    ``VERILOG_FILES`` as ``$(wildcard ...)`` means every ``.v`` / ``.sv``
    file, sorted; an explicit list keeps its order (picosoc needs it).
    """
    config = (folder / "config.mk").read_text()
    listed = make_var(config, "VERILOG_FILES") or ""
    if "wildcard" in listed:
        files = sorted(p for p in folder.iterdir() if p.suffix in (".v", ".sv"))
    else:
        files = [folder / Path(f).name for f in listed.split()]
    missing = [p for p in files if not p.is_file()]
    if not files or missing:
        raise CircuitlabError(f"design {spec!r}: {folder / 'config.mk'} lists "
                              f"{missing[0] if missing else 'no Verilog files'}")
    incs = make_var(config, "VERILOG_INCLUDE_DIRS") or ""
    return DesignSource(spec, folder.name, tuple(files), make_var(config, "DESIGN_NAME"),
                        tuple(folder / Path(d).name for d in incs.split()))


def load_design(source: DesignSource, cache: Path | None) -> Design:
    """The :class:`~circuitlab.tasks.Design` of ``source``; Verilog is synthesised once.

    The AIG of a Verilog design is cached as
    ``cache/aigs/<name>-<digest>.aig`` (``cache`` ``None``: no cache).

    Raises:
        CircuitlabError: a file that does not parse or does not synthesise
            (naming the design).
    """

    try:
        if not source.is_verilog:
            return Design(source.name, read_design(source.files[0]))
        text = "\n".join(p.read_text(errors="replace") for p in source.files)
        cached = None if cache is None else \
            cache / "aigs" / f"{source.name}-{source.digest()[:16]}.aig"
        if cached is not None and cached.is_file():
            return Design(source.name, read_aiger(cached), text)
        aig = read_design(source.files, DesignParams(top=source.top,
                                                     include_dirs=source.include_dirs,
                                                     timeout=SYNTH_TIMEOUT))
        if cached is not None:
            write_aiger(aig, cached)
        return Design(source.name, aig, text)
    except CircuitlabError as exc:
        raise CircuitlabError(f"design {source.spec!r}: {str(exc).splitlines()[0]}") from None


def _synthesize_item(source: DesignSource) -> bytes:
    """Worker: the AIGER bytes of a Verilog design (:func:`load_design` without a cache)."""
    return dump_aiger(load_design(source, None).aig)


def load_designs(sources: list[DesignSource], cache: Path | None,
                 options: BuildOptions = BuildOptions(progress=False)) -> list[Design]:
    """:func:`load_design` of every source, the Verilog ones synthesised in parallel.

    With a cache, each Verilog design is an item of :func:`circuitlab.parallel.run_items`
    written to :func:`load_design`'s cache file, which then reads it.

    Raises:
        CircuitlabError: the first design (in order) that does not load, named.
    """

    if cache is None:
        found = dict(pmap(load_design, [(s, None) for s in sources], options.jobs))
        return [found[k] for k in range(len(sources))]
    verilog = [s for s in sources if s.is_verilog]
    items = [Item(s.spec, f"{s.name}-{s.digest()[:16]}", s) for s in verilog]
    run_items(_synthesize_item, items, cache / "aigs", ".aig", options, what="designs")
    # a design that failed is synthesised again here, to raise its own error
    return [load_design(s, cache) for s in sources]
