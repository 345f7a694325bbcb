"""Content hashes that name processed files and per-item results.

A processed file name carries :func:`fingerprint` of everything it was
built from (source file contents, encoding, ``repr(pre_transform)``,
:data:`BUILDER_VERSION`, corpus settings), so changing any of them makes
PyG's ``processed_file_names`` miss and ``process()`` run again, while an
unchanged input finds its files and rebuilds nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

__all__ = ["BUILDER_VERSION", "file_digest", "fingerprint"]

# Raise when the layout or content of processed or item files changes.
BUILDER_VERSION = 1


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fingerprint(*parts) -> str:
    """16 hex digits of SHA-256 over JSON-encodable ``parts`` (order matters)."""
    text = json.dumps([BUILDER_VERSION, *parts], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
