"""The suites known to circuitlab, read from the packaged ``manifest.json``."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from circuitlab.errors import FetchError

MANIFEST_FORMAT = 1
RAW_URL = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


@dataclass(frozen=True)
class SuiteFile:
    """One file of a suite.

    Attributes:
        name: file name inside the suite folder.
        path: path inside the upstream repository at the pinned commit.
        mirror_path: path relative to a mirror folder (``--mirror``).
        sha256: lowercase hex SHA-256 of the file's bytes.
        size: size in bytes.
    """

    name: str
    path: str
    mirror_path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Suite:
    """A benchmark suite: files of one upstream repository at one commit."""

    name: str
    description: str
    repo: str
    commit: str
    licence: str
    files: tuple[SuiteFile, ...]

    @property
    def size(self) -> int:
        """Total size of the suite's files in bytes."""
        return sum(f.size for f in self.files)

    def url(self, file: SuiteFile) -> str:
        """The download address of ``file`` at the pinned commit."""
        return RAW_URL.format(repo=self.repo, commit=self.commit, path=file.path)


def _suite_from_json(name: str, entry: dict) -> Suite:
    files = tuple(SuiteFile(name=f["name"], path=f["path"], mirror_path=f["mirror_path"],
                            sha256=f["sha256"], size=int(f["size"]))
                  for f in entry["files"])
    return Suite(name=name, description=entry["description"], repo=entry["repo"],
                 commit=entry["commit"], licence=entry["licence"], files=files)


@functools.cache
def _load() -> dict[str, Suite]:
    text = resources.files("circuitlab.suites").joinpath("manifest.json").read_text("utf-8")
    data = json.loads(text)
    if data.get("format") != MANIFEST_FORMAT:
        raise FetchError(f"suite manifest has format {data.get('format')!r}, "
                         f"expected {MANIFEST_FORMAT}")
    return {name: _suite_from_json(name, entry) for name, entry in sorted(data["suites"].items())}


def list_suites() -> tuple[Suite, ...]:
    """All known suites, sorted by name."""
    return tuple(_load().values())


def get_suite(name: str) -> Suite:
    """The suite called ``name``.

    Raises:
        FetchError: no suite has that name; the message lists the known ones.
    """
    suites = _load()
    try:
        return suites[name]
    except KeyError:
        raise FetchError(f"unknown suite {name!r}; known suites: {', '.join(suites)}") from None
