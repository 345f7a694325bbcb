import json
import shutil

import pytest
from experiment_fixtures import CALLS, CONFIG, TEST, write_config

from circuitlab.cli import main
from circuitlab.protocol import load_config, read_lines, run_experiment
from circuitlab.protocol.designs import load_design


@pytest.fixture(scope="module")
def synthesised(tmp_path_factory):
    """A cache holding the designs' AIGs: each design is synthesised once per module."""
    folder = tmp_path_factory.mktemp("aigs")
    config = load_config(write_config(folder), cache=folder / "cache")
    for source in (*config.train, *config.test):
        load_design(source, config.cache)
    return config.cache


@pytest.fixture
def cache(tmp_path, synthesised):
    """A fresh cache (no encoder yet) with the synthesised AIGs."""
    shutil.copytree(synthesised, tmp_path / "cache")
    return tmp_path / "cache"


def _run(folder, cache, text=CONFIG, **kw):
    config = load_config(write_config(folder, text), cache=cache, **kw)
    return config, run_experiment(config, log=lambda line: None)


def test_one_line_per_seed_encoder_and_task(tmp_path, cache):
    config, summary = _run(tmp_path, cache)
    assert (summary.ok, summary.failed, summary.skipped) == (6, 0, 0)
    lines = read_lines(config.results)
    assert [(r["seed"], r["encoder"], r["task"]) for r in lines] == [
        (s, e, "fake") for s in (0, 1, 2) for e in ("random", "mgm")]
    for r in lines:
        assert r["status"] == "ok" and r["error"] is None
        assert r["config_hash"] == config.config_hash()
        assert r["config"] == config.to_dict()
        assert r["git_revision"]
        assert [row["design"] for row in r["rows"]] == TEST
        assert r["metrics"]["mean"] == pytest.approx(
            sum(row["model"]["mean"] for row in r["rows"]) / len(TEST))
        assert r["info"] == {"train": 2}
        assert r["wall_s"] >= 0 and r["cpu_s"] >= 0
    by = {(r["seed"], r["encoder"]): r for r in lines}
    assert by[0, "random"]["encoder_info"]["source"] == "random"
    assert by[0, "mgm"]["encoder_info"]["source"] == "trained"
    assert by[0, "mgm"]["encoder_info"]["pretrain_designs"] == ["maj5", "mux8"]
    assert by[0, "random"]["metrics"] != by[1, "random"]["metrics"]
    assert by[0, "random"]["metrics"] != by[0, "mgm"]["metrics"]
    assert by[0, "random"]["baseline"]["mean"] + 1 == by[1, "random"]["baseline"]["mean"]


def test_a_rerun_skips_what_is_done_and_resumes_a_cut_line(tmp_path, cache):
    config, _ = _run(tmp_path, cache)
    text = config.results.read_text()
    calls = len(CALLS)
    _, again = _run(tmp_path, cache)
    assert (again.ok, again.skipped) == (0, 6)
    assert len(CALLS) == calls and config.results.read_text() == text
    lines = text.splitlines(keepends=True)
    config.results.write_text("".join(lines[:-1]) + lines[-1][:40])  # killed mid-write
    _, resumed = _run(tmp_path, cache)
    assert (resumed.ok, resumed.skipped) == (1, 5)
    assert len(CALLS) == calls + 1
    after = read_lines(config.results)
    assert len(after) == 6
    assert after[-1]["metrics"] == json.loads(lines[-1])["metrics"]


def test_the_second_run_loads_the_pretrained_encoder_from_the_cache(tmp_path, cache):
    first, _ = _run(tmp_path, cache, results=tmp_path / "a.jsonl")
    second, _ = _run(tmp_path, cache, results=tmp_path / "b.jsonl")
    a = {(r["seed"], r["encoder"]): r for r in read_lines(first.results)}
    b = {(r["seed"], r["encoder"]): r for r in read_lines(second.results)}
    assert {r["encoder_info"]["source"] for k, r in b.items() if k[1] == "mgm"} == {"cache"}
    assert {r["encoder_info"]["source"] for k, r in a.items() if k[1] == "mgm"} == {"trained"}
    assert all(b[k]["metrics"] == a[k]["metrics"] for k in a)
    assert len(list((cache / "encoders").glob("mgm-s*.pt"))) == 3


def test_a_changed_config_runs_again(tmp_path, cache):
    _run(tmp_path, cache)
    config, summary = _run(tmp_path, cache, CONFIG.replace("scale = 2.0", "scale = 4.0"))
    assert summary.ok == 6
    assert len({r["config_hash"] for r in read_lines(config.results)}) == 2


