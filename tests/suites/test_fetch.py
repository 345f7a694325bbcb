"""Fetching pinned suites: mirror copies, verification, nothing left behind.

No test touches the network: downloads go through ``fetch._open_url``, which
an autouse fixture replaces by one that fails the test.
"""

from __future__ import annotations

import io
import json
import shutil
import urllib.error
from pathlib import Path

import pytest

from circuitlab.cli import main
from circuitlab.errors import FetchError
from circuitlab.suites import default_cache_dir, fetch_suite, get_suite, list_suites
from circuitlab.suites import fetch as fetch_mod
from circuitlab.suites import make_manifest
from shared_data import SHARED_DATA

SUITE_NAMES = [s.name for s in list_suites()]
SMALL = "iscas85"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(url, timeout):
        pytest.fail(f"test tried to download {url}")
    monkeypatch.setattr(fetch_mod, "_open_url", refuse)


def copy_mirror(suite_name: str, to: Path) -> Path:
    """Copy one suite's mirror files into ``to`` with the mirror layout."""
    for f in get_suite(suite_name).files:
        (to / f.mirror_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHARED_DATA / f.mirror_path, to / f.mirror_path)
    return to


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


# --- the manifest -----------------------------------------------------------

def test_manifest_pins_every_suite():
    assert set(SUITE_NAMES) == {"epfl-arithmetic", "iscas85", "iwls05", "iwls2022-truth"}
    for suite in list_suites():
        assert len(suite.commit) == 40 and int(suite.commit, 16) >= 0
        names = [f.name for f in suite.files]
        assert len(names) == len(set(names)) and names
        for f in suite.files:
            assert len(f.sha256) == 64 and f.size > 0 and "/" not in f.name
            assert suite.url(f) == (f"https://raw.githubusercontent.com/{suite.repo}/"
                                    f"{suite.commit}/{f.path}")
    assert len(get_suite("epfl-arithmetic").files) == 10
    assert len(get_suite("iscas85").files) == 11


@pytest.mark.needs_data
def test_manifest_matches_mirror(tmp_path):
    out = tmp_path / "manifest.json"
    assert make_manifest.main([str(SHARED_DATA), "--output", str(out)]) == 0
    packaged = Path(make_manifest.__file__).with_name("manifest.json")
    assert json.loads(out.read_text()) == json.loads(packaged.read_text())


# --- mirror fetch -----------------------------------------------------------

@pytest.mark.needs_data
@pytest.mark.parametrize("name", SUITE_NAMES)
def test_mirror_fetch_produces_verified_files(tmp_path, name):
    suite = get_suite(name)
    path = fetch_suite(name, dest=tmp_path, mirror=SHARED_DATA, progress=False)
    assert path == tmp_path / name
    assert sorted(p.name for p in path.iterdir()) == sorted(f.name for f in suite.files)
    for f in suite.files:
        assert (path / f.name).read_bytes() == (SHARED_DATA / f.mirror_path).read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no staging left


@pytest.mark.needs_data
def test_refetch_of_complete_suite_does_nothing(tmp_path, monkeypatch):
    path = fetch_suite(SMALL, dest=tmp_path, mirror=SHARED_DATA, progress=True)
    stamps = {p.name: p.stat().st_mtime_ns for p in path.iterdir()}
    monkeypatch.setattr(fetch_mod, "_open_source",
                        lambda *a: pytest.fail("a complete suite was fetched again"))
    assert fetch_suite(SMALL, dest=tmp_path, progress=False) == path
    assert {p.name: p.stat().st_mtime_ns for p in path.iterdir()} == stamps


@pytest.mark.needs_data
def test_incomplete_suite_folder_is_replaced(tmp_path):
    path = fetch_suite(SMALL, dest=tmp_path, mirror=SHARED_DATA, progress=False)
    (path / "c17.aig").unlink()
    (path / "c432.aig").write_bytes(b"garbage")
    assert fetch_suite(SMALL, dest=tmp_path, mirror=SHARED_DATA, progress=False) == path
    assert fetch_mod.is_complete(path, get_suite(SMALL))
    assert [p.name for p in tmp_path.iterdir()] == [SMALL]


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("CIRCUITLAB_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x" / "circuitlab"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert default_cache_dir() == tmp_path / "h" / ".cache" / "circuitlab"


@pytest.mark.needs_data
def test_fetch_without_dest_uses_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(tmp_path / "cache"))
    assert fetch_suite(SMALL, mirror=SHARED_DATA, progress=False) == tmp_path / "cache" / SMALL


# --- failures leave nothing behind ------------------------------------------

