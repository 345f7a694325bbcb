"""Fetching pinned suites: mirror copies, downloads, verification, caching.

No test touches the network: an autouse fixture points every download at a
local HTTP server that serves only what a test puts in it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import platformdirs
import pytest
from shared_data import shared_data

from circuitlab.cli import main
from circuitlab.errors import FetchError
from circuitlab.suites import default_cache_dir, fetch_suite, get_suite, list_suites
from circuitlab.suites import registry

SUITE_NAMES = [s.name for s in list_suites()]
SMALL = "iscas85"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.hits.append(self.path)
        if self.path in self.server.slow:
            time.sleep(2)
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test): nothing to serve

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def server(monkeypatch):
    """A local server standing in for the upstream host; it serves ``server.files``."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.files, httpd.hits, httpd.slow = {}, [], set()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setattr(registry, "RAW_URL",
                        f"http://127.0.0.1:{httpd.server_port}/{{repo}}/{{commit}}/{{path}}")
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def data() -> Path:
    return shared_data()


def url_path(suite, f) -> str:
    return urlparse(suite.url(f)).path


def serve(server, name: str, data: Path, files=None) -> None:
    """Serve ``files`` of suite ``name`` (default all) with their mirror bytes."""
    suite = get_suite(name)
    for f in suite.files if files is None else files:
        server.files[url_path(suite, f)] = (data / f.mirror_path).read_bytes()


