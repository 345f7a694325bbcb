"""Random small circuits for the transformer tests (plain ``random``, seeded)."""

from __future__ import annotations

import random

from circuitlab.aig import Aig, AigBuilder


def random_small_aig(rng: random.Random, num_inputs: int = 8, num_ands: int = 20,
                     num_outputs: int = 2) -> Aig:
    """A random AIG whose outputs are among its last few nodes (so mostly non-trivial)."""
    b = AigBuilder()
    pool = b.add_inputs(num_inputs)
    for _ in range(num_ands):
        x, y = rng.choice(pool[-12:]), rng.choice(pool)
        pool.append(b.and_(x ^ rng.randint(0, 1), y ^ rng.randint(0, 1)))
    for _ in range(num_outputs):
        b.add_output(pool[-1 - rng.randint(0, 3)] ^ rng.randint(0, 1))
    return b.build()


def random_batch(seed: int, count: int, **kwargs) -> list[Aig]:
    rng = random.Random(seed)
    return [random_small_aig(rng, num_ands=rng.randint(4, 30), **kwargs) for _ in range(count)]
