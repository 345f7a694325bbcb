"""Input symmetries of target functions, used to split exact synthesis.

Every AIG has a gate whose fan-ins are both inputs, and that gate can go
first in topological order, so "``r`` gates suffice" splits into one case
per first gate: a normal AND-type function of two inputs. When permuting
and negating the inputs maps every target to itself or its complement, it
maps a circuit whose first gate is ``g`` to one whose first gate is the
image of ``g``, so only one first gate per orbit needs a case.
"""

from __future__ import annotations

import numpy as np

from circuitlab.exact.npn import transform_sources


def _normal(rows: np.ndarray) -> np.ndarray:
    """Rows complemented where they are 1 on minterm 0."""
    return rows ^ rows[..., :1]


def stabilizer(targets: np.ndarray) -> np.ndarray:
    """Input transforms that map every target to itself or its complement.

    Shapes:
        targets: ``[O, 2^n]`` 0/1 rows, each 0 on minterm 0; returns the
        transforms' rows of :func:`~circuitlab.exact.npn.transform_sources`,
        ``[S, 2^n]``, the identity among them.
    """
    n = targets.shape[1].bit_length() - 1
    sources = transform_sources(n)
    moved = _normal(targets[:, sources])                      # [O, T, 2^n]
    keep = (moved == targets[:, None, :]).all(axis=2).all(axis=0)
    return sources[keep]


def two_input_gates(num_inputs: int) -> np.ndarray:
    """Every normal AND-type function of two distinct inputs, in ascending order.

    Shapes:
        returns ``[4 * C(n, 2), 2^n]`` uint8.
    """
    minterms = np.arange(1 << num_inputs)
    x = [((minterms >> i) & 1).astype(np.uint8) for i in range(num_inputs)]
    rows = {tuple(_normal((x[j] ^ a) & (x[k] ^ b)).tolist())
            for k in range(num_inputs) for j in range(k) for a in (0, 1) for b in (0, 1)}
    ordered = sorted(rows, key=lambda row: row[::-1])
    return np.array(ordered, dtype=np.uint8).reshape(-1, 1 << num_inputs)


def first_gate_orbits(targets: np.ndarray) -> np.ndarray:
    """One first gate per orbit of :func:`two_input_gates` under the targets' stabilizer.

    Shapes:
        targets: ``[O, 2^n]`` normal rows; returns ``[G, 2^n]`` uint8.
    """
    n = targets.shape[1].bit_length() - 1
    gates = two_input_gates(n)
    images = _normal(gates[:, stabilizer(targets)])           # [G, S, 2^n]
    index = {row.tobytes(): k for k, row in enumerate(gates)}
    seen = np.zeros(len(gates), dtype=bool)
    keep = []
    for k in range(len(gates)):
        if not seen[k]:
            keep.append(k)
            for image in images[k]:
                seen[index[image.tobytes()]] = True
    return gates[keep]
