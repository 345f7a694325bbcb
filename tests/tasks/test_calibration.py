"""Calibrated similarity: centring on reference embeddings removes the common component."""

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.tasks.calibration import (build_reference, checkpoint_digest, load_reference,
                                          write_reference)
from circuitlab.tasks.similarity import pairwise_cosine


def _collapsed(n=12, width=8, seed=0):
    """Embeddings with one large shared component, as an untrained or collapsed encoder gives."""
    rng = np.random.default_rng(seed)
    return 50.0 + rng.normal(size=(n, width))


def test_centring_spreads_collapsed_embeddings():
    x = _collapsed()
    ref = build_reference(x, [f"d{k}" for k in range(len(x))], "0" * 64)
    off = ~np.eye(len(x), dtype=bool)
    assert pairwise_cosine(x)[off].mean() > 0.99 and ref.raw_unrelated > 0.99
    # centred on their own mean, n vectors summing to 0 have a mean pairwise cosine near -1/(n-1)
    assert ref.unrelated_mean == pytest.approx(ref.pairwise(x)[off].mean())
    assert abs(ref.unrelated_mean) < 0.2 and ref.unrelated_std > 0.1
    assert ref.score(x[:1], x[:1])[0] == pytest.approx(1.0)
    assert ref.z(ref.unrelated_mean) == pytest.approx(0.0)


def test_a_reference_belongs_to_one_checkpoint(tmp_path):
    ckpt, other = tmp_path / "a.pt", tmp_path / "b.pt"
    ckpt.write_bytes(b"weights a")
    other.write_bytes(b"weights b")
    x = _collapsed()
    ref = build_reference(x, [f"d{k}" for k in range(len(x))], checkpoint_digest(ckpt))
    path = tmp_path / "ref.json"
    write_reference(ref, path)
    back = load_reference(ckpt, path)
    assert back is not None and np.allclose(back.mean, ref.mean)
    assert back.unrelated_std == pytest.approx(ref.unrelated_std)
    assert load_reference(other, path) is None
    assert load_reference(ckpt, tmp_path / "missing.json") is None
    path.write_text("{}")
    with pytest.raises(CircuitlabError, match="not a similarity reference"):
        load_reference(ckpt, path)


def test_too_few_designs_is_an_error():
    with pytest.raises(CircuitlabError, match="at least three"):
        build_reference(_collapsed(2), ["a", "b"], "0" * 64)
