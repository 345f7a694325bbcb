"""More training pairs from each pair: its inputs permuted and negated, its outputs permuted.

The function of a pair's source changes under such a relabelling, its
label changes alike, so the new pair is again a source and an equivalent
circuit of the label's size. A model that memorises its pairs sees each
of them under many names. Never imports torch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from circuitlab.aig import Aig, relabel
from circuitlab.transformer.data.dataset import function_key

__all__ = ["relabelled_pairs"]


def relabelled_pairs(pairs: Sequence[tuple[Aig, Aig]], copies: int, seed: int = 0,
                     banned: Iterable[bytes] = ()) -> list[tuple[Aig, Aig]]:
    """``copies`` relabelled versions of each pair, seeded, in order.

    Each copy draws a uniform input permutation, each input's negation
    with probability 1/2 and an output permutation, and applies them to the
    source and the label. A copy whose source function is in ``banned``
    (:func:`~circuitlab.transformer.data.dataset.function_key` digests, for
    example held-out benchmark functions) is left out; the originals are
    not returned.
    """
    rng = np.random.default_rng(seed)
    banned = set(banned)
    out = []
    for src, lab in pairs:
        n, o = src.num_inputs, src.num_outputs
        for _ in range(copies):
            args = (rng.permutation(n), rng.random(n) < 0.5, rng.permutation(o))
            moved = relabel(src, *args)
            if banned and function_key(moved) in banned:
                continue
            out.append((moved, relabel(lab, *args)))
    return out
