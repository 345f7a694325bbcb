"""Circuit file formats: AIGER, bench, truth tables; interop with other libraries."""

from circuitlab.io.aiger import dump_aiger, parse_aiger, read_aiger, write_aiger
from circuitlab.io.bench import dump_bench, parse_bench, read_bench, write_bench
from circuitlab.io.truth import (
    dump_truth, parse_truth, parse_truth_tables, read_truth, read_truth_tables, truth_to_aig,
    write_truth,
)

__all__ = ["dump_aiger", "parse_aiger", "read_aiger", "write_aiger"]
__all__ += ["dump_bench", "parse_bench", "read_bench", "write_bench"]
__all__ += ["from_pyaiger", "to_pyaiger"]
__all__ += ["dump_truth", "parse_truth", "parse_truth_tables", "read_truth", "read_truth_tables",
            "truth_to_aig", "write_truth"]
__all__ += ["from_aigverse", "to_aigverse"]

# the interop modules import py-aiger and aigverse: loaded on first use
_LAZY = {"from_pyaiger": "pyaiger", "to_pyaiger": "pyaiger",
         "from_aigverse": "aigverse_interop", "to_aigverse": "aigverse_interop"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f"circuitlab.io.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'circuitlab.io' has no attribute {name!r}")
