"""Locate the reference circuits in ``<project root>/../shared/data``.

Tests that need them skip with a stated reason where the folder is absent
(a user's clone): mark them ``@pytest.mark.needs_data(...)`` (see
``conftest.py``); :func:`shared_data` gives a path inside it. The folder is
also a mirror of the pinned suites: :func:`fetch_from_mirror` puts suites
where ``circuitlab data fetch`` would, as a user's experiments read them.
"""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
AIG_DATA = SHARED_DATA / "aig"


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs reference data {path} (the CI machines' mirror of the "
                    "suites that `circuitlab data fetch` downloads)")
    return path


def fetch_from_mirror(dest: Path, *suites: str) -> Path:
    """Fetch ``suites`` (:mod:`circuitlab.suites` names) from the reference data into ``dest``."""
    from circuitlab.suites import fetch_suite
    mirror = shared_data()
    for suite in suites:
        fetch_suite(suite, dest=dest, mirror=mirror, progress=False)
    return dest
