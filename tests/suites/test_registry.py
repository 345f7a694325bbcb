"""The packaged manifest pins every suite to a commit and a SHA-256 per file."""

from __future__ import annotations

import pytest

from circuitlab.errors import FetchError
from circuitlab.suites import get_suite, list_suites


def test_manifest_pins_every_suite():
    assert [s.name for s in list_suites()] == ["epfl-arithmetic", "iscas85", "iwls05",
                                               "iwls2022-truth", "openabc-rtl"]
    for suite in list_suites():
        assert len(suite.commit) == 40 and int(suite.commit, 16) >= 0
        names = [f.name for f in suite.files]
        assert len(names) == len(set(names)) and names
        for f in suite.files:
            assert len(f.sha256) == 64 and int(f.sha256, 16) >= 0
            assert f.size > 0
            # one folder per IP in the RTL suite; a name never leaves the suite folder
            parts = f.name.split("/")
            assert len(parts) == 1 or suite.name == "openabc-rtl"
            assert all(p not in ("", ".", "..") for p in parts)
            assert suite.url(f) == (f"https://raw.githubusercontent.com/{suite.repo}/"
                                    f"{suite.commit}/{f.path}")
    assert len(get_suite("epfl-arithmetic").files) == 10
    assert len(get_suite("iscas85").files) == 11
    ips = {f.name.split("/")[0] for f in get_suite("openabc-rtl").files}
    assert len(ips) == 28 and all(f"{ip}/config.mk" in {f.name for f in
                                                      get_suite("openabc-rtl").files}
                                  for ip in ips)


def test_unknown_suite_lists_known_ones():
    with pytest.raises(FetchError) as info:
        get_suite("iscas89")
    assert "iscas89" in str(info.value)
    assert all(s.name in str(info.value) for s in list_suites())
