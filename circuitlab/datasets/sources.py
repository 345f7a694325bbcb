"""Design sources: the files of a source folder and turning one into an AIG.

A Verilog design is ``<name>.v`` (or ``.sv``) with an optional ``<name>.txt``
description beside it; a circuit file is ``.aig``, ``.aag`` or ``.bench``.
The worker functions take the file's bytes (not its path), so they run the
same on a local process pool and on a Ray cluster.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from circuitlab.datasets.fingerprint import file_digest
from circuitlab.datasets.shard import pack
from circuitlab.errors import CircuitlabError

__all__ = ["AIGER_SUFFIXES", "VERILOG_SUFFIXES", "list_sources", "load_design",
           "synthesize_item"]

VERILOG_SUFFIXES = (".v", ".sv")
AIGER_SUFFIXES = (".aig", ".aag", ".bench")


def list_sources(source: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Files of ``source`` with one of ``suffixes``, sorted by name.

    Raises:
        CircuitlabError: the folder is missing or holds no such file.
    """
    source = Path(source)
    if not source.is_dir():
        raise CircuitlabError(f"{source}: no such source folder")
    files = sorted(p for p in source.iterdir() if p.is_file() and p.suffix in suffixes)
    if not files:
        raise CircuitlabError(f"{source}: no {'/'.join(suffixes)} files in the source folder")
    return files


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


def load_design(payload: dict):
    """The :class:`~circuitlab.aig.Aig` of a design payload, with its metadata.

    Verilog is synthesised with :func:`circuitlab.synth.synthesize` (Yosys
    picks the top as usual); the metadata then holds ``verilog``, ``top``
    (the module :func:`~circuitlab.synth.verilog_info.guess_top` names),
    ``description`` and ``design``. Circuit files give ``design`` only.
    """
    name, suffix, data = payload["name"], payload["suffix"], payload["data"]
    with tempfile.TemporaryDirectory(prefix="circuitlab-dataset-") as tmp:
        path = Path(tmp) / f"{name}{suffix}"
        path.write_bytes(data)
        try:
            return _load(path, name, data, payload)
        except CircuitlabError as exc:
            # the message names the private copy; name the user's file instead
            raise CircuitlabError(str(exc).replace(str(path), path.name)) from None


def _load(path: Path, name: str, data: bytes, payload: dict):
    if path.suffix in VERILOG_SUFFIXES:
        from circuitlab.synth import synthesize
        from circuitlab.synth.verilog_info import guess_top
        aig = synthesize([path])
        meta = {"design": name, "verilog": data.decode(errors="replace"),
                "top": guess_top([path]), "description": payload.get("description", "")}
        return aig, meta
    from circuitlab.io.formats import read_circuit
    return read_circuit(path), {"design": name}


def synthesize_item(payload: dict) -> bytes:
    """Worker: a design payload -> item bytes (metadata and the AIGER of its AIG)."""
    from circuitlab.io.aiger import dump_aiger
    aig, meta = load_design(payload)
    return pack(meta, [dump_aiger(aig)])
