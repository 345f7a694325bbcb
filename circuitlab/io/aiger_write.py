"""AIGER writing, ASCII (``aag``) and binary (``aig``); see :mod:`circuitlab.io.aiger`.

Names go through :func:`~circuitlab.io.names.unique_names` first, so that no
input, latch and output share a name (ABC refuses such files).
"""

from __future__ import annotations

import os

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.fsutil import write_bytes_atomic
from circuitlab.io.names import unique_names

_MAX_VARINT_BYTES = 9  # 63 bits of payload fit int64


def write_aiger(aig: Aig, path: str | os.PathLike, binary: bool | None = None,
                symbols: bool = True, comments: bool = True) -> None:
    """Write ``aig`` atomically; binary unless the name ends in ``.aag`` (or ``binary`` says)."""
    if binary is None:
        binary = not str(path).endswith(".aag")
    write_bytes_atomic(path, dump_aiger(aig, binary, symbols, comments))


def dump_aiger(aig: Aig, binary: bool = True, symbols: bool = True,
               comments: bool = True) -> bytes:
    """The AIGER bytes of ``aig``."""
    i, l, o, a = aig.num_inputs, aig.num_latches, aig.num_outputs, aig.num_ands
    m = i + l + a
    first = i + l + 1
    ands = np.sort(aig.ands, axis=1)[:, ::-1]  # AIGER wants rhs0 >= rhs1
    lhs = 2 * np.arange(first, first + a, dtype=np.int64)
    init = aig.latches[:, 1]
    own = 2 * np.arange(i + 1, first, dtype=np.int64)
    init_lit = np.where(init == 2, own, init)
    latch_lines = [f"{n} {r}" if r else f"{n}" for n, r in zip(aig.latches[:, 0].tolist(),
                                                              init_lit.tolist())]
    parts: list[bytes] = [f"{'aig' if binary else 'aag'} {m} {i} {l} {o} {a}\n".encode()]
    body: list[str] = []
    if not binary:
        body += [str(2 * k) for k in range(1, i + 1)]
        body += [f"{2 * (i + 1 + k)} {line}" for k, line in enumerate(latch_lines)]
    else:
        body += latch_lines
    body += [str(x) for x in aig.outputs.tolist()]
    if not binary:
        body += [f"{x} {y} {z}" for x, (y, z) in zip(lhs.tolist(), ands.tolist())]
    if body:
        parts.append(("\n".join(body) + "\n").encode())
    if binary:
        parts.append(encode_deltas(lhs, ands))
    if symbols:
        parts.append(_symbol_table(aig))
    if comments and aig.comments:
        parts.append(("c\n" + "\n".join(aig.comments) + "\n").encode())
    return b"".join(parts)


def encode_deltas(lhs: np.ndarray, ands: np.ndarray) -> bytes:
    """Binary AIGER AND section: LEB128-style varints of ``lhs-rhs0``, ``rhs0-rhs1``."""
    if len(lhs) == 0:
        return b""
    deltas = np.empty(2 * len(lhs), dtype=np.uint64)
    deltas[0::2] = lhs - ands[:, 0]
    deltas[1::2] = ands[:, 0] - ands[:, 1]
    nbytes = np.ones(len(deltas), dtype=np.int64)
    for k in range(1, _MAX_VARINT_BYTES + 1):
        nbytes += deltas >= np.uint64(1 << (7 * k)) if 7 * k < 64 else 0
    width = int(nbytes.max())
    shifts = np.uint64(7) * np.arange(width, dtype=np.uint64)
    chunks = ((deltas[:, None] >> shifts[None, :]) & np.uint64(0x7F)).astype(np.uint8)
    cols = np.arange(width)[None, :]
    chunks |= np.where(cols < (nbytes - 1)[:, None], 0x80, 0).astype(np.uint8)
    return chunks[cols < nbytes[:, None]].tobytes()


def _symbol_table(aig: Aig) -> bytes:
    """Symbol lines for the names that differ from the defaults, made unique first
    (:func:`~circuitlab.io.names.unique_names`: ABC refuses repeated names)."""
    ins, latches, outs = unique_names(aig.input_names, aig.latch_names, aig.output_names)
    lines: list[str] = []
    for prefix, names in (("i", ins), ("l", latches), ("o", outs)):
        for k, name in enumerate(names):
            if name != f"{prefix}{k}":
                lines.append(f"{prefix}{k} {name}")
    return ("\n".join(lines) + "\n").encode() if lines else b""
