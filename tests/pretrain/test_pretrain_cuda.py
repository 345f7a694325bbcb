"""Pre-training on a CUDA device, with bf16 autocast as the default config has it."""

import csv
import math

import pytest
import torch

from circuitlab.pretrain import PretrainConfig, load_encoder, pretrain
from pretrain_graphs import tiny_graphs

pytestmark = pytest.mark.gpu


@pytest.mark.parametrize("method", ["mgm", "mgm+vga"])
def test_a_bf16_run_on_cuda_trains_and_its_encoder_loads_on_the_cpu(tmp_path, method):
    config = PretrainConfig.from_dict({
        "method": method, "text_dim": 8, "text_tokens": 2, "cross_heads": 4, "steps": 4,
        "warmup_steps": 0, "node_budget": 400, "log_interval": 1, "progress": False,
        "device": "cuda", "bf16": True, "encoder": {"hidden": 16, "layers": 2}})
    graphs = tiny_graphs(12, text_dim=8, text_tokens=2)
    stats = pretrain(config, graphs, tmp_path / "run")
    assert stats["steps"] == 4 and math.isfinite(stats["loss"]) and stats["loss"] > 0
    assert next(stats["model"].parameters()).device.type == "cuda"
    with open(stats["metrics"], newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["step"]) for r in rows] == [1, 2, 3, 4]
    assert all(math.isfinite(float(r["loss"])) for r in rows)
    encoder = load_encoder(stats["checkpoint"])
    assert next(encoder.parameters()).device.type == "cpu"
    with torch.no_grad():
        states = encoder(graphs[0])
    assert torch.isfinite(states).all()
