"""Small circuits built by hand for the QoR tests: a few dozen ANDs, redundant enough
that synthesis recipes shrink them."""

from circuitlab.aig import Aig, AigBuilder


def adder(bits: int, redundant: bool) -> Aig:
    """A ripple-carry adder; ``redundant`` builds each carry twice over (majority and
    a sum of products), so rewriting has something to remove."""
    b = AigBuilder()
    xs, ys = b.add_inputs(bits, "a"), b.add_inputs(bits, "b")
    carry = b.add_input("cin")
    for k in range(bits):
        b.add_output(b.xor(b.xor(xs[k], ys[k]), carry), f"s{k}")
        if redundant:
            carry = b.or_many([b.and_(xs[k], ys[k]), b.and_(xs[k], carry),
                               b.and_(ys[k], carry)])
        else:
            carry = b.maj(xs[k], ys[k], carry)
    b.add_output(carry, "cout")
    return b.build()


def mux_tree(select: int) -> Aig:
    b = AigBuilder()
    sel = b.add_inputs(select, "s")
    data = b.add_inputs(1 << select, "d")
    level = data
    for s in sel:
        level = [b.mux(s, level[2 * k + 1], level[2 * k]) for k in range(len(level) // 2)]
    b.add_output(level[0], "y")
    b.add_output(b.xor(level[0], b.and_many(sel)), "z")
    return b.build()
