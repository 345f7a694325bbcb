"""The label files of experiments/self_improve.py, as experiments/train_transformer.py reads them."""

import sys
from pathlib import Path

import numpy as np

from circuits import random_small_aig
from circuitlab.sim.simulate import truth_tables
from circuitlab.transformer.data.dataset import function_key

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "experiments"))
from train_transformer import improved_labels, write_labels  # noqa: E402


def test_label_files_round_trip_and_the_smaller_label_wins(tmp_path):
    import random
    rng = random.Random(1)
    big = [random_small_aig(rng, 5, rng.randint(6, 12), 2) for _ in range(4)]
    keys = [function_key(a) for a in big]
    write_labels(tmp_path / "r1.npz", dict(zip(keys, big)))
    # a later round: the same function as a smaller circuit for the first key only
    from circuitlab.aig.ops import cleanup
    smaller = cleanup(big[0])
    write_labels(tmp_path / "r2.npz", {keys[0]: smaller, keys[1]: big[1]})
    found = improved_labels([tmp_path / "r1.npz", tmp_path / "r2.npz"])
    assert set(found) == set(keys)
    for key, aig in zip(keys, big):
        assert np.array_equal(truth_tables(found[key]), truth_tables(aig))
    assert found[keys[0]].num_ands == min(big[0].num_ands, smaller.num_ands)
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["r1.npz", "r2.npz"]
