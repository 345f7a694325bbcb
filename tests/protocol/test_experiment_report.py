import json
import math

import pytest

from circuitlab.cli import main
from circuitlab.protocol.report import design_tables, render, task_table
from circuitlab.protocol.runner import FORMAT

T2 = 4.302652730  # t(0.975, 2)
CONFIG = {"seeds": [0, 1, 2], "quick": False, "train": ["a1"], "test": ["d1", "d2"],
          "encoders": [{"name": "rand", "kind": "random", "config": None},
                       {"name": "mgm", "kind": "pretrain", "config": None}],
          "tasks": {"fake": {}}}


def line(seed, encoder, model, base, status="ok", digest="h1"):
    """A results line whose rows are two designs with ``model`` / ``base`` values."""
    rows = [{"design": d, "model": {"acc": m}, "baseline": {"acc": b}}
            for d, m, b in zip(("d1", "d2"), model, base)]
    return {"format": FORMAT, "config_hash": digest, "git_revision": "abc1234",
            "config": CONFIG, "seed": seed, "encoder": encoder, "encoder_info": {},
            "task": "fake", "status": status,
            "error": None if status == "ok" else "RuntimeError: boom",
            "metrics": {"acc": sum(model) / 2} if status == "ok" else {},
            "baseline": {"acc": sum(base) / 2} if status == "ok" else {},
            "rows": rows if status == "ok" else [], "info": {}, "wall_s": 1.0}


LINES = [line(0, "rand", (0.1, 0.3), (0.0, 0.2)), line(0, "mgm", (0.5, 0.7), (0.0, 0.2)),
         line(1, "rand", (0.2, 0.4), (0.1, 0.1)), line(1, "mgm", (0.6, 0.6), (0.1, 0.1)),
         line(2, "rand", (0.3, 0.5), (0.2, 0.6)), line(2, "mgm", (0.7, 0.9), (0.2, 0.6)),
         line(2, "mgm", (0, 0), (0, 0), status="error")]


def _by_key(lines):
    return {(r["seed"], r["encoder"], r["task"]): r for r in lines if r["status"] == "ok"}


def test_means_and_intervals_come_from_the_rows():
    metrics, table = task_table(_by_key(LINES), "fake", ["rand", "mgm"])
    assert metrics == ["acc"]
    rand = table["rand"]["acc"]  # per seed 0.2, 0.3, 0.4: mean 0.3, s = 0.1
    assert (rand.n, rand.mean) == (3, pytest.approx(0.3))
    assert rand.half == pytest.approx(T2 * 0.1 / math.sqrt(3))
    assert table["mgm"]["acc"].mean == pytest.approx((0.6 + 0.6 + 0.8) / 3)
    base = table["baseline"]["acc"]  # per seed 0.1, 0.1, 0.4
    assert (base.n, base.mean) == (3, pytest.approx(0.2))
    per = design_tables(_by_key(LINES), "fake", ["rand", "mgm"])["acc"]
    assert per["d2"]["mgm"].mean == pytest.approx((0.7 + 0.6 + 0.9) / 3)
    assert per["d1"]["baseline"].mean == pytest.approx(0.1)
    assert per["d1"]["baseline"].half == pytest.approx(T2 * 0.1 / math.sqrt(3))


def test_the_markdown_shows_mean_interval_and_n():
    text = render(LINES, "r.jsonl")
    assert f"| rand | 3 | 0.3 ± {T2 * 0.1 / math.sqrt(3):.2g} |" in text
    assert "| baseline | 3 | 0.2 ±" in text
    assert "| d1 | 0.2 ± 0.25 | 0.6 ± 0.25 | 0.1 ± 0.25 |" in text
    assert "## Failed cells" not in text  # the failed cell succeeded later


def test_a_failed_cell_without_a_success_is_listed_and_left_out():
    lines = LINES[:4] + [line(2, "rand", (0, 0), (0, 0), status="error")]
    text = render(lines, "r.jsonl")
    assert "| 2 | rand | fake | RuntimeError: boom |" in text
    assert "| rand | 2 | 0.25 ± " in text


def test_a_metric_with_fewer_seeds_than_its_row_shows_its_n():
    lines = [dict(r, metrics=dict(r["metrics"])) for r in LINES]
    for k, auc in ((0, 0.5), (2, 0.7), (4, float("nan"))):
        lines[k]["metrics"]["auc"] = auc
    text = render(lines, "r.jsonl")
    assert "| encoder | n | acc | auc |" in text
    assert f"| rand | 3 | 0.3 ± 0.25 | 0.6 ± {12.706204736 * 0.1:.2g} (n=2) |" in text
    assert f"| baseline | 3 | 0.2 ± {T2 * 0.1:.2g} | n/a |" in text  # s = sqrt(0.03)


def test_only_one_config_is_reported():
    other = [line(s, "rand", (9, 9), (9, 9), digest="h0") for s in range(3)]
    text = render(other + LINES, "r.jsonl")
    assert "config h1" in text and "(3 of others left out)" in text and "| 9" not in text
    assert "| rand | 3 | 9 ± 0 |" in render(other + LINES, "r.jsonl", "h0")


def test_the_command_writes_the_same_report_twice(tmp_path, capsys):
    results = tmp_path / "r.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in LINES))
    assert main(["experiment", "report", str(results), "-o", str(tmp_path / "a")]) == 0
    assert main(["experiment", "report", str(results), "-o", str(tmp_path / "b")]) == 0
    a, b = (tmp_path / "a" / "report.md").read_text(), (tmp_path / "b" / "report.md").read_text()
    assert a == b == render(LINES, "r.jsonl")
    assert (tmp_path / "a" / "fake.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_report_of_no_file_is_one_line(tmp_path, capsys):
    status = main(["experiment", "report", str(tmp_path / "none.jsonl"), "-o", str(tmp_path)])
    assert status == 2
    assert capsys.readouterr().err == (f"circuitlab experiment: error: {tmp_path / 'none.jsonl'}"
                                       ": no such results file\n")


def test_a_line_that_is_not_json_names_the_file_and_line(tmp_path, capsys):
    results = tmp_path / "r.jsonl"
    results.write_text(json.dumps(LINES[0]) + "\n{oops\n")
    assert main(["experiment", "report", str(results), "-o", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.endswith(f"{results}:2: not a JSON line\n")
    assert not (tmp_path / "o" / "report.md").exists()


def test_equal_values_have_an_interval_of_zero_not_rounding_noise():
    from circuitlab.protocol.report import fmt
    from circuitlab.protocol.stats import summarise
    assert fmt(summarise([0.1 + 0.2, 0.3, 0.3]), 3) == "0.3 ± 0"


def test_a_ranking_task_shows_its_random_order_row():
    lines = [dict(r, info={"random_order": {"acc": 0.25}}) for r in LINES]
    metrics, table = task_table(_by_key(lines), "fake", ["rand", "mgm"])
    assert list(table) == ["rand", "mgm", "baseline", "random order"]
    assert table["random order"]["acc"].mean == pytest.approx(0.25)
    assert "| random order | 3 | 0.25 ± 0 |" in render(lines, "r.jsonl")
    assert "random order" not in task_table(_by_key(LINES), "fake", ["rand", "mgm"])[1]
