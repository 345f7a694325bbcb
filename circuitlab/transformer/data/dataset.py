"""Training pairs (source circuit, label circuit) as stored arrays, and their splits.

:class:`PairDataset` is what :func:`.build.build_pair_dataset` returns and caches.
Its arrays (``numpy.load``, no pickles): ``source_data``/``label_data``
(uint8, binary AIGER without symbols, concatenated) with
``source_offsets``/``label_offsets`` (``[N + 1]`` int64); ``source_ands``,
``label_ands``, ``best`` (index into ``candidates``, where ``"source"`` is
0), ``fits`` (bool), ``index`` (circuit index for generated sources, root
variable for windows), ``origin`` (index into ``origins``), all ``[N]``;
``candidate_ands`` ``[N, C]`` (-1: rejected or not run); ``function``
``[N, 16]`` uint8, a BLAKE2b digest of the source's interface and exhaustive
truth tables; ``spec`` (the spec as JSON). Files are zips written with
fixed timestamps, so equal datasets give byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from typing import Iterable, Iterator, Sequence

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import write_bytes_atomic
from circuitlab.io.aiger import parse_aiger
from circuitlab.sim.simulate import truth_tables

__all__ = ["PairDataset", "function_key", "remove_functions", "split_pairs"]

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# --- the dataset ---------------------------------------------------------------------
class PairDataset(Sequence):
    """A read-only list of ``(source Aig, label Aig, meta dict)``.

    Circuits are parsed on access; the arrays are those of the cache file
    (see the module docstring). ``meta`` holds ``index``, ``origin``,
    ``source_ands``, ``label_ands``, ``best``, ``fits`` and ``ands`` (AND
    count per candidate that gave an equivalent circuit).
    """

    def __init__(self, arrays: dict[str, np.ndarray]):
        self._a = arrays

    @classmethod
    def load(cls, path: str | os.PathLike) -> "PairDataset":
        with np.load(path, allow_pickle=False) as data:
            return cls({k: data[k] for k in data.files})

    def save(self, path: str | os.PathLike) -> None:
        """Write the arrays atomically, byte-identically for equal datasets."""
        write_bytes_atomic(path, _npz_bytes(self._a))

    def __len__(self) -> int:
        return len(self._a["source_ands"])

    def __getitem__(self, k):
        if isinstance(k, slice):
            return self.select(np.arange(len(self))[k])
        k = range(len(self))[k]
        return self.source(k), self.label(k), self.meta(k)

    def __iter__(self) -> Iterator[tuple[Aig, Aig, dict]]:
        return (self[k] for k in range(len(self)))

    def source(self, k: int) -> Aig:
        return parse_aiger(_blob(self._a, "source", k), f"source {k}")

    def label(self, k: int) -> Aig:
        return parse_aiger(_blob(self._a, "label", k), f"label {k}")

    def meta(self, k: int) -> dict:
        a = self._a
        names = a["candidates"].tolist()
        ands = {n: int(x) for n, x in zip(names[1:], a["candidate_ands"][k].tolist()) if x >= 0}
        return {"index": int(a["index"][k]), "origin": str(a["origins"][a["origin"][k]]),
                "source_ands": int(a["source_ands"][k]), "label_ands": int(a["label_ands"][k]),
                "best": names[int(a["best"][k])], "fits": bool(a["fits"][k]), "ands": ands}

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        """The underlying arrays (read them, do not change them)."""
        return self._a

    def function_keys(self) -> list[bytes]:
        """Per pair, a digest of the source's function (equal functions, equal keys)."""
        return [row.tobytes() for row in self._a["function"]]

    def select(self, indices) -> "PairDataset":
        """The pairs at ``indices`` (in that order)."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        a = dict(self._a)
        for what in ("source", "label"):
            a[f"{what}_data"], a[f"{what}_offsets"] = _take_blobs(
                self._a[f"{what}_data"], self._a[f"{what}_offsets"], idx)
        for key in ("source_ands", "label_ands", "best", "fits", "index", "origin",
                    "candidate_ands", "function"):
            a[key] = self._a[key][idx]
        return PairDataset(a)

    def __repr__(self) -> str:
        return f"PairDataset({len(self)} pairs)"


def _blob(a: dict, what: str, k: int) -> bytes:
    off = a[f"{what}_offsets"]
    return a[f"{what}_data"][off[k]:off[k + 1]].tobytes()


def _take_blobs(data: np.ndarray, offsets: np.ndarray, idx: np.ndarray):
    parts = [data[offsets[k]:offsets[k + 1]] for k in idx.tolist()]
    sizes = np.array([len(p) for p in parts], dtype=np.int64)
    new_off = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return (np.concatenate(parts) if parts else np.zeros(0, np.uint8)), new_off


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An ``.npz`` archive with fixed timestamps (``numpy.savez`` stamps the clock)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            payload = io.BytesIO()
            np.lib.format.write_array(payload, np.ascontiguousarray(arrays[name]),
                                      allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, payload.getvalue())
    return buf.getvalue()


# --- splits ----------------------------------------------------------------------------
def function_key(aig: Aig) -> bytes:
    """A digest of ``aig``'s interface and exhaustive truth tables (the ``function`` array)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{aig.num_inputs},{aig.num_outputs};".encode())
    h.update(truth_tables(aig).tobytes())
    return h.digest()


def remove_functions(train: PairDataset,
                     held_out: PairDataset | Iterable[bytes]) -> PairDataset:
    """``train`` without the pairs whose source function occurs in ``held_out``
    (a dataset, or :func:`function_key` digests)."""
    banned = set(held_out.function_keys() if isinstance(held_out, PairDataset) else held_out)
    return train.select([k for k, key in enumerate(train.function_keys()) if key not in banned])


def split_pairs(dataset: PairDataset, held_out: float | int,
                seed: int = 0) -> tuple[PairDataset, PairDataset]:
    """A random ``(train, held_out)`` split, disjoint by source function.

    ``held_out`` is a fraction in (0, 1) or a pair count. The held-out
    pairs are drawn with ``numpy.random.default_rng(seed)``; any train pair
    computing the same function (same truth tables) as a held-out one is
    dropped, so ``train`` may be smaller than the rest.

    Raises:
        CircuitlabError: ``held_out`` out of range.
    """
    n = len(dataset)
    if isinstance(held_out, float):
        if not 0.0 < held_out < 1.0:
            raise CircuitlabError(f"held_out fraction must be in (0, 1), got {held_out}")
        m = int(round(held_out * n))
    elif isinstance(held_out, (int, np.integer)) and 0 <= held_out <= n:
        m = int(held_out)
    else:
        raise CircuitlabError(f"held_out must be a fraction or a count in 0..{n}, "
                              f"got {held_out!r}")
    order = np.random.default_rng(seed).permutation(n)
    test = dataset.select(np.sort(order[:m]))
    return remove_functions(dataset.select(np.sort(order[m:])), test), test
