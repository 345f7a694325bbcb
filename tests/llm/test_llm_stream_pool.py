"""StreamPool: pieces added in order pool as adaptive_pool and sentence_vector do on the whole."""

import numpy as np
import pytest

from circuitlab.llm.pooling import StreamPool, adaptive_pool, sentence_vector


@pytest.mark.parametrize("length,m,seed", [(1, 1, 0), (5, 16, 1), (16, 16, 2), (37, 4, 3),
                                           (300, 16, 4), (1000, 7, 5)])
@pytest.mark.parametrize("pooling", ["mean", "last", "cls"])
def test_pieces_pool_as_the_whole(length, m, seed, pooling):
    rng = np.random.default_rng(seed)
    states = rng.normal(size=(length, 6)).astype(np.float32)
    pool = StreamPool(length, m, 6)
    cuts = np.sort(rng.integers(0, length + 1, size=5))
    for a, b in zip([0, *cuts], [*cuts, length]):
        pool.add(states[a:b])
    tokens, vector = pool.result(pooling, normalize=True)
    np.testing.assert_allclose(tokens, adaptive_pool(states, m), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(vector, sentence_vector(states, pooling, True),
                               rtol=1e-6, atol=1e-6)


def test_rows_must_match_the_announced_length():
    pool = StreamPool(3, 2, 2)
    pool.add(np.ones((2, 2)))
    with pytest.raises(ValueError, match="2 of the 3 rows"):
        pool.result("mean", False)
    with pytest.raises(ValueError, match="more than the 3 rows"):
        pool.add(np.ones((2, 2)))
