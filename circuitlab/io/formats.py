"""Read and write a circuit by its file extension."""

from __future__ import annotations

import os
from pathlib import Path

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError, FormatError
from circuitlab.fsutil import check_output_file, is_sink
from circuitlab.io.truth import read_truth

READ_SUFFIXES = (".aig", ".aag", ".bench", ".truth")
WRITE_SUFFIXES = (".aig", ".aag", ".bench", ".truth")


def check_suffix(path: str | os.PathLike, allowed: tuple[str, ...]) -> str:
    """The lower-case extension of ``path``; a :class:`FormatError` unless it is in ``allowed``."""
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise FormatError(path, f"unknown circuit format {suffix or '(no extension)'!r}; "
                                f"expected one of {', '.join(allowed)}")
    return suffix


def read_circuit(path: str | os.PathLike, *, bad_as_outputs: bool = False) -> Aig:
    """Read ``.aig``/``.aag`` (AIGER), ``.bench`` or ``.truth`` into an :class:`Aig`.

    ``bad_as_outputs``: an AIGER file's bad-state properties become extra
    outputs (see :func:`~circuitlab.io.aiger.read_aiger`); other formats have none.
    """
    if Path(path).is_dir():
        raise FormatError(path, "is a folder, not a circuit file")
    suffix = check_suffix(path, READ_SUFFIXES)
    if suffix in (".aig", ".aag"):
        from circuitlab.io.aiger import read_aiger
        return read_aiger(path, bad_as_outputs=bad_as_outputs)
    if suffix == ".bench":
        from circuitlab.io.bench import read_bench
        return read_bench(path)
    return read_truth(path)


def _suffix_to_write(path: str | os.PathLike) -> str:
    """The format of ``path``: its extension; binary AIGER for ``/dev/null`` and its like."""
    if not Path(path).suffix and is_sink(Path(path)):
        return ".aig"
    return check_suffix(path, WRITE_SUFFIXES)


def write_circuit(aig: Aig, path: str | os.PathLike) -> None:
    """Write atomically in the format named by the extension."""
    suffix = _suffix_to_write(path)
    if suffix in (".aig", ".aag"):
        from circuitlab.io.aiger import write_aiger
        write_aiger(aig, path, binary=suffix == ".aig")
    elif suffix == ".bench":
        from circuitlab.io.bench import write_bench
        write_bench(aig, path)
    else:
        from circuitlab.io.truth import write_truth
        write_truth(aig, path)


def check_output(path: str | os.PathLike, aig: Aig | None = None,
                 option: str | None = "-o") -> None:
    """Refuse, before the work, an output the command could not write.

    ``path`` must be writable (:func:`~circuitlab.fsutil.check_output_file`)
    with a circuit extension; with ``aig`` (the circuit read, whose result
    keeps its inputs and latches), the format must hold it: ``.truth`` a
    combinational circuit of at most 16 inputs, ``.bench`` latches that
    reset to 0 and names bench can write.

    Raises:
        CircuitlabError: one line naming ``option`` and ``path``.
    """
    check_output_file(path, option)
    suffix = _suffix_to_write(path)
    if aig is None:
        return
    try:
        if suffix == ".truth":
            from circuitlab.io.truth import check_truth
            check_truth(aig)
        elif suffix == ".bench":
            from circuitlab.io.bench import check_bench
            check_bench(aig)
    except CircuitlabError as exc:
        label = f"{option} {path}" if option else str(path)
        raise CircuitlabError(f"{label}: {exc}") from None
