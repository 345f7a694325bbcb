"""Output files: checked before the work starts, written atomically."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator

from circuitlab.errors import CircuitlabError

__all__ = ["atomic_path", "check_input_dir", "check_input_file", "check_output_dir",
           "check_output_file", "is_sink", "write_bytes_atomic"]

_SYSTEM = (Path("/proc"), Path("/sys"), Path("/dev"))


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_folder_writable(folder: Path, label: str) -> None:
    """``folder`` (or the nearest folder above it that exists) takes new files."""
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        raise CircuitlabError(f"{label}: {existing} is not a folder")
    resolved = existing.resolve()
    if any(resolved == s or s in resolved.parents for s in _SYSTEM):
        raise CircuitlabError(f"{label}: {resolved} is a system folder, not one for files")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CircuitlabError(f"{label}: cannot write in {existing}")


def is_sink(path: Path) -> bool:
    """``path`` is a character device such as ``/dev/null``: written in place, never replaced."""
    try:
        return stat.S_ISCHR(path.stat().st_mode)
    except OSError:
        return False


def check_output_file(path: str | os.PathLike, option: str | None = None) -> None:
    """Raise a one-line :class:`CircuitlabError` unless ``path`` can be written.

    ``path`` must not be a folder, and its folder (created when missing)
    must be writable and outside ``/proc``, ``/sys`` and ``/dev``; a
    writable character device (``/dev/null``) is accepted. The message
    names ``option`` (e.g. ``"-o"``) and the path.
    """
    target = Path(path)
    label = f"{option} {target}" if option else str(target)
    if target.is_dir():
        raise CircuitlabError(f"{label}: is a folder; give a file name")
    if is_sink(target):
        if not os.access(target, os.W_OK):
            raise CircuitlabError(f"{label}: cannot write")
        return
    _check_folder_writable(_through_links(target).parent, label)


def check_output_dir(path: str | os.PathLike, option: str | None = None) -> None:
    """Raise a one-line :class:`CircuitlabError` unless ``path`` is or can be made a folder."""
    target = Path(path)
    label = f"{option} {target}" if option else str(target)
    if target.exists() and not target.is_dir():
        raise CircuitlabError(f"{label}: is a file, not a folder")
    _check_folder_writable(target, label)


def check_input_file(path: str | os.PathLike, option: str | None = None,
                     kind: str = "file") -> None:
    """Raise a one-line :class:`CircuitlabError` unless ``path`` is a file (a folder is named so).

    The message names ``option`` and the path, and calls the file ``kind``
    (``"no such recipe file"``).
    """
    target = Path(path)
    label = f"{option} {target}" if option else str(target)
    if target.is_dir():
        raise CircuitlabError(f"{label}: is a folder, not a {kind}")
    if not target.exists():
        raise CircuitlabError(f"{label}: no such {kind}")


def check_input_dir(path: str | os.PathLike, option: str | None = None) -> None:
    """Raise a one-line :class:`CircuitlabError` unless ``path`` is a folder."""
    target = Path(path)
    label = f"{option} {target}" if option else str(target)
    if target.exists() and not target.is_dir():
        raise CircuitlabError(f"{label}: is a file, not a folder")
    if not target.exists():
        raise CircuitlabError(f"{label}: no such folder")


def _through_links(path: Path) -> Path:
    """``path``, or the file its chain of symbolic links ends at (which may not exist yet)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is untouched.
    The file keeps the mode of the file it replaces; a new one gets
    ``0o666`` less the umask, as ``open()`` would give it. A character
    device (``/dev/null``) is yielded itself and written in place. A symbolic
    link stays a link: the file it points to is the one replaced (or created).
    """
    target = Path(path)
    if is_sink(target):
        yield target
        return
    target = _through_links(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def read_utf8(path: str | os.PathLike, kind: str = "file") -> str:
    """The text of ``path``, decoded as UTF-8.

    Raises:
        CircuitlabError: one line naming ``path`` and calling it ``kind``: a
            folder, missing, unreadable, or not UTF-8 (with the line of the
            first bad byte).
    """
    target = Path(path)
    if target.is_dir():
        raise CircuitlabError(f"{target}: is a folder, not a {kind}")
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        raise CircuitlabError(f"{target}: no such {kind}") from None
    except OSError as exc:
        raise CircuitlabError(f"{target}: cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CircuitlabError(f"{target}:{line}: not UTF-8 text, not a {kind}") from None
