"""An on-disk cache of embeddings in front of any embedder."""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from circuitlab.errors import CircuitlabWarning
from circuitlab.fsutil import write_bytes_atomic
from circuitlab.llm.embedding import Embedder, Embedding
from circuitlab.suites import default_cache_dir as circuitlab_cache

_FORMAT = "circuitlab-embedding/v1"


def default_cache_dir() -> Path:
    """``<circuitlab cache>/embeddings``: ``$CIRCUITLAB_CACHE``, else the user cache folder."""
    return circuitlab_cache() / "embeddings"


class CachedEmbedder(Embedder):
    """Answers from ``cache_dir`` where it can and asks ``inner`` for the rest.

    An entry is keyed by sha256 of the inner embedder's fingerprint (model,
    M, window, overlap, pooling, normalisation, dtype) and of the text's own
    sha256; it is one ``.npz`` file written atomically. An entry that does not
    read back as the expected arrays (truncated, corrupt, other key, wrong
    shape, non-finite) is recomputed and overwritten.

    Attributes:
        hits: texts answered from the cache so far.
        misses: distinct texts sent to ``inner`` so far.
    """

    def __init__(self, inner: Embedder, cache_dir: str | os.PathLike | None = None):
        self.inner = inner
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.hits = 0
        self.misses = 0
        self.writable = True

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def fingerprint(self) -> str:
        return self.inner.fingerprint

    def key(self, text: str) -> str:
        """The entry's name: sha256 of the fingerprint and of the text's sha256."""
        text_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return hashlib.sha256(f"{_FORMAT}\0{self.fingerprint}\0{text_hash}".encode()).hexdigest()

    def path(self, text: str) -> Path:
        """The entry's file."""
        return self._path(self.key(text))

    def _path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.npz"

    def _load(self, path: Path, key: str) -> Embedding | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["key"]) != key:
                    return None
                tokens, vector, model_id = data["tokens"], data["vector"], str(data["model_id"])
        except Exception:  # any entry that does not read back is recomputed
            return None
        if (tokens.dtype != np.float32 or vector.dtype != np.float32 or tokens.ndim != 2
                or vector.ndim != 1 or tokens.shape[1] != vector.shape[0]
                or not (np.isfinite(tokens).all() and np.isfinite(vector).all())):
            return None
        return Embedding(tokens, vector, model_id)

    def _store(self, path: Path, key: str, emb: Embedding) -> None:
        if not self.writable:
            return
        buf = io.BytesIO()
        np.savez(buf, key=np.array(key), tokens=emb.tokens, vector=emb.vector,
                 model_id=np.array(emb.model_id))
        try:
            write_bytes_atomic(path, buf.getvalue())
        except OSError as exc:
            self.writable = False
            warnings.warn(CircuitlabWarning(
                f"cannot write the embedding cache in {self.cache_dir} "
                f"({exc.strerror or exc}); going on without it"), stacklevel=2)

    def embed(self, texts: Sequence[str]) -> list[Embedding]:
        out: list[Embedding | None] = []
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            key = self.key(text)
            path = self._path(key)
            found = self._load(path, key) if path.is_file() else None
            out.append(found)
            if found is None:
                todo.setdefault(text, []).append(i)
        self.hits += len(texts) - sum(len(v) for v in todo.values())
        if todo:
            fresh = self.inner.embed(list(todo))
            self.misses += len(todo)
            for (text, slots), emb in zip(todo.items(), fresh):
                key = self.key(text)
                self._store(self._path(key), key, emb)
                for i in slots:
                    out[i] = emb
        return out  # type: ignore[return-value]
