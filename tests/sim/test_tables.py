import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aig import AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.sim import table_bits, truth_tables
from circuitlab.sim.tables import (
    bits_to_int, int_to_bits, int_to_words, mask_tables, projections, table_mask, table_to_int,
    tables_to_ints, words_for,
)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 9).flatmap(lambda n: st.tuples(st.just(n),
                                                     st.integers(0, table_mask(n)))))
def test_int_words_and_bits_round_trip(case):
    n, table = case
    words = int_to_words(table, words_for(n))
    assert words.dtype == np.uint64 and words.shape == (words_for(n),)
    assert table_to_int(words) == table
    assert table_to_int(words.view(np.int64)) == table
    bits = table_bits(words[None, :], n)[0]
    assert bits.tolist() == [(table >> m) & 1 for m in range(1 << n)]
    assert bits_to_int(bits) == table
    assert int_to_bits(table, n).tolist() == bits.tolist()


def test_words_put_minterm_m_in_bit_m_of_the_int():
    assert int_to_words(1 << 64 | 5, 2).tolist() == [5, 1]
    assert tables_to_ints(np.array([[5, 1], [0, 2**63]], dtype=np.uint64)) == [1 << 64 | 5,
                                                                               1 << 127]


def test_a_table_too_wide_for_its_words_is_an_error():
    with pytest.raises(CircuitlabError, match="does not fit"):
        int_to_words(1 << 64, 1)
    with pytest.raises(CircuitlabError, match="does not fit"):
        int_to_words(-1, 1)


def test_mask_clears_the_bits_above_two_to_the_n():
    t = np.full((2, 1), 2**64 - 1, dtype=np.uint64)
    assert mask_tables(t, 3) is t and t.tolist() == [[0xFF], [0xFF]]
    wide = np.full((1, 2), 2**64 - 1, dtype=np.uint64)
    assert mask_tables(wide, 7).tolist() == [[2**64 - 1, 2**64 - 1]]
    assert [table_mask(n) for n in range(4)] == [1, 3, 15, 255]


def test_projections_are_the_input_truth_tables():
    for n in (0, 1, 3, 7):
        b = AigBuilder()
        for lit in b.add_inputs(n):
            b.add_output(lit)
        assert projections(n) == tables_to_ints(truth_tables(b.build()))
    assert projections(2) == [0b1010, 0b1100]


def test_truth_tables_over_a_wider_minterm_space_ignore_the_extra_inputs():
    b = AigBuilder()
    x, y = b.add_inputs(2)
    b.add_output(b.and_(x, y ^ 1))
    aig = b.build()
    narrow = tables_to_ints(truth_tables(aig))[0]
    wide = tables_to_ints(truth_tables(aig, num_inputs=7))[0]
    assert narrow == 0b0010
    assert wide == int("0010" * 32, 2)
    with pytest.raises(CircuitlabError, match="cannot hold"):
        truth_tables(aig, num_inputs=1)
