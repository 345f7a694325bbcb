"""Download a suite into the user cache, verified file by file.

Files are staged in a hidden folder beside the destination and checked
against the manifest's SHA-256 as they are written; the suite folder appears
(by one rename) only once every file verified, so a failure leaves neither a
partial file nor a half suite behind.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.request
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from circuitlab.errors import FetchError
from circuitlab.suites.registry import Suite, SuiteFile, get_suite

_CHUNK = 1 << 16


def default_cache_dir() -> Path:
    """``$CIRCUITLAB_CACHE``, else ``$XDG_CACHE_HOME/circuitlab``, else ``~/.cache/circuitlab``."""
    if os.environ.get("CIRCUITLAB_CACHE"):
        return Path(os.environ["CIRCUITLAB_CACHE"]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "circuitlab"
    return Path.home() / ".cache" / "circuitlab"


def _open_url(url: str, timeout: float) -> BinaryIO:
    """Open ``url`` for reading (the only place that touches the network)."""
    return urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 (https only)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_complete(folder: Path, suite: Suite) -> bool:
    """Whether ``folder`` holds every file of ``suite`` with the right size and sum."""
    for f in suite.files:
        path = folder / f.name
        if not path.is_file() or path.stat().st_size != f.size or _sha256(path) != f.sha256:
            return False
    return True


def _open_source(suite: Suite, f: SuiteFile, mirror: Path | None,
                 timeout: float) -> tuple[BinaryIO, str]:
    """Open the source of ``f``; returns the stream and a description of where it is."""
    if mirror is not None:
        source = mirror / f.mirror_path
        try:
            return source.open("rb"), str(source)
        except OSError as exc:
            raise FetchError(f"{suite.name}: {f.name}: cannot read mirror file {source}: "
                             f"{exc.strerror or exc}") from exc
    url = suite.url(f)
    try:
        return _open_url(url, timeout), url
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{suite.name}: {f.name}: download of {url} failed: {exc}") from exc


def _copy_verified(suite: Suite, f: SuiteFile, stream: BinaryIO, where: str,
                   target: Path, bar: tqdm) -> None:
    """Copy ``stream`` to ``target``, checking size and SHA-256 against ``f``."""
    digest = hashlib.sha256()
    size = 0
    try:
        with stream, target.open("wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > f.size:
                    raise FetchError(f"{suite.name}: {f.name}: {where} is larger than the "
                                     f"expected {f.size} bytes")
                digest.update(chunk)
                out.write(chunk)
                bar.update(len(chunk))
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{suite.name}: {f.name}: reading {where} failed: {exc}") from exc
    got = digest.hexdigest()
    if size != f.size or got != f.sha256:
        raise FetchError(f"{suite.name}: {f.name}: SHA-256 mismatch for {where}: "
                         f"expected {f.sha256} ({f.size} bytes), got {got} ({size} bytes)")


def _install(staging: Path, target: Path, suite: Suite) -> None:
    """Move the verified ``staging`` folder onto ``target``, replacing a stale one."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{suite.name}.", suffix=".old", dir=target.parent))
        os.replace(target, old / suite.name)
    try:
        os.replace(staging, target)
    except OSError:
        if old is not None and not target.exists():
            os.replace(old / suite.name, target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _stage(suite: Suite, staging: Path, mirror: Path | None, progress: bool,
           timeout: float) -> None:
    with tqdm(total=suite.size, unit="B", unit_scale=True, desc=suite.name,
              disable=not progress) as bar:
        for f in suite.files:
            bar.set_postfix_str(f.name, refresh=False)
            stream, where = _open_source(suite, f, mirror, timeout)
            _copy_verified(suite, f, stream, where, staging / f.name, bar)


def fetch_suite(name: str, dest: str | os.PathLike | None = None,
                mirror: str | os.PathLike | None = None, progress: bool = True,
                timeout: float = 60) -> Path:
    """Fetch the suite ``name`` and return the folder holding its files.

    Args:
        name: a suite name (see :func:`~circuitlab.suites.list_suites`).
        dest: parent folder of the suite folder; default :func:`default_cache_dir`.
        mirror: take files from ``mirror/<mirror_path>`` instead of downloading.
        progress: show a tqdm progress bar on stderr.
        timeout: seconds per network operation.

    Returns:
        ``dest/name``, holding every file of the suite, each verified.
        A folder already complete and verified is returned untouched; an
        incomplete one is replaced as a whole.

    Raises:
        FetchError: unknown suite, missing mirror, network failure or a
            SHA-256 mismatch; nothing is left behind.
    """
    suite = get_suite(name)
    root = Path(dest).expanduser() if dest is not None else default_cache_dir()
    target = root / suite.name
    if target.is_dir() and is_complete(target, suite):
        return target
    if target.exists() and not target.is_dir():
        raise FetchError(f"{target} exists and is not a folder")
    mirror_dir = Path(mirror).expanduser() if mirror is not None else None
    if mirror_dir is not None and not mirror_dir.is_dir():
        raise FetchError(f"mirror folder {mirror_dir} does not exist")
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{suite.name}.", suffix=".part", dir=root))
    except OSError as exc:
        raise FetchError(f"cannot create a folder in {root}: {exc.strerror or exc}") from exc
    try:
        _stage(suite, staging, mirror_dir, progress, timeout)
        try:
            _install(staging, target, suite)
        except OSError as exc:
            if target.is_dir() and is_complete(target, suite):
                return target  # another process installed it first
            raise FetchError(f"cannot move {suite.name} into {target}: "
                             f"{exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
