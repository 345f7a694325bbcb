"""Hypothesis strategies shared by the test suite.

Import as ``from strategies import random_aigs`` (``tests/`` on ``sys.path``).
"""

from __future__ import annotations

from typing import Sequence

from hypothesis import strategies as st

from circuitlab.aig import FALSE, Aig, AigBuilder


@st.composite
def random_aigs(draw, max_inputs: int = 8, max_ands: int = 40, max_outputs: int = 4, *,
                min_inputs: int = 0, min_outputs: int = 1, latches: bool = False,
                max_latches: int = 3, latch_inits: Sequence[int] = (0, 1, 2),
                constants: bool = True) -> Aig:
    """Random AIGs built through :class:`AigBuilder` (so strashed and folded).

    Each AND picks two earlier signals (inputs, latch outputs, earlier ANDs,
    and constant false when ``constants``) with random complements; strashing
    and folding may make ``num_ands`` smaller than drawn. Outputs and latch
    next states are random signals, so some ANDs may dangle. Names are the
    builder defaults ``i<k>``, ``l<k>``, ``o<k>``.

    Args:
        max_inputs, min_inputs: range of the input count.
        max_ands: most AND gates attempted.
        max_outputs, min_outputs: range of the output count.
        latches: draw up to ``max_latches`` latches with reset values from
            ``latch_inits`` (0, 1, 2 = uninitialised).
        constants: let fan-ins and outputs be constant.
    """
    b = AigBuilder()
    pool = [FALSE] if constants else []
    pool += b.add_inputs(draw(st.integers(min_inputs, max_inputs)))
    latch_lits = []
    if latches:
        for _ in range(draw(st.integers(0, max_latches))):
            latch_lits.append(b.add_latch(init=draw(st.sampled_from(tuple(latch_inits)))))
    pool += latch_lits
    if not pool:
        pool = [FALSE]

    def signal() -> int:
        return draw(st.sampled_from(pool)) ^ draw(st.integers(0, 1))

    for _ in range(draw(st.integers(0, max_ands))):
        lit = b.and_(signal(), signal())
        if lit >> 1 not in {x >> 1 for x in pool}:
            pool.append(lit)
    for lat in latch_lits:
        b.set_latch_next(lat, signal())
    for _ in range(draw(st.integers(min_outputs, max(min_outputs, max_outputs)))):
        b.add_output(signal())
    return b.build()
