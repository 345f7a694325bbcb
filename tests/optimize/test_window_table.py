"""Minimum circuits of 4-input NPN classes and table resynthesis of small windows."""

from __future__ import annotations

import random

import pytest

from circuitlab.aig.tables import output_tables, table_mask
from circuitlab.exact import min_ands_4
from circuitlab.optimize.window_table import _widen, read_circuits, table_resynth

MAJ3 = 0b11101000


def _agrees(aig, tables, care):
    return all((x ^ y) & care == 0 for x, y in zip(output_tables(aig), tables))


def test_every_stored_class_circuit_has_the_table_minimum():
    circuits = read_circuits()
    assert len(circuits) >= 150
    for canon, aig in circuits.items():
        assert aig.num_ands == min_ands_4(canon) and output_tables(aig) == [canon]


@pytest.mark.parametrize("n", [2, 3, 4])
def test_table_resynthesis_is_minimum_and_correct(n):
    rng = random.Random(n)
    mask = table_mask(n)
    for _ in range(40):
        f = rng.getrandbits(1 << n)
        care = mask if rng.random() < 0.5 else rng.getrandbits(1 << n) | rng.getrandbits(1 << n)
        found = table_resynth(f, n, care, 20)
        if found is None:
            continue  # a class without a stored circuit
        assert found.num_inputs == n and _agrees(found, [f], care)
        if care == mask:
            assert found.num_ands == min_ands_4(_widen(f, n))
    assert table_resynth(MAJ3, 3, 0xFF, 3) is None   # needs 4

