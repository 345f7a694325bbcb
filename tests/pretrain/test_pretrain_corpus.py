"""verilog_corpus: designs -> AIG graphs carrying their Verilog's text tokens."""

import csv
import math

import pytest
import torch

from circuitlab.errors import CircuitlabError
from circuitlab.llm import HashEmbedder
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.pretrain import PretrainConfig, pretrain
from circuitlab.pretrain.corpus import CorpusParams, verilog_corpus
from circuitlab.synth import synthesize

NAMES = ("maj5", "mux8", "parity16")


@pytest.fixture
def designs(tmp_path):
    folder = tmp_path / "designs"
    folder.mkdir()
    for name in NAMES:
        (folder / f"{name}.v").write_text((DEFAULT_DESIGNS / f"{name}.v").read_text())
    return folder


def test_each_design_carries_its_own_text_tokens(designs):
    embedder = HashEmbedder(dim=8, pooled_tokens=3)
    graphs = verilog_corpus(designs, CorpusParams(jobs=1), embedder=embedder)
    assert [g.name for g in graphs] == list(NAMES)
    for g in graphs:
        assert g.text_tokens.shape == (1, 3, 8)
        want = embedder.embed([(designs / f"{g.design}.v").read_text()])[0].tokens
        torch.testing.assert_close(g.text_tokens[0], torch.from_numpy(want))
        aig = synthesize(designs / f"{g.design}.v")
        assert int(g.num_nodes) >= aig.num_inputs + aig.num_ands
    assert not torch.equal(graphs[0].text_tokens, graphs[1].text_tokens)


def test_recipe_graphs_carry_the_tokens_of_their_design(designs):
    embedder = HashEmbedder(dim=8, pooled_tokens=2)
    base = verilog_corpus(designs, CorpusParams(jobs=1), embedder=embedder)
    more = verilog_corpus(designs, CorpusParams(recipes=1, recipe_length=4, engine="aigverse",
                                                jobs=1), embedder=embedder)
    assert len(more) > len(base)
    tokens = {g.design: g.text_tokens for g in base}
    for g in more:
        torch.testing.assert_close(g.text_tokens, tokens[g.design])
    names = [g.name for g in more]
    assert len(set(names)) == len(names)


def test_designs_and_exclude_select_by_name(designs):
    got = verilog_corpus(designs, CorpusParams(jobs=1), None, exclude=["mux8"])
    assert [g.design for g in got] == ["maj5", "parity16"]
    assert not hasattr(got[0], "text_tokens") or got[0].text_tokens is None
    got = verilog_corpus(designs, CorpusParams(jobs=1), None, designs=["mux8"])
    assert [g.design for g in got] == ["mux8"]
    with pytest.raises(CircuitlabError, match="no design named nope"):
        verilog_corpus(designs, CorpusParams(jobs=1), None, designs=["nope"])
    with pytest.raises(CircuitlabError, match="no design left"):
        verilog_corpus(designs, CorpusParams(jobs=1), None, exclude=list(NAMES))


def test_a_design_that_does_not_synthesise_is_one_line(designs):
    (designs / "broken.v").write_text("module broken(input a, output y);\n assign y = a &;\n"
                                      "endmodule\n")
    with pytest.raises(CircuitlabError, match=r"broken\.v: ") as exc:
        verilog_corpus(designs, CorpusParams(jobs=1), None)
    assert "\n" not in str(exc.value)


def test_the_corpus_feeds_mgvga_pretraining(designs, tmp_path):
    graphs = verilog_corpus(designs, CorpusParams(jobs=1),
                            embedder=HashEmbedder(dim=8, pooled_tokens=2))
    config = PretrainConfig.from_dict({
        "method": "mgm+vga", "text_dim": 8, "text_tokens": 2, "cross_heads": 4, "steps": 3,
        "node_budget": 2000, "log_interval": 1, "progress": False, "device": "cpu",
        "encoder": {"hidden": 16, "layers": 2}})
    stats = pretrain(config, graphs, tmp_path / "run")
    assert stats["steps"] == 3 and math.isfinite(stats["loss"]) and stats["loss"] > 0
    with open(stats["metrics"], newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["step"]) for r in rows] == [1, 2, 3]
    # Both objectives trained on every step: the VGA losses come from the text tokens.
    for method in ("mgm", "vga"):
        losses = [float(r[f"{method}_type_loss"]) for r in rows]
        assert all(math.isfinite(v) and v > 0 for v in losses), (method, losses)
    assert float(rows[-1]["loss"]) == pytest.approx(stats["loss"])


def test_recipe_graphs_are_the_recipe_corpus_circuits(designs, tmp_path):
    from circuitlab.datasets import BuildOptions, RecipeCorpus

    def shape(g):
        return int(g.num_nodes), tuple(map(tuple, g.edge_index.t().tolist()))

    more = verilog_corpus(designs, CorpusParams(recipes=2, recipe_length=4, engine="aigverse",
                                                jobs=2), None)
    corpus = RecipeCorpus(str(tmp_path / "corpus"), str(designs), recipes=2, length=4,
                          engine="aigverse", options=BuildOptions(jobs=1, progress=False))
    for name in NAMES:
        ours = [shape(g) for g in more if g.design == name]
        theirs = {shape(corpus[k]) for k in range(len(corpus)) if corpus[k].design == name}
        assert len(set(ours)) == len(ours)  # each distinct circuit once
        assert set(ours) == theirs


def test_the_description_text_source_embeds_the_txt_beside_each_design(designs):
    for name in NAMES:
        (designs / f"{name}.txt").write_text(f"what {name} computes")
    embedder = HashEmbedder(dim=8, pooled_tokens=2)
    graphs = verilog_corpus(designs, CorpusParams(jobs=1, text="description"),
                            embedder=embedder)
    for g in graphs:
        want = embedder.embed([f"what {g.design} computes"])[0].tokens
        torch.testing.assert_close(g.text_tokens[0], torch.from_numpy(want))
        assert g.verilog == (designs / f"{g.design}.v").read_text()
    (designs / "mux8.txt").unlink()
    with pytest.raises(CircuitlabError, match=r"mux8: no description text \(the \.txt"):
        verilog_corpus(designs, CorpusParams(jobs=1, text="description"), embedder=embedder)
    with pytest.raises(CircuitlabError, match="text must be one of verilog, description"):
        CorpusParams(text="comments")
