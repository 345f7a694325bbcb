"""Window resynthesis: the SAT search with don't cares, trivial windows."""

from __future__ import annotations

import random

from circuitlab.aig.tables import output_tables
from circuitlab.optimize.resynth import ExactTask, exact_resynth, trivial_resynth

XOR2 = 0b0110
MAJ3 = 0b11101000


def _agrees(aig, tables, care):
    return all((x ^ y) & care == 0 for x, y in zip(output_tables(aig), tables))


def test_trivial_windows_need_no_and():
    full = 0xFF
    assert trivial_resynth([0xF0], 3, full).outputs.tolist() == [6]        # input 2
    assert trivial_resynth([0x0F], 3, full).outputs.tolist() == [7]        # its complement
    assert trivial_resynth([0x80], 3, full) is None                        # a&b&c
    # a&b&c is input 0 where only patterns 0 and 7 occur
    assert trivial_resynth([0x80], 3, 0x81).outputs.tolist() == [2]


def test_exact_search_finds_the_minimum_of_small_functions():
    maj = exact_resynth(ExactTask((MAJ3,), 3, 0xFF, max_gates=6, conflicts=10_000))
    assert maj is not None and maj.num_ands == 4 and output_tables(maj) == [MAJ3]
    xor = exact_resynth(ExactTask((XOR2,), 2, 0xF, max_gates=5, conflicts=10_000))
    assert xor.num_ands == 3 and output_tables(xor) == [XOR2]
    assert exact_resynth(ExactTask((XOR2,), 2, 0xF, max_gates=2, conflicts=10_000)) is None


def test_exact_search_uses_dont_cares_and_keeps_the_care_patterns():
    # xor is a single AND (a & ~b) once patterns 3 (a=b=1) and 2 are don't cares
    care = 0b0011
    found = exact_resynth(ExactTask((XOR2,), 2, care, max_gates=2, conflicts=10_000))
    assert found is not None and found.num_ands <= 1 and _agrees(found, [XOR2], care)
    rng = random.Random(3)
    for _ in range(10):
        n = rng.randint(4, 7)
        width = 1 << n
        tables = (rng.getrandbits(width), rng.getrandbits(width))
        care = rng.getrandbits(width) | rng.getrandbits(width) | 1
        found = exact_resynth(ExactTask(tables, n, care, max_gates=8, conflicts=2000, seed=1))
        if found is not None:
            assert found.num_ands <= 8 and _agrees(found, list(tables), care)
