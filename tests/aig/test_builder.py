import pytest

from circuitlab.aig import FALSE, TRUE, Aig, AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.sim import table_bits, truth_tables


def test_trivial_cases_fold_without_nodes():
    b = AigBuilder()
    a, c = b.add_inputs(2)
    assert b.and_(a, a) == a
    assert b.and_(a, a ^ 1) == FALSE
    assert b.and_(a, TRUE) == a
    assert b.and_(FALSE, a) == FALSE
    assert b.num_ands == 0
    n1 = b.and_(a, c)
    assert b.and_(c, a) == n1  # structural hashing is order-independent
    assert b.num_ands == 1


def test_build_puts_inputs_first_and_ands_in_order():
    b = AigBuilder()
    x = b.add_input("x")
    g = b.and_(x, x ^ 1 ^ 1)  # folds to x
    y = b.add_input("y")  # created after a gate was attempted
    n = b.and_(x, y)
    z = b.add_input("z")
    m = b.and_(n, z ^ 1)
    b.add_output(m, "f")
    aig = b.build()
    assert g == x
    assert aig.num_inputs == 3 and aig.num_ands == 2
    assert aig.input_names == ("x", "y", "z")
    assert aig.ands.tolist() == [[4, 2], [8, 7]]  # AIGER order: rhs0 >= rhs1
    assert aig.outputs.tolist() == [10]


def test_xor_mux_maj_functions():
    b = AigBuilder()
    s, t, e = b.add_inputs(3)
    b.add_output(b.xor(s, t))
    b.add_output(b.mux(s, t, e))
    b.add_output(b.maj(s, t, e))
    b.add_output(b.or_many([s, t, e]))
    bits = table_bits(truth_tables(b.build()), 3)
    for m in range(8):
        sv, tv, ev = m & 1, (m >> 1) & 1, (m >> 2) & 1
        assert bits[:, m].tolist() == [sv ^ tv, tv if sv else ev,
                                       int(sv + tv + ev >= 2), int(sv | tv | ev)]


def test_xor_costs_three_ands():
    b = AigBuilder()
    b.add_output(b.xor(*b.add_inputs(2)))
    assert b.build().num_ands == 3


def test_latches_numbered_after_inputs():
    b = AigBuilder()
    q = b.add_latch("q", init=1)
    d = b.add_input("d")
    b.set_latch_next(q, b.xor(q, d))
    b.add_output(q, "out")
    aig = b.build()
    assert aig.num_inputs == 1 and aig.num_latches == 1
    assert aig.latches[0, 1] == 1
    comb = aig.cut_latches()
    assert comb.num_inputs == 2 and comb.num_outputs == 2
    assert comb.input_names == ("d", "q") and comb.output_names == ("out", "q_next")


def test_restore_latches_inverts_cut_latches():
    b = AigBuilder()
    q = b.add_latch("q", init=2)
    d = b.add_input("d")
    b.set_latch_next(q, b.xor(q, d))
    b.add_output(b.and_(q, d), "out")
    aig = b.build(comments=["seq"])
    back = aig.restore_latches(aig.cut_latches())
    assert back.structurally_equal(aig)
    assert (back.input_names, back.output_names, back.latch_names) == (("d",), ("out",), ("q",))
    assert back.latches[0, 1] == 2 and back.comments == aig.comments
    comb = AigBuilder()
    x = comb.add_input()
    comb.add_output(x)
    with pytest.raises(CircuitlabError, match="expected 2/2"):
        aig.restore_latches(comb.build())


def test_missing_latch_next_is_an_error():
    b = AigBuilder()
    b.add_latch()
    with pytest.raises(CircuitlabError, match="next-state"):
        b.build()


def test_aig_is_frozen_and_checked():
    aig = Aig(2, [[4, 2]], [6])
    with pytest.raises(ValueError):
        aig.ands[0, 0] = 0
    with pytest.raises(CircuitlabError, match="not defined before"):
        Aig(2, [[8, 2]], [6])
    with pytest.raises(CircuitlabError, match="beyond the last variable"):
        Aig(2, [[4, 2]], [9])
    with pytest.raises(CircuitlabError, match="names"):
        Aig(2, [[4, 2]], [6], input_names=["a"])


def test_derived_facts_are_computed_once_per_circuit():
    b = AigBuilder()
    x, y = b.add_inputs(2)
    b.add_output(b.and_(x, y))
    aig, other = b.build(), b.build()
    calls = []

    def count(a):
        calls.append(a)
        return a.num_ands

    assert aig.derived("n", count) == 1 and aig.derived("n", count) == 1
    assert other.derived("n", count) == 1
    assert calls == [aig, other]
