import csv
import random
import shutil

import pytest

from circuitlab.aig import FALSE, AigBuilder
from circuitlab.cli import main
from circuitlab.io.formats import write_circuit
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.pretrain import load_encoder

CONFIG = 'method = "mgm"\nnode_budget = 400\nlog_interval = 2\n[encoder]\nhidden = 16\nlayers = 2\n'


@pytest.fixture
def folder(tmp_path):
    rng = random.Random(0)
    circuits = tmp_path / "circuits"
    circuits.mkdir()
    for k in range(6):
        b = AigBuilder()
        pool = [FALSE] + b.add_inputs(4)
        for _ in range(rng.randint(5, 20)):
            pool.append(b.and_(rng.choice(pool) ^ rng.randint(0, 1), rng.choice(pool[-4:])))
        b.add_output(pool[-1])
        write_circuit(b.build(), circuits / f"c{k}.{'aag' if k % 2 else 'aig'}")
    (circuits / "notes.txt").write_text("not a circuit")
    (tmp_path / "cfg.toml").write_text(CONFIG)
    return tmp_path


def test_pretrain_writes_metrics_and_a_checkpoint(folder, capsys):
    out = folder / "run"
    status = main(["pretrain", str(folder / "cfg.toml"), "--steps", "4", "--graphs",
                   str(folder / "circuits"), "--out", str(out)]
                  + ["--progress", "false"])
    assert status == 0, capsys.readouterr().err
    with open(out / "metrics.csv", newline="") as f:
        assert [r["step"] for r in csv.DictReader(f)] == ["2", "4"]
    assert load_encoder(out / "checkpoint.pt").config.hidden == 16
    assert "4 steps on 6 graphs" in capsys.readouterr().out


@pytest.mark.parametrize("extra, message", [
    (["--no-such", "1"], "circuitlab pretrain: error: --no-such is not a key of the "
                         "pre-training config\n"),
    (["--steps", "x"], "circuitlab pretrain: error: --steps must be int, got 'x'\n"),
    (["--recipes", "2"], "circuitlab pretrain: error: --recipes adds graphs for the text "
                         "methods only (vga, mgm+vga)\n"),
    (["--corpus", "."], "circuitlab pretrain: error: --corpus adds designs for the functional "
                        "methods only (func, func+mgm, contrast, prob, ttd, sim)\n"),
    (["--text", "description"], "circuitlab pretrain: error: --text chooses the text of the "
                                "text methods only (vga, mgm+vga)\n"),
])
def test_a_mistake_is_one_line_and_writes_nothing(folder, capsys, extra, message):
    out = folder / "run"
    status = main(["pretrain", str(folder / "cfg.toml"), "--graphs", str(folder / "circuits"),
                   "--out", str(out), *extra])
    assert status == 2
    assert capsys.readouterr().err == message
    assert not out.exists()


def test_a_device_the_machine_lacks_is_refused_before_any_design_is_read(folder, capsys,
                                                                        monkeypatch):
    import torch

    import circuitlab.cli.pretrain_cmd as cmd

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(cmd, "folder_graphs", lambda *a, **k: pytest.fail("designs were read"))
    out = folder / "run"
    status = main(["pretrain", str(folder / "cfg.toml"), "--graphs", str(folder / "circuits"),
                   "--out", str(out), "--device", "cuda"])
    assert status == 2
    assert capsys.readouterr().err == ("circuitlab pretrain: error: device cuda: no CUDA device "
                                       "is available\n")
    assert not out.exists()


@pytest.mark.parametrize("extra", [
    [], ["--method", "func+sim", "--encoder.input_codes", "8", "--encoder.gate_messages", "true"]])
def test_a_functional_method_builds_and_caches_each_designs_views(folder, capsys, extra):
    out = folder / "run"
    argv = ["pretrain", str(folder / "cfg.toml"), "--steps", "2", "--graphs",
            str(folder / "circuits"), "--out", str(out), "--method", "func",
            "--encoder.backbone", "dag", "--encoder.bidirectional", "true", "--progress", "false",
            *extra]
    assert main(argv) == 0, capsys.readouterr().err
    views = sorted(p.name for p in (out / "views").iterdir())
    assert len(views) == 6  # one cached item per design
    config = load_encoder(out / "checkpoint.pt").config
    assert config.backbone == "dag" and config.input_codes == (8 if extra else 0)
    assert "2 steps on 6 graphs" in capsys.readouterr().out


def test_a_functional_method_leaves_test_only_designs_out(folder, capsys):
    shutil.copy(DEFAULT_DESIGNS / "rca8.v", folder / "circuits")  # computes RTLLM's adder_8bit
    out = folder / "run"
    argv = ["pretrain", str(folder / "cfg.toml"), "--steps", "2", "--graphs",
            str(folder / "circuits"), "--out", str(out), "--method", "func",
            "--encoder.backbone", "dag", "--progress", "false"]
    assert main(argv) == 0, capsys.readouterr().err
    captured = capsys.readouterr()
    assert ("circuitlab pretrain: not training on rca8.v: it is the test-only rtllm adder_8bit"
            in captured.err)
    assert len(list((out / "views").iterdir())) == 6
    assert "2 steps on 6 graphs" in captured.out


def test_a_text_method_needs_verilog_designs(folder, capsys):
    out = folder / "run"
    status = main(["pretrain", str(folder / "cfg.toml"), "--graphs", str(folder / "circuits"),
                   "--out", str(out), "--method", "mgm+vga"])
    assert status == 2
    assert capsys.readouterr().err == (
        f"circuitlab pretrain: error: --graphs {folder / 'circuits'}: method mgm+vga needs "
        "Verilog designs for their text; c0.aig has none (use --method mgm or graphmae)\n")
    assert not out.exists()


