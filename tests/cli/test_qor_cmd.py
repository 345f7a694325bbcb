"""circuitlab qor rank: recipes for a design, best first; --apply proves the results."""

import csv
import pytest

from circuitlab.cli import main
from circuitlab.io import read_aiger, write_aiger
from circuitlab.nn import load_default_encoder
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.synth import synthesize
from circuitlab.synth.recipes import RecipeParams, random_recipe, run_recipe
from circuitlab.tasks.qor_head import DEFAULT_HEAD, QorHead, QorHeadConfig, load_head, save_head
from circuitlab.tasks.qor_rank import rank_recipes, read_recipe_file
from circuitlab.verify import check_equivalence
from qor_circuits import adder


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A redundant adder as .aag and a QoR checkpoint (an untrained head, shipped encoder)."""
    folder = tmp_path_factory.mktemp("qor")
    write_aiger(adder(3, True), folder / "add.aag")
    encoder = load_default_encoder()
    head = QorHead(QorHeadConfig(graph_dim=encoder.embedding_dim)).eval()
    save_head(folder / "head.pt", head, encoder,
              {"recipes": {"count": 4, "seed": 0, "length": 20, "engine": "aigverse"},
               "mean_ranks": [1.0] * 4, "mean_log_ratio": [0.0] * 4})
    return folder


def _rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_rank_and_apply_the_best(files, tmp_path, capsys):
    out = tmp_path / "ranking.csv"
    status = main(["qor", "rank", str(files / "add.aag"), "-o", str(out), "--random", "5",
                   "--seed", "3", "--length", "4", "--apply", "1",
                   "--checkpoint", str(files / "head.pt")])
    text = capsys.readouterr().out
    assert status == 0, text
    rows = _rows(out)
    assert [int(r["rank"]) for r in rows] == [1, 2, 3, 4, 5]
    expected = {"; ".join(random_recipe(3 + k, 4)) for k in range(5)}
    assert {r["recipe"] for r in rows} == expected
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    best = rows[0]
    assert best["equivalent"] == "equivalent" and rows[1]["equivalent"] == ""
    design = read_aiger(files / "add.aag")
    result, _ = run_recipe(design, best["recipe"], RecipeParams(engine="aigverse"))
    assert check_equivalence(design, result).equivalent
    assert int(best["actual_ands"]) == result.num_ands < design.num_ands
    assert "equivalent" in text and str(result.num_ands) in text


def test_a_recipe_file_and_a_verilog_design_with_the_shipped_head(files, tmp_path):
    if not DEFAULT_HEAD.exists():
        pytest.skip("the shipped head is built by experiments/train_qor_head.py")
    recipes = tmp_path / "recipes.txt"
    recipes.write_text("# mine\nrw; b; rf\n\nresyn2\nbalance; resub -z\n")
    out = tmp_path / "r.csv"
    assert main(["qor", "rank", str(DEFAULT_DESIGNS / "maj5.v"), "-o", str(out),
                 "--recipes", str(recipes)]) == 0
    rows = _rows(out)
    assert sorted(r["recipe"] for r in rows) == sorted([
        "rewrite; balance; refactor", "balance; resub -z",
        "balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; refactor -z; "
        "rewrite -z; balance"])
    # The rows are the shipped head's ranking of the synthesised design.
    head, encoder, _ = load_head()
    aig = synthesize(DEFAULT_DESIGNS / "maj5.v")
    expected = rank_recipes(aig, read_recipe_file(recipes), head, encoder)
    assert [r["recipe"] for r in rows] == [r["recipe"] for r in expected]
    assert [int(r["rank"]) for r in rows] == [1, 2, 3]
    for row, want in zip(rows, expected):
        assert float(row["predicted_ands"]) == pytest.approx(want["predicted_ands"], abs=0.06)
        assert float(row["score"]) == pytest.approx(want["score"], abs=6e-4)
        assert float(row["predicted_ands"]) > 0


@pytest.mark.parametrize("extra, message", [
    (["--checkpoint", "{tmp}/none.pt"], "{tmp}/none.pt: no such QoR checkpoint"),
    (["--recipes", "{tmp}/bad.txt"], "{tmp}/bad.txt:3: unknown recipe step 'rewirte'"),
    (["--recipes", "{tmp}/other.txt"], "{tmp}/other.txt:1: step 'resub -K 6' is not one"),
    (["--recipes", "{tmp}/none.txt"], "{tmp}/none.txt: no such recipe file"),
    (["--random", "0"], "--random must be >= 1, got 0"),
])
def test_a_mistake_is_one_line_and_writes_nothing(files, tmp_path, capsys, extra, message):
    (tmp_path / "bad.txt").write_text("rewrite\n# fine\nrewirte; balance\n")
    (tmp_path / "other.txt").write_text("resub -K 6\n")
    out = tmp_path / "r.csv"
    args = [a.format(tmp=tmp_path) for a in extra]
    if "--checkpoint" not in args:
        args += ["--checkpoint", str(files / "head.pt")]
    assert main(["qor", "rank", str(files / "add.aag"), "-o", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"circuitlab qor: error: {message.format(tmp=tmp_path)}"), err
    assert err.count("\n") == 1
    assert not out.exists() and list(tmp_path.glob(".r.csv*")) == []


def test_a_missing_design_is_one_line(files, tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert main(["qor", "rank", str(tmp_path / "no.aig"), "-o", str(out),
                 "--checkpoint", str(files / "head.pt")]) == 2
    err = capsys.readouterr().err
    assert "no.aig: no such file" in err and err.count("\n") == 1 and not out.exists()


def test_a_circuit_without_and_gates_is_refused(files, tmp_path, capsys):
    from circuitlab.aig import AigBuilder
    b = AigBuilder()
    x, y = b.add_inputs(2)
    b.add_output(x)
    b.add_output(y ^ 1)
    wires = tmp_path / "wires.aag"
    write_aiger(b.build(), wires)
    out = tmp_path / "r.csv"
    assert main(["qor", "rank", str(wires), "-o", str(out),
                 "--checkpoint", str(files / "head.pt")]) == 2
    assert capsys.readouterr().err == (f"circuitlab qor: error: {wires}: no AND gates, so there "
                                       "is nothing for a recipe to reduce\n")
    assert not out.exists()


def test_predicted_and_counts_are_never_negative(files):
    import torch

    from circuitlab.tasks.qor_head import load_head
    from circuitlab.tasks.qor_rank import rank_recipes
    head, encoder, _ = load_head(files / "head.pt")
    recipes = [("balance",), ("rewrite",)]
    # a head whose ratios say "far fewer than none" for a one-gate circuit
    head.predict = lambda graph, tokens, ands: (torch.tensor([0.5, 0.2]),
                                                torch.tensor([-0.2, 3.0]))
    from circuitlab.aig import AigBuilder
    b = AigBuilder()
    x, y = b.add_inputs(2)
    b.add_output(b.and_(x, y))
    rows = rank_recipes(b.build(), recipes, head, encoder)
    assert [r["predicted_ands"] for r in rows] == [0.0, 3.0]
