"""The per-item result file: a JSON header and AIGER blobs, in one byte string.

Layout: 8 bytes little-endian header length ``n``, ``n`` bytes of UTF-8 JSON
``{"meta": {...}, "sizes": [...]}``, then the blobs back to back. Binary
AIGER keeps a 20-step trace of a mid-size design within a few kB per step.
"""

from __future__ import annotations

import json

from circuitlab.errors import FormatError

__all__ = ["pack", "unpack"]


def pack(meta: dict, blobs: list[bytes]) -> bytes:
    header = json.dumps({"meta": meta, "sizes": [len(b) for b in blobs]}).encode()
    return len(header).to_bytes(8, "little") + header + b"".join(blobs)


def unpack(data: bytes, source: str = "<bytes>") -> tuple[dict, list[bytes]]:
    try:
        n = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + n])
        blobs, pos = [], 8 + n
        for size in header["sizes"]:
            blobs.append(data[pos:pos + size])
            pos += size
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(source, f"not a dataset item file ({exc})") from None
    if pos != len(data):
        raise FormatError(source, "truncated dataset item file")
    return header["meta"], blobs
