"""The report's rows for tasks with several named baselines and a random-order value."""

import pytest

from circuitlab.protocol.report import render, task_table
from circuitlab.protocol.runner import FORMAT

CONFIG = {"seeds": [0, 1], "quick": False, "train": ["a1"], "test": ["d1", "d2"],
          "encoders": [{"name": "shipped", "kind": "shipped", "config": None},
                       {"name": "random", "kind": "random", "config": None}],
          "tasks": {"retrieval": {}}}


def line(seed, encoder, top1, sizes, sig):
    return {"format": FORMAT, "config_hash": "h", "git_revision": "abc", "config": CONFIG,
            "seed": seed, "encoder": encoder, "encoder_info": {}, "task": "retrieval",
            "status": "ok", "error": None, "metrics": {"top1": top1},
            "baseline": {"top1": sizes},
            "rows": [{"design": "d1", "model": {"top1": top1}, "baseline": {"top1": sizes}}],
            "info": {"baselines": {"size counts": {"top1": sizes},
                                   "simulation signature": {"top1": sig}},
                     "random_order": {"top1": 0.5}}, "wall_s": 1.0}


LINES = [line(0, "shipped", 0.6, 0.8, 1.0), line(0, "random", 0.5, 0.8, 1.0),
         line(1, "shipped", 0.7, 0.6, 0.9), line(1, "random", 0.4, 0.6, 0.9)]


def test_each_named_baseline_and_the_random_order_get_a_row():
    lines = {(r["seed"], r["encoder"], r["task"]): r for r in LINES}
    metrics, table = task_table(lines, "retrieval", ["shipped", "random"])
    assert list(table) == ["shipped", "random", "size counts", "simulation signature",
                           "random order"]
    assert table["size counts"]["top1"].mean == pytest.approx(0.7)
    assert table["simulation signature"]["top1"].mean == pytest.approx(0.95)
    assert table["random order"]["top1"].mean == pytest.approx(0.5)
    assert "baseline" not in table
    text = render(LINES, "r.jsonl")
    assert "| simulation signature | 2 | 0.95 ±" in text
    assert "| random order | 2 | 0.5 ± 0 |" in text


def test_a_mean_that_is_zero_up_to_rounding_prints_as_zero():
    from circuitlab.protocol.report import fmt
    from circuitlab.protocol.stats import summarise
    assert fmt(summarise([-4.3e-18]), 1) == "0"
    assert fmt(summarise([1e-18, -1e-18, 0.0]), 3) == "0 ± 0"
    assert fmt(summarise([0.25]), 1) == "0.25"
