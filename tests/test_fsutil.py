"""Atomic writes keep a replaced file's mode and give a new one 0666 less the umask;
output paths are refused before any work."""

from __future__ import annotations

import os
import stat

import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import check_output_dir, check_output_file, write_bytes_atomic


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    def set_mask(mask: int) -> None:
        os.umask(mask)
    old = os.umask(0o022)
    yield set_mask
    os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_new_file_gets_0666_less_the_umask(tmp_path, umask, mask):
    umask(mask)
    write_bytes_atomic(tmp_path / "new.aig", b"x")
    assert _mode(tmp_path / "new.aig") == 0o666 & ~mask


def test_replaced_file_keeps_its_mode(tmp_path, umask):
    umask(0o077)
    for mode in (0o644, 0o600, 0o640):
        target = tmp_path / f"{mode:o}.aig"
        target.write_bytes(b"old")
        os.chmod(target, mode)
        write_bytes_atomic(target, b"new")
        assert target.read_bytes() == b"new" and _mode(target) == mode


def test_output_file_checks(tmp_path, monkeypatch):
    with pytest.raises(CircuitlabError, match=r"^-o .*: is a folder"):
        check_output_file(tmp_path, "-o")
    with pytest.raises(CircuitlabError, match="/proc is a system folder"):
        check_output_file("/proc/x.aig", "-o")
    (tmp_path / "file").write_text("")
    with pytest.raises(CircuitlabError, match="is not a folder"):
        check_output_file(tmp_path / "file" / "x.aig")
    check_output_file(tmp_path / "new" / "deeper" / "x.aig")  # folders are made when written
    assert not (tmp_path / "new").exists()
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # root may write anywhere, so the refusal is simulated rather than made with chmod
    monkeypatch.setattr("circuitlab.fsutil.os.access",
                        lambda p, m: False if str(p) == str(locked) else real_access(p, m))
    with pytest.raises(CircuitlabError, match=f"cannot write in {locked}"):
        check_output_file(locked / "x.aig", "-o")


def test_output_dir_checks(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(CircuitlabError, match=r"^--out .*: is a file, not a folder"):
        check_output_dir(tmp_path / "f", "--out")
    check_output_dir(tmp_path / "new", "--out")
    check_output_dir(tmp_path, "--out")


def test_dev_null_is_written_in_place_not_replaced():
    check_output_file("/dev/null", "-o")
    write_bytes_atomic("/dev/null", b"gone")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_inputs_are_named_a_folder_or_missing(tmp_path):
    from circuitlab.fsutil import check_input_dir, check_input_file
    (tmp_path / "f").write_text("x")
    for check, path, message in [
            (check_input_file, tmp_path, f"--in {tmp_path}: is a folder, not a file"),
            (check_input_file, tmp_path / "no", f"--in {tmp_path / 'no'}: no such file"),
            (check_input_dir, tmp_path / "f", f"--in {tmp_path / 'f'}: is a file, not a folder"),
            (check_input_dir, tmp_path / "no", f"--in {tmp_path / 'no'}: no such folder")]:
        with pytest.raises(CircuitlabError) as err:
            check(path, "--in")
        assert str(err.value) == message
    check_input_file(tmp_path / "f")
    check_input_dir(tmp_path)
