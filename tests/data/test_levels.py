import numpy as np
from hypothesis import given, settings
from strategies import random_aigs

import circuitlab.data.levels as data_levels
from circuitlab.aig import Aig
from circuitlab.data.levels import _waves, not_node_levels, not_node_levels_reference


@settings(max_examples=80, deadline=None)
@given(random_aigs(max_ands=60, latches=True))
def test_waves_equal_the_reference(aig):
    ref = not_node_levels_reference(aig)
    assert np.array_equal(_waves(aig), ref)
    assert np.array_equal(not_node_levels(aig), ref)


def _chain(length: int) -> Aig:
    """i0 & !(i1 & !(i0 & ...)): one AND per level, each read complemented."""
    ands, prev = [], 2
    for k in range(length):
        ands.append([prev ^ 1 if k else prev, 2 + 2 * (k % 2)])
        prev = 2 * (3 + k)
    return Aig(2, ands, [prev])


def _wide(width: int) -> Aig:
    """``width`` ANDs of complemented inputs on one level."""
    n = 2 * width
    return Aig(n, [[2 * (1 + 2 * k) + 1, 2 * (2 + 2 * k) + 1] for k in range(width)],
               [2 * (n + 1 + k) for k in range(width)])


def test_both_paths_are_taken_and_agree(monkeypatch):
    taken = []
    real_waves, real_loop = data_levels._waves, data_levels.not_node_levels_reference
    monkeypatch.setattr(data_levels, "_waves", lambda a: taken.append("waves") or real_waves(a))
    monkeypatch.setattr(data_levels, "not_node_levels_reference",
                        lambda a: taken.append("loop") or real_loop(a))
    deep, wide = _chain(50), _wide(100)
    assert not_node_levels(deep).tolist() == [0, 0, 0] + [1 + 2 * k for k in range(50)]
    assert not_node_levels(wide).tolist() == [0] * 201 + [2] * 100
    assert taken == ["loop", "waves"]


def test_no_ands():
    assert not_node_levels(Aig(3, [], [3])).tolist() == [0, 0, 0, 0]
