"""Fixtures of the task tests."""

import pytest

from circuitlab.tasks import Design
from qor_circuits import adder, mux_tree


@pytest.fixture(scope="session")
def small_designs() -> list[Design]:
    return [Design("add3r", adder(3, True)), Design("add4", adder(4, False)),
            Design("add4r", adder(4, True)), Design("mux4", mux_tree(2)),
            Design("mux8", mux_tree(3)), Design("add2r", adder(2, True))]
