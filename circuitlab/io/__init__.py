"""Circuit file formats: AIGER, bench, truth tables; interop with other libraries."""

from circuitlab.io.aiger import dump_aiger, parse_aiger, read_aiger, write_aiger

__all__ = ["dump_aiger", "parse_aiger", "read_aiger", "write_aiger"]
