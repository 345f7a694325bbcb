import json
import shutil

import numpy as np
import pytest

from circuitlab import pipeline

from circuitlab.cli import main
from circuitlab.io import read_aiger
from circuitlab.nn import load_default_encoder
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.verify import check_equivalence


def test_pipeline_on_two_designs(tmp_path, capsys):
    designs = tmp_path / "designs"
    designs.mkdir()
    for name in ("mux8", "counter8"):
        shutil.copy(DEFAULT_DESIGNS / f"{name}.v", designs)
    out = tmp_path / "out"
    status = main(["pipeline", "--designs", str(designs), "--out", str(out), "--jobs", "1",
                   "--no-progress", "--window-seconds", "2"])
    text = capsys.readouterr().out
    assert status == 0, text
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["design"] for r in rows] == ["counter8", "mux8"]
    for r in rows:
        assert r["equivalent"] == "equivalent" and r["ands_opt"] <= r["ands"]
        before = read_aiger(out / f"{r['design']}.aig")
        after = read_aiger(out / f"{r['design']}.opt.aig")
        assert check_equivalence(before, after).equivalent
        assert r["win_equivalent"] == "equivalent" and r["ands_win"] <= r["ands_opt"]
        # How many windows fit in the 2 s budget depends on the machine's load;
        # that windows are tried and shrink circuits is tests/optimize's to check.
        assert isinstance(r["win_tried"], int) and r["win_tried"] >= 0
        rewritten = read_aiger(out / f"{r['design']}.win.aig")
        assert check_equivalence(before, rewritten).equivalent
        assert rewritten.num_latches == before.num_latches
    assert rows[0]["latches"] > 0  # the counter keeps its flip-flops
    assert "2 optimised and proven equivalent" in text
    saved = np.load(out / "embeddings.npz")
    assert list(saved["designs"]) == ["counter8", "mux8"]
    assert saved["graphs"].shape == (2, load_default_encoder().embedding_dim)
    assert list(saved["nearest"]) == ["mux8", "counter8"]
    assert "counter8 ~ mux8" in text


def test_a_rerun_skips_finished_designs_and_adds_no_rows(tmp_path, capsys, monkeypatch):
    designs = tmp_path / "designs"
    designs.mkdir()
    for name in ("mux8", "maj5"):
        shutil.copy(DEFAULT_DESIGNS / f"{name}.v", designs)
    out = tmp_path / "out"
    args = ["pipeline", "--designs", str(designs), "--out", str(out), "--jobs", "1",
            "--no-progress", "--no-transformer", "--no-qor"]
    assert main(args) == 0
    first = (out / "results.jsonl").read_text()
    assert [json.loads(line)["design"] for line in first.splitlines()] == ["maj5", "mux8"]

    def refuse(*args):
        raise AssertionError("a finished design ran again")

    monkeypatch.setattr(pipeline, "run_design", refuse)
    assert main(args) == 0
    assert (out / "results.jsonl").read_text() == first
    assert "2 designs, 2 optimised and proven equivalent" in capsys.readouterr().out
    monkeypatch.undo()
    # another recipe is another run: every design again, its rows appended
    assert main(args + ["--recipe", "balance"]) == 0
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [(r["design"], r["recipe"]) for r in rows] == [
        ("maj5", "resyn2"), ("mux8", "resyn2"), ("maj5", "balance"), ("mux8", "balance")]


def test_each_row_is_written_as_its_design_finishes(tmp_path, monkeypatch):
    designs = tmp_path / "designs"
    designs.mkdir()
    for name in ("maj5", "mux8"):
        shutil.copy(DEFAULT_DESIGNS / f"{name}.v", designs)
    out = tmp_path / "out"
    real = pipeline.run_design

    def interrupt_second(path, params):
        if path.stem == "mux8":
            raise KeyboardInterrupt
        return real(path, params)

    monkeypatch.setattr(pipeline, "run_design", interrupt_second)
    params = pipeline.PipelineParams(designs=designs, out=out, jobs=1, transformer=False,
                                     encoder=False, qor=False)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_pipeline(params, progress=False)
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["design"] for r in rows] == ["maj5"]
    monkeypatch.undo()
    done = pipeline.run_pipeline(params, progress=False)
    assert [r["design"] for r in done] == ["maj5", "mux8"]
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["design"] for r in rows] == ["maj5", "mux8"]


def test_pipeline_without_the_encoder_writes_no_embeddings(tmp_path, capsys):
    designs = tmp_path / "designs"
    designs.mkdir()
    shutil.copy(DEFAULT_DESIGNS / "mux8.v", designs)
    out = tmp_path / "out"
    assert main(["pipeline", "--designs", str(designs), "--out", str(out), "--jobs", "1",
                 "--no-progress", "--no-transformer", "--no-encoder"]) == 0
    assert not (out / "embeddings.npz").exists()
    assert "graph encoder" not in capsys.readouterr().out


def test_pipeline_reports_bad_design_and_fails(tmp_path, capsys):
    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "broken.v").write_text("module broken(input a, output y);\n  assign y = a &;\nendmodule\n")
    status = main(["pipeline", "--designs", str(designs), "--out", str(tmp_path / "o"),
                   "--jobs", "1", "--no-progress", "--no-transformer"])
    out = capsys.readouterr().out
    assert status == 1
    assert "broken:" in out and "broken.v" in out


def test_pipeline_missing_folder_is_a_user_error(tmp_path, capsys):
    assert main(["pipeline", "--designs", str(tmp_path / "none")]) == 2
    assert "no such design folder" in capsys.readouterr().err


def test_pipeline_bad_recipe_fails_before_any_work(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["pipeline", "--recipe", "nonsense", "--out", str(out)]) == 2
    assert "unknown recipe step 'nonsense'" in capsys.readouterr().err
    assert not out.exists()
