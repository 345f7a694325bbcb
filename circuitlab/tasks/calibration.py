"""Similarity scores that mean something: cosine after centring on reference designs.

Raw cosines of graph embeddings sit near 1 for any two circuits (the
embeddings share one large common component), so a raw 0.99 says little.
A :class:`Reference` holds, for one encoder checkpoint:

- ``mean``: the mean graph embedding of the reference designs (designs of
  the training split, never test designs);
- ``raw_unrelated``: the mean raw cosine between two different reference designs;
- ``unrelated_mean``, ``unrelated_std``: mean and deviation of the *centred*
  cosine between two different reference designs.

The calibrated score of two circuits is their centred cosine (the cosine
of ``embedding - mean``): about 0 for two unrelated designs, 1 for equal
embeddings. ``z`` says how many deviations it lies above an unrelated pair's.

The shipped encoder's reference is ``checkpoints/similarity_reference.json``
(built by ``experiments/similarity_reference.py``), tied to the checkpoint by
its SHA-256; another checkpoint has no reference unless one is built for it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from circuitlab.errors import CircuitlabError
from circuitlab.tasks.similarity import embedding_cosine, pairwise_cosine

__all__ = ["REFERENCE", "Reference", "build_reference", "centre", "checkpoint_digest",
           "load_reference"]

REFERENCE = Path(__file__).resolve().parent / "checkpoints" / "similarity_reference.json"
"""The shipped encoder's reference (``nn/checkpoints/default.pt``)."""

_FORMAT = "circuitlab-similarity-reference/1"


def centre(x, mean) -> np.ndarray:
    """``x - mean`` row by row, float64.

    Shapes:
        ``x`` ``[F, P]``, ``mean`` ``[P]``; returns ``[F, P]``.
    """
    return np.asarray(x, dtype=np.float64) - np.asarray(mean, dtype=np.float64)[None, :]


def checkpoint_digest(path: str | Path) -> str:
    """SHA-256 of a checkpoint file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _off_diagonal(m: np.ndarray) -> np.ndarray:
    return m[~np.eye(len(m), dtype=bool)]


@dataclass(frozen=True)
class Reference:
    """The calibration of one encoder (see the module docstring).

    Attributes:
        checkpoint_sha256: the encoder checkpoint this reference belongs to.
        designs: names of the reference designs.
        mean: mean reference embedding, ``[P]``.
        raw_unrelated: mean raw cosine between two different reference designs.
        unrelated_mean, unrelated_std: of the centred cosine between them.
    """

    checkpoint_sha256: str
    designs: tuple[str, ...]
    mean: np.ndarray
    raw_unrelated: float
    unrelated_mean: float
    unrelated_std: float

    def score(self, a, b) -> np.ndarray:
        """Row-wise centred cosine of two stacks ``[N, P]``; returns ``[N]``."""
        return embedding_cosine(centre(a, self.mean), centre(b, self.mean))

    def pairwise(self, x) -> np.ndarray:
        """Centred cosine of every two rows of ``x`` ``[F, P]``; returns ``[F, F]``."""
        return pairwise_cosine(centre(x, self.mean))

    def z(self, score) -> np.ndarray:
        """Deviations of a centred cosine above the unrelated reference pairs' mean."""
        return (np.asarray(score, dtype=np.float64) - self.unrelated_mean) / self.unrelated_std

    def to_dict(self) -> dict:
        return {"format": _FORMAT, "checkpoint_sha256": self.checkpoint_sha256,
                "designs": list(self.designs), "raw_unrelated": self.raw_unrelated,
                "unrelated_mean": self.unrelated_mean, "unrelated_std": self.unrelated_std,
                "mean": [float(v) for v in self.mean]}


def build_reference(embeddings, designs, checkpoint_sha256: str) -> Reference:
    """The :class:`Reference` of reference-design embeddings ``[F, P]`` (``F >= 3``).

    Raises:
        CircuitlabError: fewer than three designs, or names that do not match the rows.
    """
    x = np.asarray(embeddings, dtype=np.float64)
    if x.ndim != 2 or len(x) < 3 or len(x) != len(designs):
        raise CircuitlabError(f"a similarity reference needs at least three named embeddings, "
                              f"got {x.shape} for {len(designs)} names")
    mean = x.mean(axis=0)
    centred = _off_diagonal(pairwise_cosine(centre(x, mean)))
    return Reference(checkpoint_sha256, tuple(designs), mean,
                     float(_off_diagonal(pairwise_cosine(x)).mean()), float(centred.mean()),
                     float(centred.std()) or 1.0)


def write_reference(ref: Reference, path: str | Path = REFERENCE) -> None:
    """Write ``ref`` as JSON (a temporary file, then renamed)."""
    from circuitlab.fsutil import atomic_path
    with atomic_path(Path(path)) as tmp:
        tmp.write_text(json.dumps(ref.to_dict(), indent=1) + "\n")


def load_reference(checkpoint: str | Path | None = None,
                   path: str | Path = REFERENCE) -> Reference | None:
    """The reference of ``checkpoint`` (``None``: the shipped encoder), or ``None`` if none fits.

    Raises:
        CircuitlabError: the reference file exists but is not one.
    """
    if checkpoint is None:
        from circuitlab.nn.pretrained import DEFAULT_CHECKPOINT
        checkpoint = DEFAULT_CHECKPOINT
    path = Path(path)
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text())
        if raw.get("format") != _FORMAT:
            raise ValueError("format")
        ref = Reference(raw["checkpoint_sha256"], tuple(raw["designs"]),
                        np.array(raw["mean"], dtype=np.float64), float(raw["raw_unrelated"]),
                        float(raw["unrelated_mean"]), float(raw["unrelated_std"]))
    except (ValueError, KeyError, TypeError):
        raise CircuitlabError(f"{path}: not a similarity reference") from None
    return ref if ref.checkpoint_sha256 == checkpoint_digest(checkpoint) else None
