"""Locate the reference circuits in ``<project root>/../shared/data``.

Tests that need them skip with a stated reason where the folder is absent
(a user's clone): mark them ``@pytest.mark.needs_data(...)`` (see
``conftest.py``) or call :func:`shared_data` inside the test.
"""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
AIG_DATA = SHARED_DATA / "aig"


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs reference data {path} (it ships with the CI machines, "
                    "or fetch it with `circuitlab data fetch`)")
    return path
