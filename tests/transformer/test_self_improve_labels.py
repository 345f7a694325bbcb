"""The label files of experiments/self_improve.py, as experiments/train_transformer.py reads them."""

import sys
from pathlib import Path

import numpy as np

from circuitlab.aig import AigBuilder
from circuitlab.sim.simulate import truth_tables
from circuitlab.transformer.data.dataset import function_key

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "experiments"))
from train_transformer import improved_labels, write_labels  # noqa: E402


def _and3(redundant: bool):
    """x0 & x1 & x2: (x0 & x1) & (x1 & x2) when asked (3 ANDs), else (x0 & x1) & x2 (2)."""
    b = AigBuilder()
    x = b.add_inputs(3)
    ab = b.and_(x[0], x[1])
    b.add_output(b.and_(ab, b.and_(x[1], x[2]) if redundant else x[2]))
    return b.build()


def _xor2(extra: bool):
    b = AigBuilder()
    x = b.add_inputs(2)
    out = b.xor(x[0], x[1])
    if extra:
        out = b.and_(out, b.or_(x[0], x[1]))  # xor already implies the or
    b.add_output(out)
    return b.build()


def test_label_files_round_trip_and_the_smaller_label_wins(tmp_path):
    big_and, small_and = _and3(True), _and3(False)
    big_xor, small_xor = _xor2(True), _xor2(False)
    assert small_and.num_ands < big_and.num_ands and small_xor.num_ands < big_xor.num_ands
    k_and, k_xor = function_key(small_and), function_key(small_xor)
    assert function_key(big_and) == k_and and function_key(big_xor) == k_xor
    # round 1 has the large AND label and the small XOR one; round 2 the reverse
    write_labels(tmp_path / "r1.npz", {k_and: big_and, k_xor: small_xor})
    write_labels(tmp_path / "r2.npz", {k_and: small_and, k_xor: big_xor})
    found = improved_labels([tmp_path / "r1.npz", tmp_path / "r2.npz"])
    assert set(found) == {k_and, k_xor}
    assert found[k_and].num_ands == small_and.num_ands
    assert found[k_xor].num_ands == small_xor.num_ands
    assert np.array_equal(truth_tables(found[k_and]), truth_tables(small_and))
    assert np.array_equal(truth_tables(found[k_xor]), truth_tables(small_xor))
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["r1.npz", "r2.npz"]
