"""AIG graphs for the encoder tests (plain ``random``, seeded).

Import as ``from encoder_inputs import ...`` (pytest puts ``tests/nn`` on ``sys.path``).
"""

from __future__ import annotations

import random

from torch_geometric.data import Batch

from circuitlab.aig import FALSE, Aig, AigBuilder
from circuitlab.data import AigData, to_pyg


def random_aig(rng: random.Random, num_inputs: int = 5, num_ands: int = 25,
               num_outputs: int = 3, num_latches: int = 0) -> Aig:
    """A random AIG: each AND reads two earlier signals (the constant too),
    complemented at random; outputs and latch next states are random signals."""
    b = AigBuilder()
    pool = [FALSE] + b.add_inputs(num_inputs)
    latches = [b.add_latch(init=rng.randint(0, 2)) for _ in range(num_latches)]
    pool += latches

    def signal() -> int:
        return rng.choice(pool) ^ rng.randint(0, 1)

    for _ in range(num_ands):
        lit = b.and_(signal(), signal())
        if lit >> 1 not in {x >> 1 for x in pool}:
            pool.append(lit)
    for lat in latches:
        b.set_latch_next(lat, signal())
    for _ in range(num_outputs):
        b.add_output(signal())
    return b.build()


def three_aigs() -> list[Aig]:
    """Three AIGs of different sizes: combinational, constants only, sequential."""
    rng = random.Random(3)
    return [random_aig(rng, num_inputs=4, num_ands=12),
            Aig(0, [], [0, 1]),
            random_aig(rng, num_inputs=3, num_ands=20, num_outputs=2, num_latches=2)]


def three_graphs(encoding: str) -> list[AigData]:
    return [to_pyg(a, encoding) for a in three_aigs()]


def batch_of(graphs: list[AigData]) -> Batch:
    return Batch.from_data_list(graphs)
