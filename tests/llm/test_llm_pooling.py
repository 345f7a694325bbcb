import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from circuitlab.llm.pooling import adaptive_pool, plan_windows, segment_bounds, sentence_vector


@given(st.integers(1, 300), st.integers(1, 40))
def test_segments_are_contiguous_nonempty_and_cover_in_order(length, m):
    bounds = segment_bounds(length, m)
    assert len(bounds) == m
    assert bounds[0][0] == 0 and bounds[-1][1] == length
    for (a, b), (c, d) in zip(bounds, bounds[1:]):
        assert a < b and c < d
        assert a <= c and b <= d and c <= b  # next starts no later than this one ends
    if length % m == 0:  # a partition into equal parts
        assert all(b - a == length // m for a, b in bounds)
        assert all(b == c for (_, b), (c, _) in zip(bounds, bounds[1:]))
    elif length > m:  # neighbours share at most one position
        assert all(c >= b - 1 for (_, b), (c, _) in zip(bounds, bounds[1:]))


@given(st.integers(1, 80), st.integers(1, 20), st.integers(0, 2**31 - 1))
def test_adaptive_pool_equals_torch_adaptive_avg_pool(length, m, seed):
    x = np.random.default_rng(seed).standard_normal((length, 5)).astype(np.float32)
    ref = torch.nn.functional.adaptive_avg_pool1d(torch.from_numpy(x).T[None], m)[0].T.numpy()
    np.testing.assert_allclose(adaptive_pool(x, m), ref, rtol=1e-5, atol=1e-6)


def test_adaptive_pool_small_cases_by_hand():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)  # rows [0,1], [2,3], [4,5]
    np.testing.assert_array_equal(adaptive_pool(x, 1), [[2, 3]])
    np.testing.assert_array_equal(adaptive_pool(x, 3), x)
    # L=3, M=2: segments [0,2) and [1,3)
    np.testing.assert_array_equal(adaptive_pool(x, 2), [[1, 2], [3, 4]])
    assert adaptive_pool(np.zeros((0, 4)), 3).shape == (3, 4)


def test_sentence_vector_modes():
    x = np.array([[3.0, 0.0], [0.0, 4.0], [1.0, 1.0]], dtype=np.float32)
    np.testing.assert_allclose(sentence_vector(x, "mean", False), [4 / 3, 5 / 3])
    np.testing.assert_allclose(sentence_vector(x, "cls", True), [1.0, 0.0])
    np.testing.assert_allclose(sentence_vector(x, "last", True), [2**-0.5, 2**-0.5], rtol=1e-6)
    assert sentence_vector(np.zeros((2, 3)), "mean", True).tolist() == [0, 0, 0]
    with pytest.raises(ValueError):
        sentence_vector(x, "max", False)


@given(st.integers(0, 2000), st.integers(1, 300), st.data())
def test_windows_keep_every_token_once_in_order(n, size, data):
    overlap = data.draw(st.integers(0, size - 1))
    windows = plan_windows(n, size, overlap)
    kept = [i for w in windows for i in range(w.start + w.keep_lo, w.start + w.keep_hi)]
    assert kept == list(range(n))
    for w in windows:
        assert 0 <= w.start < max(n, 1) or n == 0
        assert w.stop - w.start <= size and w.stop <= n
        assert 0 <= w.keep_lo <= w.keep_hi <= w.stop - w.start
    for a, b in zip(windows, windows[1:]):
        assert b.start > a.start and a.stop - b.start >= overlap  # share at least `overlap`


def test_windows_by_hand():
    assert [(w.start, w.stop, w.keep_lo, w.keep_hi) for w in plan_windows(10, 4, 2)] == [
        (0, 4, 0, 3), (2, 6, 1, 3), (4, 8, 1, 3), (6, 10, 1, 4)]
    assert len(plan_windows(254, 254, 32)) == 1
    assert len(plan_windows(255, 254, 32)) == 2
