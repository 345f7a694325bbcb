import random

import numpy as np
import torch

from circuitlab.training.seeding import seed_everything, seed_step, step_seed

P = 1_000_003


def test_step_seeds_fold_their_keys_as_the_trainers_did():
    assert step_seed(7, 3) == 7 * P + 3  # transformer: (seed, step)
    assert step_seed(7, 1, 3) == (7 * P + 1) * P + 3  # pretrain: (seed, rank, step)
    assert step_seed(7, 0, 3) != step_seed(7, 1, 3) != step_seed(7, 0, 4)


def draws():
    return random.random(), float(np.random.rand()), float(torch.rand(()))


def test_seed_everything_repeats_every_generator():
    seed_everything(11)
    first = draws()
    seed_everything(11)
    assert draws() == first
    seed_everything(12)
    assert draws() != first


def test_seed_step_seeds_torch_and_the_generator():
    gen = torch.Generator()
    seed_step(5, gen)
    a = (torch.rand(3), torch.rand(3, generator=gen))
    seed_step(5, gen)
    b = (torch.rand(3), torch.rand(3, generator=gen))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_the_generator_states_come_back():
    from circuitlab.training.seeding import rng_state, set_rng_state
    torch.manual_seed(1)
    state = rng_state()
    first = torch.rand(4)
    torch.rand(7)
    set_rng_state(state)
    assert torch.equal(torch.rand(4), first)
