"""Cosine of embeddings and agreement of random-simulation signatures."""

import numpy as np
import pytest

from circuitlab.aig import AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.sim import random_patterns
from circuitlab.tasks.similarity import embedding_cosine, pairwise_cosine, signature_agreement


def test_cosine_by_hand():
    a = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    b = np.array([[0.0, 1.0], [2.0, 2.0], [1.0, 1.0], [-3.0, 0.0]])
    assert embedding_cosine(a, b).tolist() == pytest.approx([0.0, 1.0, 0.0, -1.0])


def test_pairwise_cosine_is_symmetric_with_ones_on_the_diagonal():
    x = np.random.default_rng(0).normal(size=(4, 3))
    m = pairwise_cosine(x)
    assert np.allclose(m, m.T) and np.allclose(np.diag(m), 1.0)
    assert m[1, 2] == pytest.approx(embedding_cosine(x[[1]], x[[2]])[0])


def _one_output(make):
    b = AigBuilder()
    x = b.add_inputs(2)
    b.add_output(make(b, x))
    return b.build()


def test_signature_agreement_counts_equal_bits():
    ident = _one_output(lambda b, x: x[0])
    both = _one_output(lambda b, x: b.and_(x[0], x[1]))
    assert signature_agreement(ident, ident, 4, seed=3) == 1.0
    assert signature_agreement(ident, _one_output(lambda b, x: x[0] ^ 1), 4, seed=3) == 0.0
    # x0 and x0 & x1 differ exactly where x0 = 1, x1 = 0
    p = random_patterns(2, 4, 3)
    differ = np.bitwise_count(p[0] & ~p[1]).sum() / 256
    assert signature_agreement(ident, both, 4, seed=3) == pytest.approx(1 - differ)


def test_signature_agreement_needs_matching_interfaces():
    b = AigBuilder()
    b.add_output(b.add_input())
    with pytest.raises(CircuitlabError, match="cannot be compared by position"):
        signature_agreement(b.build(), _one_output(lambda b, x: x[0]))
