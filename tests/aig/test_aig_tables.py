"""Integer truth tables of small circuits, against the independent oracle."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from circuitlab.aig import Aig
from circuitlab.aig.tables import node_tables, output_tables, projections, table_mask
from circuitlab.errors import CircuitlabError
from oracle import truth_table
from strategies import random_aigs


def _int(row) -> int:
    return sum(int(bit) << m for m, bit in enumerate(row))


def test_masks_and_projections_by_hand():
    assert [table_mask(n) for n in range(4)] == [1, 3, 15, 255]
    assert projections(0) == []
    assert projections(3) == [0b10101010, 0b11001100, 0b11110000]
    for n in range(9):
        for i, p in enumerate(projections(n)):
            assert p == _int((m >> i) & 1 for m in range(1 << n))


def test_projections_returns_a_new_list():
    first = projections(2)
    first.append(0)
    assert projections(2) == [0b1010, 0b1100]


@settings(max_examples=150, deadline=None)
@given(random_aigs(max_inputs=7, max_ands=30))
def test_output_tables_match_the_oracle(aig):
    assert output_tables(aig) == [_int(row) for row in truth_table(aig)]
    nodes = node_tables(aig)
    assert len(nodes) == aig.num_vars and nodes[0] == 0
    assert all(0 <= t <= table_mask(aig.num_inputs) for t in nodes)


def test_latches_are_refused():
    with pytest.raises(CircuitlabError, match="combinational"):
        output_tables(Aig(1, [], [2], [[2, 0]]))