def test_mgvga_on_verilog_designs_embeds_their_text(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(tmp_path / "cache"))
    designs = tmp_path / "designs"
    designs.mkdir()
    for name in ("mux8", "maj5", "parity16"):
        shutil.copy(DEFAULT_DESIGNS / f"{name}.v", designs)
    (tmp_path / "cfg.toml").write_text(
        'method = "mgm+vga"\ntext_dim = 384\ntext_tokens = 4\ncross_heads = 4\n'
        'node_budget = 2000\nlog_interval = 2\n[encoder]\nhidden = 16\nlayers = 2\n')
    out = tmp_path / "run"
    status = main(["pretrain", str(tmp_path / "cfg.toml"), "--graphs", str(designs),
                   "--out", str(out), "--steps", "2", "--progress", "false"])
    assert status == 0, capsys.readouterr().err
    assert "2 steps on 3 graphs" in capsys.readouterr().out
    with open(out / "metrics.csv", newline="") as f:
        assert "vga_type_acc" in next(csv.DictReader(f))


def test_a_text_width_the_embedder_does_not_give_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(tmp_path / "cache"))
    designs = tmp_path / "designs"
    designs.mkdir()
    shutil.copy(DEFAULT_DESIGNS / "mux8.v", designs)
    (tmp_path / "cfg.toml").write_text('method = "vga"\ntext_dim = 3584\n')
    status = main(["pretrain", str(tmp_path / "cfg.toml"), "--graphs", str(designs),
                   "--out", str(tmp_path / "run")])
    assert status == 2
    assert capsys.readouterr().err == (
        "circuitlab pretrain: error: text_dim is 3584 but the embedder gives 384-d tokens "
        "(set --text-dim 384 or another --text-model)\n")
    assert not (tmp_path / "run").exists()


def test_mgvga_can_embed_each_designs_description(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(tmp_path / "cache"))
    designs = tmp_path / "designs"
    designs.mkdir()
    for name in ("mux8", "maj5"):
        shutil.copy(DEFAULT_DESIGNS / f"{name}.v", designs)
        shutil.copy(DEFAULT_DESIGNS / f"{name}.txt", designs)
    (tmp_path / "cfg.toml").write_text(
        'method = "mgm+vga"\ntext_dim = 384\ntext_tokens = 2\ncross_heads = 2\n'
        'node_budget = 2000\nlog_interval = 2\n[encoder]\nhidden = 16\nlayers = 2\n')
    argv = ["pretrain", str(tmp_path / "cfg.toml"), "--graphs", str(designs), "--steps", "2",
            "--progress", "false", "--text", "description"]
    assert main([*argv, "--out", str(tmp_path / "run")]) == 0, capsys.readouterr().err
    assert "2 steps on 2 graphs" in capsys.readouterr().out
    (designs / "maj5.txt").unlink()
    assert main([*argv, "--out", str(tmp_path / "again")]) == 2
    assert capsys.readouterr().err == (
        "circuitlab pretrain: error: maj5: no description text (the .txt beside the design) "
        "to embed (VGA needs one per design)\n")
    assert not (tmp_path / "again").exists()


@pytest.fixture
def corpus(folder):
    from circuitlab.datasets import RecipeCorpus
    from circuitlab.parallel import BuildOptions
    root = folder / "corpus"
    RecipeCorpus(str(root), str(folder / "circuits"), recipes=2, length=3, engine="aigverse",
                 options=BuildOptions(jobs=1, progress=False))
    return root


def test_pretrain_streams_a_built_corpus(folder, corpus, capsys):
    from circuitlab.datasets.stream import corpus_stream
    out = folder / "run"
    status = main(["pretrain", str(folder / "cfg.toml"), "--steps", "3", "--stream", str(corpus),
                   "--out", str(out), "--method", "sim", "--encoder.backbone", "dag",
                   "--encoder.input_codes", "8", "--encoder.gate_messages", "true",
                   "--progress", "false"])
    assert status == 0, capsys.readouterr().err
    graphs = len(corpus_stream(corpus))
    assert graphs > 6  # the recipes' distinct steps beside the six designs
    assert f"3 steps on {graphs} graphs" in capsys.readouterr().out
    encoder = load_encoder(out / "checkpoint.pt")
    assert encoder.config.input_codes == 8
    assert encoder.readout_centre.abs().sum() > 0  # a finished run sets it from the stream


@pytest.mark.parametrize("extra, message", [
    (["--method", "func"], "--stream streams graphs without stored targets or text; the "
                           "contrast objective needs them (stream mgm, graphmae or sim)"),
    (["--graphs", "{folder}/circuits"], "--stream trains on the corpus in place of --graphs; "
                                        "give one"),
    (["--method", "sim", "--encoder.input_codes", "8", "--corpus", "{folder}"],
     "--corpus does not apply to a streamed corpus (--stream)"),
])
def test_a_stream_mistake_is_one_line_and_writes_nothing(folder, corpus, capsys, extra, message):
    out = folder / "run"
    extra = [e.replace("{folder}", str(folder)) for e in extra]
    status = main(["pretrain", str(folder / "cfg.toml"), "--stream", str(corpus), "--out",
                   str(out), *extra])
    assert status == 2
    assert capsys.readouterr().err == f"circuitlab pretrain: error: {message}\n"
    assert not out.exists()


def test_a_stream_that_is_no_corpus_is_one_line(folder, capsys):
    out = folder / "run"
    status = main(["pretrain", str(folder / "cfg.toml"), "--stream", str(folder / "circuits"),
                   "--out", str(out)])
    assert status == 2
    err = capsys.readouterr().err
    assert f"{folder / 'circuits'}: not a built corpus" in err and err.count("\n") == 1
    assert not out.exists()
