"""make_manifest regenerates the packaged manifest from the reference mirror."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared_data import shared_data

from circuitlab.suites import make_manifest


@pytest.mark.needs_data("aig")
@pytest.mark.needs_data("truth", "iwls2022")
@pytest.mark.needs_data("verilog", "openabc_rtl")
def test_manifest_matches_mirror(tmp_path):
    out = tmp_path / "manifest.json"
    assert make_manifest.main([str(shared_data()), "--output", str(out)]) == 0
    packaged = Path(make_manifest.__file__).with_name("manifest.json")
    assert json.loads(out.read_text()) == json.loads(packaged.read_text())


def test_missing_mirror_is_one_line_error(tmp_path, capsys):
    out = tmp_path / "manifest.json"
    assert make_manifest.main([str(tmp_path / "nope"), "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no files match" in err
    assert not out.exists()
