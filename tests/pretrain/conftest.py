import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread():
    """The test graphs have tens of nodes: one thread is fastest and immune to
    other processes competing for the cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
