import math

import pytest

from circuitlab.training.schedule import warmup_cosine


def test_warmup_ramps_to_one_then_the_cosine_falls_to_the_floor():
    factors = [warmup_cosine(s, 10, 100, 0.25) for s in range(121)]
    assert factors[0] == pytest.approx(0.1) and factors[9] == pytest.approx(1.0)
    assert factors[10] == pytest.approx(1.0)
    assert factors[55] == pytest.approx(0.25 + 0.75 * 0.5)  # half way down
    assert factors[100] == pytest.approx(0.25) and factors[120] == pytest.approx(0.25)
    assert all(x >= y for x, y in zip(factors[10:], factors[11:]))


def test_no_warmup_starts_at_the_peak():
    assert warmup_cosine(0, 0, 50, 0.0) == 1.0
    assert warmup_cosine(50, 0, 50, 0.0) == pytest.approx(0.0)


def test_the_transformers_old_hard_coded_floor_is_the_default():
    from circuitlab.transformer.train import TrainConfig, _lr
    cfg = TrainConfig(lr=5e-4, warmup=20, steps=200)
    for step in (0, 19, 20, 77, 199, 250):
        frac = min(1.0, (step - 20) / 180)
        old = (5e-4 * (step + 1) / 20 if step < 20
               else 5e-4 * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac))))
        assert _lr(cfg, step) == pytest.approx(old, rel=1e-12)
