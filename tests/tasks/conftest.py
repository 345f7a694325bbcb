"""Fixtures of the task tests, and one torch thread for them: small graphs gain
nothing from more, and the test machines share their cores."""

import pytest

from circuitlab.tasks import Design
from qor_circuits import adder, mux_tree


@pytest.fixture(autouse=True, scope="package")
def one_torch_thread():
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def small_designs() -> list[Design]:
    return [Design("add3r", adder(3, True)), Design("add4", adder(4, False)),
            Design("add4r", adder(4, True)), Design("mux4", mux_tree(2)),
            Design("mux8", mux_tree(3)), Design("add2r", adder(2, True))]
