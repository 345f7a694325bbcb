import torch

from circuitlab.pretrain import random_node_mask


def test_each_graph_gets_its_own_quota():
    index = torch.tensor([0] * 10 + [1] * 3 + [2] * 7)
    mask = random_node_mask(index, 3, 0.3, torch.Generator().manual_seed(0))
    assert torch.bincount(index[mask], minlength=3).tolist() == [3, 0, 2]


def test_the_generator_decides_the_mask():
    index = torch.repeat_interleave(torch.arange(4), 50)
    a = random_node_mask(index, 4, 0.5, torch.Generator().manual_seed(1))
    b = random_node_mask(index, 4, 0.5, torch.Generator().manual_seed(1))
    c = random_node_mask(index, 4, 0.5, torch.Generator().manual_seed(2))
    assert torch.equal(a, b) and not torch.equal(a, c)
