"""The RTL pair corpus: distinct across shards, resumable, test-only designs refused and
listed; streamed; recipes over it; the CLI's rtl kind."""

from __future__ import annotations

import json

import pytest

from circuitlab.cli import main
from circuitlab.datasets import rtl_families, test_only
from circuitlab.datasets.rtl_corpus import build_rtl_corpus, read_index, read_shard
from circuitlab.datasets.rtl_families import RtlDesign
from circuitlab.datasets.rtl_pairs import synthesize_design
from circuitlab.datasets.stream import rtl_stream
from circuitlab.errors import CircuitlabError
from circuitlab.parallel import BuildOptions

ONE = BuildOptions(jobs=1, progress=False)
# RTLLM's adder_8bit, written independently (the guard's own fixture): test-only by function
ADDER_8BIT = ("module NAME(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, "
              "output cout);\n  assign {cout, sum} = a + b + cin;\nendmodule\n")
BODIES = [
    "module NAME(input a, input b, output y);\n  assign y = a & b;\nendmodule\n",
    "module NAME(input a, input b, output y);\n  assign y = a | b;\nendmodule\n",
    # the same text as the first once the name is normalised away
    "module NAME(input a, input b, output y); // and\n  assign y = a & b;\nendmodule\n",
    # another text, the same structure as the first (the builder orders fan-ins)
    "module NAME(input a, input b, output y);\n  assign y = b & a;\nendmodule\n",
    ADDER_8BIT,
    "module NAME(input a, input b, input c, output y);\n  assign y = a ^ b ^ c;\nendmodule\n",
    "module NAME(input [1:0] a, output y);\n  assign y = a[0] & ~a[1];\nendmodule\n",
]


@pytest.fixture
def fake_families(monkeypatch):
    """Draw ``k`` is ``BODIES[k % len(BODIES)]``, named ``fake_<seed>_<k>``."""
    def draw(seed, index, families=()):
        name = f"fake_{seed}_{index}"
        body = BODIES[index % len(BODIES)].replace("NAME", name)
        return RtlDesign(name, "fake", body, f"fake design {index % len(BODIES)}")
    monkeypatch.setattr(rtl_families, "random_design", draw)


def test_pairs_are_distinct_across_shards_and_test_only_ones_refused(tmp_path, fake_families):
    report = build_rtl_corpus(tmp_path, count=4, seed=1, shard_size=2, options=ONE)
    # draws 0..6: 2 same text, 3 same structure, 4 RTLLM's adder; 0, 1, 5, 6 kept
    assert report.kept == 4 and report.drawn == 7
    assert (report.same_text, report.same_structure) == (1, 1)
    assert report.refused == [["fake_1_4", "rtllm adder_8bit, by function"]]
    assert report.computed == 4 and report.shards == 4
    index = read_index(tmp_path)
    assert [s["keep"] for s in index["shards"]] == [[0, 1], [], [0], [0]]  # blob indices
    graphs = list(rtl_stream(tmp_path, seed=0))
    assert sorted(g.design for g in graphs) == ["fake_1_0", "fake_1_1", "fake_1_5", "fake_1_6"]
    for g in graphs:
        assert g.licence == "generated" and g.description.startswith("fake design")
        assert f"module {g.design}(" in g.verilog
    meta, _ = read_shard(tmp_path / "items" / index["shards"][2]["file"])
    assert meta["designs"][0]["refused"] and meta["designs"][0]["blob"] is None


def test_a_build_resumes_and_grows_from_its_shards(tmp_path, fake_families):
    build_rtl_corpus(tmp_path, count=3, seed=2, shard_size=2, options=ONE)
    again = build_rtl_corpus(tmp_path, count=3, seed=2, shard_size=2, options=ONE)
    assert (again.computed, again.kept) == (0, 3)
    shards = sorted((tmp_path / "items").iterdir())
    shards[-1].unlink()  # as if killed before the last shard was written
    grown = build_rtl_corpus(tmp_path, count=4, seed=2, shard_size=2, options=ONE)
    assert (grown.kept, grown.computed, grown.reused) == (4, 2, len(shards) - 1)
    with pytest.raises(CircuitlabError, match="seed 2"):
        build_rtl_corpus(tmp_path, count=4, seed=3, shard_size=2, options=ONE)


