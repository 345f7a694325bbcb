"""What the experiment scripts record: the commit they ran at, and their JSON lines."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git_rev() -> str:
    """The short id of the checkout's HEAD (empty outside a git checkout)."""
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                          capture_output=True).stdout.strip()


def append_records(path: Path, rows: Iterable[dict]) -> None:
    """Append ``rows`` to the JSON-lines file ``path``, one line each; makes its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
