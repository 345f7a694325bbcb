"""The shipped encoder and the loader of pre-training checkpoints (circuitlab.nn.pretrained)."""

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from encoder_inputs import random_aig
from torch_geometric.data import Batch

from circuitlab.data import to_pyg
from circuitlab.errors import CircuitlabError
from circuitlab.nn import DEFAULT_CHECKPOINT, build_encoder, load_default_encoder, load_encoder
from circuitlab.nn.pretrained import _LEGACY_FORMAT, KIND, load_pretrain_checkpoint
from circuitlab.training.checkpoint import save_checkpoint

ROOT = Path(__file__).resolve().parents[2]


def _graphs(encoding):
    rng = random.Random(3)
    return Batch.from_data_list([to_pyg(random_aig(rng, 6, 30, 3), encoding) for _ in range(4)])


def test_the_shipped_encoder_loads_the_weights_of_its_file():
    encoder = load_default_encoder()
    raw = torch.load(DEFAULT_CHECKPOINT, map_location="cpu", weights_only=True)
    mine = encoder.state_dict()
    weights = {k[len("encoder."):]: v for k, v in raw["model"].items() if k.startswith("encoder.")}
    assert mine.keys() == weights.keys() and not encoder.training
    assert all(torch.equal(mine[k], weights[k]) for k in mine)


def test_a_file_of_the_format_before_the_shared_one_gives_the_same_embeddings(tmp_path):
    # the pre-training files written before the shared checkpoint format: the same keys
    # under a format tag of their own, without a kind
    state = torch.load(DEFAULT_CHECKPOINT, map_location="cpu", weights_only=True)
    legacy = {k: v for k, v in state.items() if k != "kind"}
    legacy["format"] = _LEGACY_FORMAT
    path = tmp_path / "old.pt"
    torch.save(legacy, path)
    a, b = load_encoder(), load_encoder(path)
    batch = _graphs(a.config.encoding)
    with torch.no_grad():
        x, y = a(batch), b(batch)
        assert torch.equal(x, y) and torch.equal(a.pool(x, batch), b.pool(y, batch))


def test_weights_that_do_not_fit_the_config_are_one_line(tmp_path):
    old = load_pretrain_checkpoint(DEFAULT_CHECKPOINT)
    config = {**old["config"], "encoder": {**old["config"]["encoder"], "hidden": 8}}
    path = tmp_path / "bad.pt"
    save_checkpoint(path, KIND, config, {"model": old["model"], "step": 0})
    with pytest.raises(CircuitlabError, match=r"bad.pt: the encoder does not load \(Error"):
        load_encoder(path)


def test_a_model_of_another_kind_is_refused(tmp_path):
    encoder = build_encoder(load_default_encoder().config)
    path = tmp_path / "qor.pt"
    save_checkpoint(path, "qor", {}, {"encoder": encoder.state_dict()})
    with pytest.raises(CircuitlabError, match="not a circuitlab pre-training checkpoint"):
        load_encoder(path)


def test_nn_does_not_import_the_pretraining_package():
    code = ("import sys\nimport circuitlab.nn\ncircuitlab.nn.load_default_encoder()\n"
            "print(sorted(m for m in sys.modules if m.startswith(('circuitlab.pretrain', "
            "'circuitlab.tasks', 'circuitlab.transformer'))))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert proc.stdout.strip() == "[]", proc.stderr