def test_too_few_distinct_designs_stop_at_the_draw_limit(tmp_path, fake_families):
    report = build_rtl_corpus(tmp_path, count=5, seed=0, shard_size=10, options=ONE)
    assert report.kept == 4 and report.drawn == 20 * 5


def test_a_shared_iscas_circuit_is_not_test_only():
    from shared_data import shared_data
    from circuitlab.io.formats import read_circuit
    path = shared_data("aig", "iscas85")
    files = sorted(p for p in path.iterdir() if p.suffix in (".aig", ".aag", ".bench"))
    assert files
    aig = read_circuit(files[0])
    assert test_only.refusal(files[0].name, aig) is None


def write_designs(folder):
    folder.mkdir()
    (folder / "and2.v").write_text(BODIES[0].replace("NAME", "and2"))
    (folder / "my_adder.v").write_text(ADDER_8BIT.replace("NAME", "my_adder"))  # by function
    (folder / "b01.v").write_text(BODIES[1].replace("NAME", "b01"))  # ITC'99 by name
    return folder


REFUSED = [["b01.v", "itc99 b01, by name"], ["my_adder.v", "rtllm adder_8bit, by function"]]


@pytest.mark.parametrize("kind", ["verilog", "recipes"])
def test_every_folder_builder_skips_and_lists_test_only_designs(tmp_path, capsys, kind):
    src = write_designs(tmp_path / "src")
    argv = ["dataset", "build", kind, "--source", str(src), "--root", str(tmp_path / "out"),
            "--jobs", "1", "--no-progress", "--recipes", "1", "--length", "2",
            "--engine", "aigverse"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["refused"] == REFUSED
    assert report["graphs"] == (1 if kind == "verilog" else 3)
    # reused processed files still report what was refused
    assert main(argv) == 0 and json.loads(capsys.readouterr().out)["refused"] == REFUSED


def test_the_aiger_builder_refuses_by_name(tmp_path, capsys):
    from circuitlab.io import write_aiger
    src = tmp_path / "src"
    src.mkdir()
    aig = synthesize_design(RtlDesign("x", "t", BODIES[0].replace("NAME", "x"), ""))
    write_aiger(aig, src / "and2.aag")
    write_aiger(aig, src / "arbiter.aag")  # EPFL random_control by name
    assert main(["dataset", "build", "aiger", "--source", str(src), "--root",
                 str(tmp_path / "out"), "--jobs", "1", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["graphs"] == 1
    assert report["refused"] == [["arbiter.aag", "epfl-random-control arbiter, by name"]]


def test_the_pretrain_corpus_skips_test_only_designs(tmp_path, capsys):
    from circuitlab.pretrain.corpus import CorpusParams, verilog_corpus
    src = write_designs(tmp_path / "src")
    graphs = verilog_corpus(src, CorpusParams(jobs=1), embed=None)
    assert [g.design for g in graphs] == ["and2"]
    err = capsys.readouterr().err
    assert "skipped my_adder.v: test-only (rtllm adder_8bit, by function)" in err
    assert "skipped b01.v: test-only (itc99 b01, by name)" in err


def test_the_rtl_kind_and_recipes_over_it(tmp_path, capsys, fake_families):
    rtl = tmp_path / "rtl"
    assert main(["dataset", "build", "rtl", "--root", str(rtl), "--count", "3", "--seed", "1",
                 "--shard-size", "2", "--jobs", "1", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["pairs"], report["shards"]) == (3, 3)
    assert report["refused"] == [["fake_1_4", "rtllm adder_8bit, by function"]]
    assert main(["dataset", "build", "recipes", "--source", str(rtl), "--root",
                 str(tmp_path / "rec"), "--recipes", "2", "--length", "2", "--engine",
                 "aigverse", "--jobs", "1", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["graphs"] == 3 * 2 * 3 and report["refused"] == []


@pytest.mark.parametrize("argv, message", [
    (["rtl", "--source", "{tmp}"], "--source is not taken by kind rtl"),
    (["verilog"], "--source is required for kind verilog"),
    (["rtl", "--count", "0"], "--count must be >= 1"),
    (["rtl", "--shard-size", "0"], "--shard-size must be >= 1"),
])
def test_bad_rtl_input_is_one_line_exit_2(tmp_path, capsys, argv, message):
    argv = [a.format(tmp=tmp_path) for a in argv]
    assert main(["dataset", "build", *argv, "--root", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "out").exists()
