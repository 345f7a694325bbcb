"""Markers for what a test needs beyond the pip dependencies.

``needs_abc`` and ``needs_iverilog`` skip, naming the Debian package, where
the tool is not found; ``needs_data`` skips where the reference data (or the
part of it given as arguments, ``needs_data("aig", "iscas85")``) is absent; ``gpu`` skips where torch
finds no CUDA device. The markers are registered in ``pyproject.toml``.
CI runs the suite once without the tools and once with them, so a skip here
never hides a test there. Every test runs on one torch thread (``one_thread``).
"""

from __future__ import annotations

import pytest

from shared_data import SHARED_DATA

from circuitlab.training.threads import torch_threads

TOOL_MARKERS = {
    "needs_abc": "berkeley-abc",
    "needs_iverilog": "iverilog",
}


def _tool_found(marker: str) -> bool:
    if marker == "needs_abc":
        from circuitlab.synth.abc import abc_available
        return abc_available()
    from circuitlab.synth.verilog_info import iverilog_available
    return iverilog_available()


def _cuda_found() -> bool:
    import torch
    return torch.cuda.is_available()


def pytest_runtest_setup(item):
    for marker, package in TOOL_MARKERS.items():
        if item.get_closest_marker(marker) is not None and not _tool_found(marker):
            pytest.skip(f"needs {package} (apt install {package})")
    if item.get_closest_marker("gpu") is not None and not _cuda_found():
        pytest.skip("needs a CUDA device (torch.cuda.is_available() is False)")
    for mark in item.iter_markers("needs_data"):
        path = SHARED_DATA.joinpath(*mark.args)
        if not path.exists():
            pytest.skip(f"needs reference data {path} (the CI machines' mirror of the "
                        "suites that `circuitlab data fetch` downloads)")


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread: the test graphs have tens of nodes, so one thread is fastest
    and immune to other processes competing for the cores. Opening the block does
    not import torch, so a test that never loads it does not pay for it."""
    with torch_threads(1):
        yield
