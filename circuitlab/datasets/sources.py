"""Design sources: the files of a source folder and turning one into an AIG.

A Verilog design is ``<name>.v`` (or ``.sv``) with an optional ``<name>.txt``
description beside it; a circuit file is ``.aig``, ``.aag`` or ``.bench``.
Folders are listed and files read by :mod:`circuitlab.synth.design`. The
worker functions take the file's bytes (not its path), so they run the same
on a local process pool and on a Ray cluster.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from circuitlab.datasets.fingerprint import file_digest
from circuitlab.datasets.shard import pack
from circuitlab.errors import CircuitlabError
from circuitlab.io.aiger import dump_aiger
from circuitlab.synth.design import (DesignParams, VERILOG_SUFFIXES, list_designs, read_design,
                                     read_design_top)

__all__ = ["AIGER_SUFFIXES", "VERILOG_SUFFIXES", "folder_graphs", "list_sources",
           "synthesize_item"]

AIGER_SUFFIXES = (".aig", ".aag", ".bench")


def list_sources(source: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """:func:`~circuitlab.synth.design.list_designs` of a source folder.

    Raises:
        CircuitlabError: the folder is missing or holds no such file.
    """
    return list_designs(source, suffixes, what="source folder")


def source_digests(files: list[Path]) -> list[tuple[str, str]]:
    """``(name, sha256)`` of each file and of each Verilog file's description."""
    out = []
    for path in files:
        out.append((path.name, file_digest(path)))
        desc = path.with_suffix(".txt")
        if path.suffix in VERILOG_SUFFIXES and desc.is_file():
            out.append((desc.name, file_digest(desc)))
    return out


def design_payload(path: Path) -> dict:
    """What a worker needs to build ``path``'s AIG: its name, suffix and bytes."""
    payload = {"name": path.stem, "suffix": path.suffix, "data": path.read_bytes()}
    desc = path.with_suffix(".txt")
    if path.suffix in VERILOG_SUFFIXES:
        payload["description"] = desc.read_text(errors="replace") if desc.is_file() else ""
    return payload


def read_payload(payload: dict) -> tuple:
    """The :class:`~circuitlab.aig.Aig` of a design payload, with its metadata.

    The design is read by :func:`~circuitlab.synth.design.read_design_top`;
    for Verilog the metadata holds ``verilog``, ``top`` (the module
    synthesised), ``description`` and ``design``; circuit files give
    ``design`` only.
    """
    name, suffix, data = payload["name"], payload["suffix"], payload["data"]
    with tempfile.TemporaryDirectory(prefix="circuitlab-dataset-") as tmp:
        path = Path(tmp) / f"{name}{suffix}"
        path.write_bytes(data)
        try:
            aig, top = read_design_top(path)
        except CircuitlabError as exc:
            # the message names the private copy; name the user's file instead
            raise CircuitlabError(str(exc).replace(str(path), path.name)) from None
    if top is None:
        return aig, {"design": name}
    return aig, {"design": name, "verilog": data.decode(errors="replace"), "top": top,
                 "description": payload.get("description", "")}


def folder_graphs(folder: str | Path, encoding: str,
                  params: DesignParams = DesignParams()) -> list:
    """The designs of ``folder`` (sorted by name) as :class:`~circuitlab.data.AigData`
    in ``encoding``, each with a ``name`` (the file name).

    Raises:
        CircuitlabError: a missing or empty folder, or a design that cannot be read.
    """
    from circuitlab.data import to_pyg  # torch: loaded only when graphs are built
    graphs = []
    for path in list_designs(folder):
        graph = to_pyg(read_design(path, params), encoding)
        graph.name = path.name
        graphs.append(graph)
    return graphs


def synthesize_item(payload: dict) -> bytes:
    """Worker: a design payload -> item bytes (metadata and the AIGER of its AIG)."""
    aig, meta = read_payload(payload)
    return pack(meta, [dump_aiger(aig)])
