import itertools

import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.pretrain import NodeBudgetBatchSampler

SIZES = [5, 9, 3, 12, 7, 1, 8, 6, 4, 10, 2, 11]


def test_an_epoch_packs_every_graph_once_within_the_budget():
    sampler = NodeBudgetBatchSampler(SIZES, budget=20, seed=3)
    batches = list(itertools.islice(sampler, sampler.batches_per_epoch()))
    assert sorted(k for b in batches for k in b) == list(range(len(SIZES)))
    assert all(sum(SIZES[k] for k in b) <= 20 for b in batches)
    assert len(batches) < len(SIZES)  # several graphs per batch


def test_ranks_get_disjoint_equal_shares():
    shares = [list(itertools.islice(NodeBudgetBatchSampler(SIZES, 20, 3, rank, 2),
                                    NodeBudgetBatchSampler(SIZES, 20, 3, 0, 2).batches_per_epoch()))
              for rank in (0, 1)]
    assert len(shares[0]) == len(shares[1]) > 0
    seen = [k for share in shares for b in share for k in b]
    assert len(seen) == len(set(seen))


def test_the_position_resumes_the_same_stream():
    a = NodeBudgetBatchSampler(SIZES, 15, seed=5)
    stream = list(itertools.islice(a, 20))
    b = NodeBudgetBatchSampler(SIZES, 15, seed=5)
    first = list(itertools.islice(iter(b), 7))
    c = NodeBudgetBatchSampler(SIZES, 15, seed=5)
    c.load_state_dict(b.state_dict())
    assert first + list(itertools.islice(iter(c), 13)) == stream
    assert list(itertools.islice(NodeBudgetBatchSampler(SIZES, 15, seed=6), 20)) != stream


def test_a_graph_over_the_budget_is_one_line_naming_it():
    with pytest.raises(CircuitlabError, match=r"^graph 3 \(big\) has 12 nodes, over the node "
                                              r"budget of 11 per batch"):
        NodeBudgetBatchSampler(SIZES, 11, names=[f"graph {k}" + (" (big)" if k == 3 else "")
                                                 for k in range(len(SIZES))])