@pytest.mark.needs_data
def test_corrupted_mirror_file_raises_and_leaves_nothing(tmp_path):
    mirror = copy_mirror(SMALL, tmp_path / "mirror")
    bad = get_suite(SMALL).files[-1]  # the last file: the others are staged by then
    data = bytearray((mirror / bad.mirror_path).read_bytes())
    data[len(data) // 2] ^= 0x01
    (mirror / bad.mirror_path).write_bytes(bytes(data))
    dest = tmp_path / "dest"
    with pytest.raises(FetchError) as info:
        fetch_suite(SMALL, dest=dest, mirror=mirror, progress=False)
    message = str(info.value)
    assert bad.name in message and "SHA-256 mismatch" in message
    assert f"expected {bad.sha256}" in message
    assert leftovers(dest) == []


@pytest.mark.needs_data
def test_missing_mirror_file_names_it(tmp_path):
    mirror = copy_mirror(SMALL, tmp_path / "mirror")
    gone = get_suite(SMALL).files[3]
    (mirror / gone.mirror_path).unlink()
    with pytest.raises(FetchError, match=gone.name):
        fetch_suite(SMALL, dest=tmp_path / "dest", mirror=mirror, progress=False)
    assert leftovers(tmp_path / "dest") == []


def test_missing_mirror_folder(tmp_path):
    with pytest.raises(FetchError, match="does not exist"):
        fetch_suite(SMALL, dest=tmp_path / "dest", mirror=tmp_path / "nope", progress=False)
    assert leftovers(tmp_path / "dest") == []


def test_unknown_suite_lists_known_ones(tmp_path):
    with pytest.raises(FetchError) as info:
        fetch_suite("iscas89", dest=tmp_path, progress=False)
    assert "iscas89" in str(info.value)
    assert all(name in str(info.value) for name in SUITE_NAMES)
    assert leftovers(tmp_path) == []


def test_network_failure_leaves_nothing(tmp_path, monkeypatch):
    def outage(url, timeout):
        raise urllib.error.URLError("simulated outage")
    monkeypatch.setattr(fetch_mod, "_open_url", outage)
    first = get_suite(SMALL).files[0]
    with pytest.raises(FetchError) as info:
        fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert "simulated outage" in str(info.value) and first.name in str(info.value)
    assert leftovers(tmp_path) == []


@pytest.mark.needs_data
def test_network_failure_midway_leaves_nothing(tmp_path, monkeypatch):
    suite = get_suite(SMALL)
    by_url = {suite.url(f): SHARED_DATA / f.mirror_path for f in suite.files}
    served = []

    def flaky(url, timeout):
        if len(served) == 4:
            raise TimeoutError("timed out")
        served.append(url)
        return io.BytesIO(by_url[url].read_bytes())

    monkeypatch.setattr(fetch_mod, "_open_url", flaky)
    with pytest.raises(FetchError, match=f"{suite.files[4].name}.*timed out"):
        fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert served == [suite.url(f) for f in suite.files[:4]]
    assert leftovers(tmp_path) == []


def test_download_with_wrong_bytes_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch_mod, "_open_url", lambda url, timeout: io.BytesIO(b"not an aig"))
    with pytest.raises(FetchError, match="SHA-256 mismatch"):
        fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert leftovers(tmp_path) == []


def test_download_longer_than_expected_is_cut_off(tmp_path, monkeypatch):
    first = get_suite(SMALL).files[0]
    monkeypatch.setattr(fetch_mod, "_open_url",
                        lambda url, timeout: io.BytesIO(b"\0" * (first.size + 1)))
    with pytest.raises(FetchError, match="larger than"):
        fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert leftovers(tmp_path) == []


@pytest.mark.needs_data
def test_download_path_verifies_and_installs(tmp_path, monkeypatch):
    suite = get_suite(SMALL)
    by_url = {suite.url(f): SHARED_DATA / f.mirror_path for f in suite.files}
    monkeypatch.setattr(fetch_mod, "_open_url",
                        lambda url, timeout: io.BytesIO(by_url[url].read_bytes()))
    path = fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert fetch_mod.is_complete(path, suite)


# --- command line -----------------------------------------------------------

@pytest.mark.needs_data
def test_cli_fetch_prints_destination(tmp_path, capsys):
    code = main(["data", "fetch", SMALL, "--dest", str(tmp_path), "--mirror", str(SHARED_DATA),
                 "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.strip().splitlines()[-1] == str(tmp_path / SMALL)


@pytest.mark.needs_data
def test_cli_fetch_all(tmp_path, capsys):
    code = main(["data", "fetch", "all", "--dest", str(tmp_path), "--mirror", str(SHARED_DATA),
                 "--no-progress"])
    assert code == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / n) for n in SUITE_NAMES]


def test_cli_unknown_suite_is_one_line_error(tmp_path, capsys):
    code = main(["data", "fetch", "nope", "--dest", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("circuitlab data: error:")
    assert "Traceback" not in err and "nope" in err
    assert leftovers(tmp_path) == []


@pytest.mark.needs_data
def test_cli_corrupt_mirror_exits_2(tmp_path, capsys):
    mirror = copy_mirror(SMALL, tmp_path / "mirror")
    target = mirror / get_suite(SMALL).files[0].mirror_path
    target.write_bytes(target.read_bytes()[:-1])
    code = main(["data", "fetch", SMALL, "--dest", str(tmp_path / "d"), "--mirror",
                 str(mirror), "--no-progress"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.count("\n") == 1 and "SHA-256 mismatch" in captured.err
    assert "Traceback" not in captured.err
    assert leftovers(tmp_path / "d") == []


def test_cli_list(capsys):
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    for suite in list_suites():
        assert suite.name in out and f"{suite.repo}@{suite.commit}" in out
