import csv
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from torch_geometric.data import Batch

from circuitlab.errors import CircuitlabError
from circuitlab.pretrain import PretrainConfig, load_pretrain_checkpoint, load_encoder, pretrain
from circuitlab.pretrain.train import lr_factor
from pretrain_graphs import tiny_graphs
from pretrain_worker import CONFIG, graphs

WORKER = Path(__file__).parent / "pretrain_worker.py"
ROOT = Path(__file__).resolve().parents[2]
# the worker imports this checkout's circuitlab, whatever is installed
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def rows(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


LOSSES = ["loss", "mgm_type_loss", "mgm_fanin_loss", "mgm_fanout_loss", "vga_type_loss",
          "vga_fanin_loss", "vga_fanout_loss", "lr"]


def test_a_killed_run_resumed_in_a_new_process_repeats_the_straight_run(tmp_path):
    straight = pretrain(CONFIG, graphs(), tmp_path / "a")
    killed = pretrain(CONFIG, graphs(), tmp_path / "b", stop_at=15)
    assert killed["steps"] == 15
    # an unfinished run has no read-out centre yet
    assert not killed["model"].encoder.readout_centre.any()
    assert load_pretrain_checkpoint(tmp_path / "b" / "checkpoint.pt")["step"] == 10
    subprocess.run([sys.executable, str(WORKER), str(tmp_path / "b"), "--resume",
                    str(tmp_path / "b" / "checkpoint.pt")], check=True, cwd=ROOT, env=ENV)
    a, b = rows(tmp_path / "a" / "metrics.csv"), rows(tmp_path / "b" / "metrics.csv")
    assert [r["step"] for r in b] == [str(s) for s in range(1, 21)]
    assert [[r[c] for c in LOSSES] for r in a] == [[r[c] for c in LOSSES] for r in b]
    resumed = torch.load(tmp_path / "b" / "params_rank0.pt")
    flat = torch.cat([p.detach().flatten() for p in straight["model"].parameters()])
    assert torch.equal(resumed, flat)


def test_the_checkpoint_alone_gives_the_encoder(tmp_path):
    config = replace(CONFIG, steps=4, ckpt_interval=100)
    stats = pretrain(config, graphs(), tmp_path)
    state = load_pretrain_checkpoint(stats["checkpoint"])
    assert {"config", "model", "optimizer", "rng", "step", "sampler"} <= set(state)
    assert PretrainConfig.from_dict(state["config"]) == config and state["step"] == 4
    encoder = load_encoder(stats["checkpoint"])
    batch = Batch.from_data_list(graphs()[:3])
    with torch.no_grad():
        assert torch.equal(encoder(batch), stats["model"].eval().encoder(batch))
    # the finished run's read-out centre: the mean read-out of its graphs
    with torch.no_grad():
        pools = [encoder.pool(encoder(g), g)[0] for g in graphs()]
        torch.testing.assert_close(encoder.readout_centre, torch.stack(pools).mean(0))
        assert encoder.readout_centre.abs().sum() > 0
        torch.testing.assert_close(encoder.embed(batch)[0], pools[0] - encoder.readout_centre)
    assert (tmp_path / "metrics.png").read_bytes()[:4] == b"\x89PNG"
    header = rows(tmp_path / "metrics.csv")[0].keys()
    assert {"step", "loss", "mgm_type_acc", "vga_type_acc", "lr", "graphs_per_s",
            "nodes_per_s"} <= set(header)


def test_warmup_then_cosine_to_the_floor():
    config = PretrainConfig(steps=100, warmup_steps=10, min_lr_ratio=0.1)
    factors = [lr_factor(config, s) for s in range(101)]
    assert factors[0] == pytest.approx(0.1) and factors[9] == pytest.approx(1.0)
    assert factors[10] == pytest.approx(1.0) and factors[100] == pytest.approx(0.1)
    assert all(x >= y for x, y in zip(factors[10:], factors[11:]))


def test_graphs_without_tokens_for_vga_are_one_line_naming_the_graph(tmp_path):
    plain = tiny_graphs(3)
    with pytest.raises(CircuitlabError, match=r"^graph 0: method mgm\+vga needs text_tokens of "
                                              r"shape \[1, 2, 8\]"):
        pretrain(CONFIG, plain, tmp_path)
    assert not (tmp_path / "checkpoint.pt").exists()


def test_a_graph_over_the_node_budget_is_named(tmp_path):
    with pytest.raises(CircuitlabError, match="^graph .* nodes, over the node budget of 10"):
        pretrain(replace(CONFIG, node_budget=10), graphs(), tmp_path)


def test_resuming_with_another_config_is_refused(tmp_path):
    pretrain(replace(CONFIG, steps=2), graphs(), tmp_path)
    with pytest.raises(CircuitlabError, match="differs in lr"):
        pretrain(replace(CONFIG, lr=0.5), graphs(), tmp_path / "x",
                 resume=tmp_path / "checkpoint.pt")
