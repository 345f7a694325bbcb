"""Fetch a suite into the cache through pooch, each file checked by SHA-256.

pooch writes a file under a temporary name beside its destination and moves
it into place only once its hash matched, so a failure leaves no partial
file; files already there that verify are kept and not fetched again. A
new suite is fetched into ``.partial/<suite>`` beside the suites and moved
into place once every file verified, so a failure leaves no partial suite
and no empty folder; a failed download keeps its verified files there for
the next call, a failed copy from a mirror removes them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pooch
import requests
from tqdm import tqdm

from circuitlab.errors import FetchError
from circuitlab.suites.registry import Suite, SuiteFile, get_suite, list_suites

CACHE_ENV = "CIRCUITLAB_CACHE"
STAGING = ".partial"
"""Folder beside the suites where a suite is fetched until it is complete."""


def _store(root: Path | None) -> pooch.Pooch:
    """A pooch holding every suite's files as ``<suite>/<file>`` under ``root``.

    Without ``root``: ``$CIRCUITLAB_CACHE``, else the platform's user cache
    folder for circuitlab.
    """
    files = {f"{s.name}/{f.name}": (s, f) for s in list_suites() for f in s.files}
    return pooch.create(
        path=root if root is not None else platformdirs.user_cache_dir("circuitlab"),
        env=None if root is not None else CACHE_ENV, base_url="",
        registry={key: f"sha256:{f.sha256}" for key, (_, f) in files.items()},
        urls={key: s.url(f) for key, (s, f) in files.items()})


def default_cache_dir() -> Path:
    """``$CIRCUITLAB_CACHE``, else the platform's user cache folder for circuitlab."""
    return Path(_store(None).abspath)


class _MirrorCopy:
    """A pooch downloader copying ``suite``'s files from a local mirror folder."""

    def __init__(self, suite: Suite, mirror: Path):
        self.suite = suite
        self.sources = {suite.url(f): mirror / f.mirror_path for f in suite.files}

    def __call__(self, url: str, output_file: str, store: pooch.Pooch,
                 check_only: bool = False) -> bool | None:
        source = self.sources[url]
        if check_only:
            return source.is_file()
        try:
            shutil.copyfile(source, output_file)
        except OSError as exc:
            raise FetchError(f"{self.suite.name}: cannot read mirror file {source}: "
                             f"{exc.strerror or exc}") from exc
        return None


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Silence pooch's per-file log lines (stderr carries the progress bar or the error)."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _fetch_file(store: pooch.Pooch, suite: Suite, f: SuiteFile, downloader,
                where: str) -> None:
    try:
        store.fetch(f"{suite.name}/{f.name}", downloader=downloader)
    except ValueError as exc:  # pooch's only ValueError here: the hash did not match
        raise FetchError(f"{suite.name}: {f.name}: SHA-256 mismatch for {where}: "
                         f"expected {f.sha256}") from exc
    except requests.HTTPError as exc:
        raise FetchError(f"{suite.name}: {f.name}: download of {where} failed: "
                         f"HTTP {exc.response.status_code}") from exc
    except requests.Timeout as exc:
        raise FetchError(f"{suite.name}: {f.name}: download of {where} timed out") from exc
    except requests.RequestException as exc:
        raise FetchError(f"{suite.name}: {f.name}: cannot connect to download {where} "
                         "(offline? copy from a local mirror with --mirror DIR)") from exc
    except OSError as exc:
        raise FetchError(f"{suite.name}: {f.name}: cannot write into {store.abspath}: "
                         f"{exc.strerror or exc}") from exc


def fetch_suite(name: str, dest: str | os.PathLike | None = None,
                mirror: str | os.PathLike | None = None, progress: bool = True,
                timeout: float = 60) -> Path:
    """Fetch the suite ``name`` and return the folder holding its files.

    Args:
        name: a suite name (see :func:`~circuitlab.suites.list_suites`).
        dest: parent folder of the suite folder; default :func:`default_cache_dir`.
        mirror: copy files from ``mirror/<mirror_path>`` instead of downloading.
        progress: show a tqdm progress bar on stderr.
        timeout: seconds per network operation.

    Returns:
        ``dest/name``, holding every file of the suite, each verified; files
        already there that verify are not fetched again.

    Raises:
        FetchError: unknown suite, missing mirror, network failure or a
            SHA-256 mismatch. No partial file and no partial suite is left,
            nor an empty folder; a download's verified files wait in
            ``.partial`` so that a second call fetches only the rest.
    """
    suite = get_suite(name)
    mirror_dir = Path(mirror).expanduser() if mirror is not None else None
    if mirror_dir is not None and not mirror_dir.is_dir():
        raise FetchError(f"mirror folder {mirror_dir} does not exist")
    store = _store(Path(dest).expanduser() if dest is not None else None)
    downloader = (_MirrorCopy(suite, mirror_dir) if mirror_dir is not None
                  else pooch.HTTPDownloader(timeout=timeout))
    target = Path(store.abspath) / suite.name
    if target.is_dir():  # completed before: damaged or missing files are fetched again
        _fetch_all(store, suite, downloader, mirror_dir, progress, keep=False)
        return target
    staging = _store(Path(store.abspath) / STAGING)
    # a failed download keeps its verified files for the next call; a mirror is copied again
    _fetch_all(staging, suite, downloader, mirror_dir, progress, keep=mirror_dir is None)
    (Path(staging.abspath) / suite.name).rename(target)
    with contextlib.suppress(OSError):
        Path(staging.abspath).rmdir()  # only where no other suite is being fetched
    return target


def _fetch_all(store: pooch.Pooch, suite: Suite, downloader, mirror_dir: Path | None,
               progress: bool, keep: bool) -> None:
    """Every file of ``suite`` into ``store``; on a failure the files added are removed
    unless ``keep``, and the folders left empty."""
    with _undo_on_failure(Path(store.abspath) / suite.name, keep), _quiet_pooch(), \
            tqdm(total=suite.size, unit="B", unit_scale=True, desc=suite.name,
                 disable=not progress) as bar:
        for f in suite.files:
            where = str(mirror_dir / f.mirror_path) if mirror_dir is not None else suite.url(f)
            _fetch_file(store, suite, f, downloader, where)
            bar.update(f.size)


@contextlib.contextmanager
def _undo_on_failure(target: Path, keep: bool = False) -> Iterator[None]:
    """On any exception (Ctrl-C included), remove the files added to ``target`` (unless
    ``keep``) and the folders on the way to it left empty, then let the exception go on."""
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    before = {p.name for p in target.iterdir()} if target.is_dir() else set()
    try:
        yield
    except BaseException:
        if target.is_dir() and not keep:
            for path in target.iterdir():
                if path.name not in before and path.is_file():
                    with contextlib.suppress(OSError):
                        path.unlink()
        folder = target
        while folder != existing and folder != folder.parent:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only where it is empty
            folder = folder.parent
        raise
