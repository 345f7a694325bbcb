"""One torch thread for the task tests: small graphs gain nothing from more, and
the test machines share their cores."""

import pytest


@pytest.fixture(autouse=True, scope="package")
def one_torch_thread():
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
