"""Where a dataset's files live: :class:`SourceLayout`."""

from __future__ import annotations

import os.path as osp
from pathlib import Path


class SourceLayout:
    """The folders of a dataset built from a source folder (a mixin before the PyG base).

    ``raw_dir`` is the source folder itself (nothing is copied);
    ``processed_dir`` is ``root/processed/<key>``, one folder per fingerprint
    ``key`` of the inputs, so changed inputs never overwrite older results;
    ``item_dir`` (``root/items``) holds the per-item results that builds
    resume from. Subclasses set ``source``, ``root`` and ``key``.
    """

    @property
    def raw_dir(self) -> str:
        return str(self.source)

    @property
    def processed_dir(self) -> str:
        return osp.join(self.root, "processed", self.key)

    @property
    def item_dir(self) -> Path:
        return Path(self.root) / "items"
