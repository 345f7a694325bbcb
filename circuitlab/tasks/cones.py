"""One-gate mutations of cones: the hard negatives of the logic-equivalence task.

The task (:mod:`circuitlab.tasks.equivalence`) pairs the cone of a node in
one optimised version of a design with the cone of a node in another, both
put on the same leaf set by :func:`circuitlab.aig.cones.extract_cone`; a
mutated cone is a pair that usually differs.
"""

from __future__ import annotations

import numpy as np

from circuitlab.aig import Aig, strash
from circuitlab.errors import CircuitlabError

__all__ = ["mutate_gate"]


def mutate_gate(aig: Aig, rng: np.random.Generator) -> tuple[Aig, str]:
    """``aig`` with one AND changed: one fan-in complemented ("invert") or
    replaced by another earlier variable ("rewire"), chosen by ``rng``.

    The result keeps the inputs and outputs of ``aig`` (so it pairs with the
    same circuits by position) and is strashed (dangling ANDs removed). It
    is usually, not always, a different function: callers prove it.

    Returns:
        ``(mutated, kind)`` with kind ``"invert"`` or ``"rewire"``.

    Raises:
        CircuitlabError: ``aig`` has no AND node.
    """
    if not aig.num_ands:
        raise CircuitlabError("an AIG without AND nodes has no gate to mutate")
    ands = np.array(aig.ands)
    k = int(rng.integers(aig.num_ands))
    side = int(rng.integers(2))
    var = aig.first_and_var + k
    old = int(ands[k, side])
    kind = "invert" if var <= 2 or rng.random() < 0.5 else "rewire"
    if kind == "invert":
        ands[k, side] = old ^ 1
    else:
        # another variable before this AND (constants excluded), random polarity
        choices = [v for v in range(1, var) if v != old >> 1 and v != int(ands[k, 1 - side]) >> 1]
        if not choices:
            ands[k, side] = old ^ 1
            kind = "invert"
        else:
            ands[k, side] = 2 * int(rng.choice(choices)) + int(rng.integers(2))
    mutated = Aig(aig.num_inputs, ands, aig.outputs, input_names=aig.input_names,
                  output_names=aig.output_names)
    return strash(mutated), kind
