"""NPN canonisation: class counts, invariance, transforms and errors."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.errors import CircuitlabError
from circuitlab.exact import (
    NpnTransform, apply_transform, inverse_transform, npn_canon, npn_canon_array, npn_classes,
)


def transforms(num_inputs: int):
    return st.builds(NpnTransform, st.permutations(list(range(num_inputs))).map(tuple),
                     st.integers(0, (1 << num_inputs) - 1), st.booleans())


def brute_force_canon(table: int, num_inputs: int) -> int:
    return min(apply_transform(table, num_inputs, NpnTransform(perm, mask, neg))
               for perm in itertools.permutations(range(num_inputs))
               for mask in range(1 << num_inputs) for neg in (False, True))


@pytest.mark.parametrize("num_inputs, count", [(0, 1), (1, 2), (2, 4), (3, 14), (4, 222)])
def test_class_counts(num_inputs, count):
    assert len(npn_classes(num_inputs)) == count
    assert npn_classes(num_inputs) == sorted(npn_classes(num_inputs))


def test_known_canonical_forms():
    assert npn_canon(0x6996, 4).canon == 0x6996          # XOR4 is its own canon
    assert npn_canon(0x8000, 4).canon == 0x0001          # AND4 ~ NOR4
    assert npn_canon(0xAAAA, 4).canon == 0x00FF          # a literal
    assert npn_canon(0xFFFF, 4).canon == 0x0000
    assert npn_canon(0x8, 2).canon == 0x1
    assert npn_classes(2) == [0x0, 0x1, 0x3, 0x6]


@pytest.mark.parametrize("num_inputs", [2, 3, 4])
def test_canon_is_smallest_of_its_class(num_inputs):
    rng = random.Random(num_inputs)
    for _ in range(20):
        table = rng.getrandbits(1 << num_inputs)
        assert npn_canon(table, num_inputs).canon == brute_force_canon(table, num_inputs)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 0xFFFF), transforms(4))
def test_canon_is_invariant_and_transform_reaches_it(table, transform):
    result = npn_canon(table, 4)
    assert apply_transform(table, 4, result.transform) == result.canon
    moved = apply_transform(table, 4, transform)
    assert npn_canon(moved, 4).canon == result.canon


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 0xFF), transforms(3))
def test_inverse_transform_round_trips(table, transform):
    moved = apply_transform(table, 3, transform)
    assert apply_transform(moved, 3, inverse_transform(transform)) == table


def test_array_canonisation_covers_every_function():
    tables = np.arange(1 << 16)
    canon = npn_canon_array(tables, 4)
    assert canon.shape == (1 << 16,)
    assert sorted(set(canon.tolist())) == npn_classes(4)
    assert (canon <= tables).all()
    for table in random.Random(0).sample(range(1 << 16), 50):
        assert canon[table] == npn_canon(table, 4).canon


def test_class_sizes_add_up():
    _, counts = np.unique(npn_canon_array(np.arange(1 << 16), 4), return_counts=True)
    assert counts.sum() == 1 << 16
    assert counts.max() <= 2 * 24 * 16


@pytest.mark.parametrize("table, num_inputs, message", [
    (0x1FF, 3, "does not fit 8 bits"),
    (-1, 2, "does not fit"),
    (0, 5, "0 to 4 inputs"),
])
def test_bad_input_raises(table, num_inputs, message):
    with pytest.raises(CircuitlabError, match=message):
        npn_canon(table, num_inputs)


def test_bad_transform_raises():
    with pytest.raises(CircuitlabError, match="not a permutation"):
        apply_transform(0x6, 2, NpnTransform((0, 0), 0, False))
    with pytest.raises(CircuitlabError, match="does not fit"):
        npn_canon_array(np.array([0x100]), 3)
