import csv
import random

import pytest

from circuitlab.aig import FALSE, AigBuilder
from circuitlab.cli import main
from circuitlab.io.formats import write_circuit
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
    (["--method", "mgm+vga"], "circuitlab pretrain: error: method mgm+vga needs LLM text "
                              "tokens per design, which this command does not compute; use "
                              "--method mgm or graphmae\n"),
])
def test_a_mistake_is_one_line_and_writes_nothing(folder, capsys, extra, message):
    out = folder / "run"
    status = main(["pretrain", str(folder / "cfg.toml"), "--graphs", str(folder / "circuits"),
                   "--out", str(out), *extra])
    assert status == 2
    assert capsys.readouterr().err == message
    assert not out.exists()
