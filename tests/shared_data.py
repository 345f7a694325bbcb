"""Locate the reference circuits in ``<project root>/../shared/data``.

Tests that need them skip with a stated reason where the folder is absent
(a user's clone); in CI it is present and they run.
"""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data {path} is absent (it ships with the CI machines, "
                    "or fetch it with `circuitlab data fetch`)")
    return path