def test_a_failing_cell_is_recorded_and_the_run_goes_on(tmp_path, cache, capsys):
    path = write_config(tmp_path, CONFIG.replace("scale = 2.0", "scale = 2.0\nfail_seed = 1"))
    status = main(["experiment", "run", str(path), "--cache", str(cache)])
    err = capsys.readouterr().err
    assert status == 1
    lines = read_lines(tmp_path / "exp.jsonl")
    assert [r["status"] for r in lines] == ["ok", "ok", "error", "error", "ok", "ok"]
    assert lines[2]["error"].startswith("RuntimeError at experiment_fixtures.py:")
    assert lines[2]["error"].endswith(": seed 1 fails on purpose")
    assert "[3/6] seed 1 random fake: FAILED: RuntimeError" in err
    assert "4 cells run, 2 failed, 0 already done" in err
    calls = len(CALLS)
    assert main(["experiment", "run", str(path), "--cache", str(cache)]) == 1
    assert len(CALLS) == calls + 2  # only the failed cells are tried again


def test_an_encoder_that_cannot_be_built_fails_its_cells_only(tmp_path, cache):
    text = CONFIG.replace("overrides = { steps = 3 }", "overrides = { steps = 3, node_budget = 5 }")
    config, summary = _run(tmp_path, cache, text)
    assert (summary.ok, summary.failed) == (3, 3)
    failed = [r for r in read_lines(config.results) if r["status"] == "error"]
    assert {r["encoder"] for r in failed} == {"mgm"}
    assert all(r["error"].startswith("encoder: ") and "node budget" in r["error"]
               for r in failed)


def test_a_functional_cell_pretrains_on_every_training_designs_views(tmp_path, cache):
    text = CONFIG.replace('overrides = { steps = 3 }',
                          'overrides = { steps = 3, method = "func", '
                          '"encoder.backbone" = "dag", "encoder.bidirectional" = true }')
    config, summary = _run(tmp_path, cache, text)
    assert summary.failed == 0
    line = next(r for r in read_lines(config.results) if r["encoder"] == "mgm")
    info = line["encoder_info"]
    assert info["source"] == "trained"
    assert info["pretrain_designs"] == ["maj5", "mux8"]  # every training design, text or not
    assert info["pretrain_graphs"] >= 2  # each design's whole view at least
    assert len(list((cache / "views").iterdir())) == 2 * 3  # per design and seed


def test_a_stream_cell_pretrains_on_the_built_corpus_and_keys_on_it(tmp_path, cache):
    from circuitlab.datasets.rtl_corpus import build_rtl_corpus
    from circuitlab.parallel import BuildOptions

    one = BuildOptions(jobs=1, progress=False)
    build_rtl_corpus(tmp_path / "corpus", count=3, seed=1, shard_size=2, options=one)
    text = CONFIG.replace('overrides = { steps = 3 }',
                          'overrides = { steps = 3 }\nstream = "corpus"')
    config, summary = _run(tmp_path, cache, text, results=tmp_path / "a.jsonl")
    assert summary.failed == 0
    lines = [r for r in read_lines(config.results) if r["encoder"] == "mgm"]
    assert {r["encoder_info"]["source"] for r in lines} == {"trained"}
    assert {r["encoder_info"]["pretrain_stream"] for r in lines} == {str(tmp_path / "corpus")}
    assert all("pretrain_designs" not in r["encoder_info"] for r in lines)
    assert lines[0]["config"]["encoders"][1]["stream"] == str(tmp_path / "corpus")
    # the designs' cells and the corpus's are different checkpoints
    plain, _ = _run(tmp_path, cache, results=tmp_path / "b.jsonl")
    assert len(list((cache / "encoders").glob("mgm-s*.pt"))) == 6
    # a grown corpus is another key: trained again
    build_rtl_corpus(tmp_path / "corpus", count=4, seed=1, shard_size=2, options=one)
    again, _ = _run(tmp_path, cache, text, results=tmp_path / "c.jsonl")
    assert {r["encoder_info"]["source"] for r in read_lines(again.results)
            if r["encoder"] == "mgm"} == {"trained"}


def test_a_test_only_training_design_is_refused_before_any_cell(tmp_path, cache):
    # cla8 computes RTLLM's adder_8bit: refused by its function, though it is ours by name
    text = CONFIG.replace('train = [', 'train = ["cla8", ')
    with pytest.raises(Exception, match="cla8.*rtllm adder_8bit, by function"):
        _run(tmp_path, cache, text)
    assert not (tmp_path / "exp.jsonl").exists()
