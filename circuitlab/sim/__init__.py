"""Bit-parallel simulation: patterns, truth tables, signatures, probabilities."""

from circuitlab.sim.simulate import (
    MAX_EXHAUSTIVE_INPUTS, exhaustive_patterns, node_signatures, random_patterns,
    signal_probabilities, simulate, simulate_nodes, table_bits, truth_tables,
)

__all__ = ["MAX_EXHAUSTIVE_INPUTS", "exhaustive_patterns", "node_signatures",
           "random_patterns", "signal_probabilities", "simulate", "simulate_nodes",
           "table_bits", "truth_tables"]
