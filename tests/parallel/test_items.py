"""The per-item builder: resume, skipped failures, same results with 1 and 2 workers."""

from __future__ import annotations

import pytest

from circuitlab.parallel import BuildOptions, Item, run_items
from circuitlab.errors import ParamError


def square(n: int) -> bytes:
    if n < 0:
        raise ValueError(f"negative\ninput {n}")
    return str(n * n).encode()


def items(values):
    return [Item(f"n{v}", f"k{v}", v) for v in values]


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_written_and_reused(tmp_path, jobs):
    opts = BuildOptions(jobs=jobs, progress=False)
    report = run_items(square, items([1, 2, 3]), tmp_path, ".out", opts)
    assert sorted(report.computed) == ["n1", "n2", "n3"] and report.reused == []
    assert (tmp_path / "k3.out").read_bytes() == b"9"
    again = run_items(square, items([1, 2, 3]), tmp_path, ".out", opts)
    assert again.computed == [] and sorted(again.reused) == ["n1", "n2", "n3"]


def test_resume_recomputes_only_the_missing_item(tmp_path):
    opts = BuildOptions(jobs=2, progress=False)
    run_items(square, items([1, 2, 3]), tmp_path, ".out", opts)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    (tmp_path / "k2.out").unlink()
    report = run_items(square, items([1, 2, 3]), tmp_path, ".out", opts)
    assert report.computed == ["n2"]
    assert (tmp_path / "k2.out").read_bytes() == b"4"
    for name in ("k1.out", "k3.out"):
        assert (tmp_path / name).stat().st_mtime_ns == before[name]


@pytest.mark.parametrize("jobs", [1, 2])
def test_failure_skipped_with_one_line_reason(tmp_path, capsys, jobs):
    report = run_items(square, items([4, -1]), tmp_path, ".out",
                       BuildOptions(jobs=jobs, progress=False))
    assert report.computed == ["n4"]
    assert report.failed == [("n-1", "ValueError: negative input -1")]
    assert not (tmp_path / "k-1.out").exists()
    err = capsys.readouterr().err
    assert err == "skipped n-1: ValueError: negative input -1\n"


def test_lazy_payload_is_called_only_for_computed_items(tmp_path):
    calls = []

    def make(v):
        def payload():
            calls.append(v)
            return v
        return payload
    opts = BuildOptions(jobs=1, progress=False)
    run_items(square, [Item("a", "a", make(2))], tmp_path, ".out", opts)
    run_items(square, [Item("a", "a", make(2)), Item("b", "b", make(5))], tmp_path, ".out", opts)
    assert calls == [2, 5]


def test_jobs_must_be_positive():
    with pytest.raises(ParamError, match="jobs"):
        BuildOptions(jobs=0)
