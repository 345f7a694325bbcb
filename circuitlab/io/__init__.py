"""Circuit file formats: AIGER, bench, truth tables; interop with other libraries."""

from circuitlab.io.aiger import dump_aiger, parse_aiger, read_aiger, write_aiger
from circuitlab.io.bench import dump_bench, parse_bench, read_bench, write_bench
from circuitlab.io.pyaiger import from_pyaiger, to_pyaiger
from circuitlab.io.truth import (
    dump_truth, parse_truth, parse_truth_tables, read_truth, read_truth_tables, truth_to_aig,
    write_truth,
)

__all__ = ["dump_aiger", "parse_aiger", "read_aiger", "write_aiger"]
__all__ += ["dump_bench", "parse_bench", "read_bench", "write_bench"]
__all__ += ["from_pyaiger", "to_pyaiger"]
__all__ += ["dump_truth", "parse_truth", "parse_truth_tables", "read_truth", "read_truth_tables",
            "truth_to_aig", "write_truth"]
from circuitlab.io.aigverse_interop import from_aigverse, to_aigverse

__all__ += ["from_aigverse", "to_aigverse"]