def copy_mirror(name: str, data: Path, to: Path) -> Path:
    """Copy one suite's mirror files into ``to`` with the mirror layout."""
    for f in get_suite(name).files:
        (to / f.mirror_path).parent.mkdir(parents=True, exist_ok=True)
        (to / f.mirror_path).write_bytes((data / f.mirror_path).read_bytes())
    return to


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def assert_verified(path: Path, name: str, data: Path, files=None) -> None:
    """``path`` holds exactly ``files`` of suite ``name`` (default all), byte for byte."""
    suite = get_suite(name)
    files = suite.files if files is None else files
    held = (p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
    assert sorted(held) == sorted(f.name for f in files)
    for f in files:
        assert (path / f.name).read_bytes() == (data / f.mirror_path).read_bytes()


# --- mirror fetch and the cache ---------------------------------------------

@pytest.mark.parametrize("name", SUITE_NAMES)
def test_mirror_fetch_produces_verified_files(tmp_path, data, server, name):
    path = fetch_suite(name, dest=tmp_path, mirror=data, progress=False)
    assert path == tmp_path / name
    assert_verified(path, name, data)
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left
    assert server.hits == []


def test_second_fetch_copies_nothing(tmp_path, data, server):
    path = fetch_suite(SMALL, dest=tmp_path, mirror=data, progress=True)
    stamps = {p.name: p.stat().st_mtime_ns for p in path.iterdir()}
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    # any copy from this mirror, or any download, would fail
    assert fetch_suite(SMALL, dest=tmp_path, mirror=empty, progress=False) == path
    assert fetch_suite(SMALL, dest=tmp_path, progress=False) == path
    assert {p.name: p.stat().st_mtime_ns for p in path.iterdir()} == stamps
    assert server.hits == []


def test_damaged_cached_files_are_fetched_again(tmp_path, data):
    path = fetch_suite(SMALL, dest=tmp_path, mirror=data, progress=False)
    (path / "c17.aig").unlink()
    (path / "c432.aig").write_bytes(b"garbage")
    assert fetch_suite(SMALL, dest=tmp_path, mirror=data, progress=False) == path
    assert_verified(path, SMALL, data)


def test_cache_dir_override_and_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("CIRCUITLAB_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert default_cache_dir() == Path(platformdirs.user_cache_dir("circuitlab"))
    assert default_cache_dir().is_relative_to(tmp_path / "x")


def test_fetch_without_dest_uses_the_cache_override(tmp_path, data, monkeypatch):
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(tmp_path / "cache"))
    path = fetch_suite(SMALL, mirror=data, progress=False)
    assert path == tmp_path / "cache" / SMALL
    assert_verified(path, SMALL, data)


# --- failures leave no partial file -----------------------------------------

@pytest.mark.parametrize("bad_index", [0, -1])
def test_corrupted_mirror_file_raises_and_leaves_no_partial_file(tmp_path, data, bad_index):
    suite = get_suite(SMALL)
    mirror = copy_mirror(SMALL, data, tmp_path / "mirror")
    bad = suite.files[bad_index]
    flipped = bytearray((mirror / bad.mirror_path).read_bytes())
    flipped[len(flipped) // 2] ^= 0x01
    (mirror / bad.mirror_path).write_bytes(bytes(flipped))
    dest = tmp_path / "dest"
    with pytest.raises(FetchError) as info:
        fetch_suite(SMALL, dest=dest, mirror=mirror, progress=False)
    message = str(info.value)
    assert bad.name in message and "SHA-256 mismatch" in message and "\n" not in message
    assert f"expected {bad.sha256}" in message
    # no partial suite: the files verified before the bad one go too, and the folders
    assert not dest.exists()


def test_a_failed_fetch_keeps_what_was_there_before(tmp_path, data):
    path = fetch_suite(SMALL, dest=tmp_path, mirror=data, progress=False)
    suite = get_suite(SMALL)
    (path / suite.files[-1].name).unlink()
    mirror = copy_mirror(SMALL, data, tmp_path / "mirror")
    (mirror / suite.files[-1].mirror_path).write_bytes(b"garbage")
    with pytest.raises(FetchError, match="SHA-256 mismatch"):
        fetch_suite(SMALL, dest=tmp_path, mirror=mirror, progress=False)
    assert_verified(path, SMALL, data, suite.files[:-1])


def test_missing_mirror_file_names_it(tmp_path, data):
    mirror = copy_mirror(SMALL, data, tmp_path / "mirror")
    gone = get_suite(SMALL).files[0]
    (mirror / gone.mirror_path).unlink()
    with pytest.raises(FetchError, match=f"cannot read mirror file .*{gone.name}"):
        fetch_suite(SMALL, dest=tmp_path / "dest", mirror=mirror, progress=False)
    assert leftovers(tmp_path / "dest") == []


def test_missing_mirror_folder(tmp_path):
    with pytest.raises(FetchError, match="does not exist"):
        fetch_suite(SMALL, dest=tmp_path / "dest", mirror=tmp_path / "nope", progress=False)
    assert leftovers(tmp_path / "dest") == []


def test_unknown_suite_writes_nothing(tmp_path):
    with pytest.raises(FetchError, match="unknown suite 'iscas89'"):
        fetch_suite("iscas89", dest=tmp_path / "dest", progress=False)
    assert not (tmp_path / "dest").exists()


def test_cache_that_is_a_file_is_an_error(tmp_path, data):
    (tmp_path / "dest").write_text("not a folder")
    with pytest.raises(FetchError, match="cannot write into"):
        fetch_suite(SMALL, dest=tmp_path / "dest", mirror=data, progress=False)


# --- downloads --------------------------------------------------------------

def closed_port_url(monkeypatch) -> None:
    """Point downloads at a local port nobody listens on: what offline looks like."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(registry, "RAW_URL", f"http://127.0.0.1:{port}/{{repo}}/{{commit}}/{{path}}")


def test_offline_without_mirror_is_a_clear_error(tmp_path, monkeypatch):
    closed_port_url(monkeypatch)
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch_suite(SMALL, dest=tmp_path / "new" / "cache", progress=False, timeout=2)
    assert time.monotonic() - started < 10
    message = str(info.value)
    assert "cannot connect" in message and "--mirror" in message and "\n" not in message
    assert get_suite(SMALL).files[0].name in message
    assert leftovers(tmp_path) == [] and not (tmp_path / "new").exists()


def test_download_verifies_installs_and_is_cached(tmp_path, data, server):
    suite = get_suite(SMALL)
    serve(server, SMALL, data)
    path = fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert_verified(path, SMALL, data)
    assert server.hits == [url_path(suite, f) for f in suite.files]
    fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert len(server.hits) == len(suite.files)


def test_download_with_wrong_bytes_is_rejected(tmp_path, data, server):
    suite = get_suite(SMALL)
    serve(server, SMALL, data)
    server.files[url_path(suite, suite.files[0])] = b"not an aig"
    with pytest.raises(FetchError, match=f"{suite.files[0].name}: SHA-256 mismatch"):
        fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert leftovers(tmp_path) == []


def test_failure_midway_keeps_verified_files_and_resumes(tmp_path, data, server):
    suite = get_suite(SMALL)
    serve(server, SMALL, data, suite.files[:4])
    with pytest.raises(FetchError, match=f"{suite.files[4].name}: download of .* HTTP 404"):
        fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert not (tmp_path / SMALL).exists()  # no partial suite; its verified files wait
    assert_verified(tmp_path / ".partial" / SMALL, SMALL, data, suite.files[:4])
    serve(server, SMALL, data)
    server.hits.clear()
    fetch_suite(SMALL, dest=tmp_path, progress=False)
    assert server.hits == [url_path(suite, f) for f in suite.files[4:]]
    assert_verified(tmp_path / SMALL, SMALL, data)
    assert [p.name for p in tmp_path.iterdir()] == [SMALL]


def test_download_timeout_is_an_error(tmp_path, data, server):
    suite = get_suite(SMALL)
    serve(server, SMALL, data)
    server.slow.add(url_path(suite, suite.files[0]))
    with pytest.raises(FetchError, match="timed out"):
        fetch_suite(SMALL, dest=tmp_path, progress=False, timeout=0.3)
    assert leftovers(tmp_path) == []


# --- command line -----------------------------------------------------------

def test_cli_fetch_prints_destination(tmp_path, data, capsys):
    code = main(["data", "fetch", SMALL, "--dest", str(tmp_path), "--mirror", str(data),
                 "--no-progress"])
    assert code == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == str(tmp_path / SMALL)


def test_cli_fetch_all(tmp_path, data, capsys):
    code = main(["data", "fetch", "all", "--dest", str(tmp_path), "--mirror", str(data),
                 "--no-progress"])
    assert code == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / n) for n in SUITE_NAMES]


def one_line_error(capsys, *needles: str) -> None:
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("circuitlab data: error:")
    assert "Traceback" not in captured.err
    assert all(n in captured.err for n in needles)


def test_cli_unknown_suite_is_one_line_error(tmp_path, capsys):
    code = main(["data", "fetch", "nope", "--dest", str(tmp_path), "--no-progress"])
    assert code == 2
    one_line_error(capsys, "nope")
    assert leftovers(tmp_path) == []


def test_cli_corrupt_mirror_exits_2(tmp_path, data, capsys):
    mirror = copy_mirror(SMALL, data, tmp_path / "mirror")
    target = mirror / get_suite(SMALL).files[0].mirror_path
    target.write_bytes(target.read_bytes()[:-1])
    code = main(["data", "fetch", SMALL, "--dest", str(tmp_path / "d"), "--mirror",
                 str(mirror), "--no-progress"])
    assert code == 2
    one_line_error(capsys, "SHA-256 mismatch")
    assert leftovers(tmp_path / "d") == []


def test_cli_process_prints_only_the_error(tmp_path, data):
    """The real process: pooch's own log lines must not reach stderr."""
    mirror = copy_mirror(SMALL, data, tmp_path / "mirror")
    bad = get_suite(SMALL).files[-1]
    (mirror / bad.mirror_path).write_bytes(b"garbage")
    done = subprocess.run([sys.executable, "-m", "circuitlab", "data", "fetch", SMALL,
                           "--dest", str(tmp_path / "d"), "--mirror", str(mirror),
                           "--no-progress"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"circuitlab data: error: {SMALL}: {bad.name}: SHA-256")
    assert done.stderr.count("\n") == 1


def test_cli_offline_is_one_line_error(tmp_path, monkeypatch, capsys):
    closed_port_url(monkeypatch)
    code = main(["data", "fetch", SMALL, "--dest", str(tmp_path), "--no-progress"])
    assert code == 2
    one_line_error(capsys, "cannot connect", "--mirror")
    assert leftovers(tmp_path) == []


def test_cli_list(capsys):
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    for suite in list_suites():
        assert suite.name in out and f"{suite.repo}@{suite.commit}" in out
