"""The shipped transformer and the loader of transformer checkpoints."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from circuitlab.errors import CircuitlabError
from circuitlab.training.checkpoint import FORMAT, save_checkpoint
from circuitlab.transformer.checkpoint import DEFAULT_CHECKPOINT, KIND, load_transformer, \
    load_transformer_checkpoint
from circuitlab.transformer.tokenizer import TokenizerConfig

ROOT = Path(__file__).resolve().parents[2]


def _inputs(model, tokenizer):
    torch.manual_seed(0)
    cfg, b, t = model.config, 2, 12
    return (torch.randint(4, cfg.vocab_size, (b, t)), torch.rand(b, t, cfg.pos_dim),
            torch.randint(4, cfg.vocab_size, (b, t)), torch.rand(b, t, cfg.pos_dim),
            torch.rand(b, t, cfg.feat_dim))


def test_the_shipped_model_loads_the_weights_of_its_file():
    model, tokenizer = load_transformer()
    raw = torch.load(DEFAULT_CHECKPOINT, map_location="cpu", weights_only=True)
    mine = model.state_dict()
    assert mine.keys() == raw["model"].keys() and not model.training
    assert all(torch.equal(mine[k], raw["model"][k].float()) for k in mine)
    assert tokenizer.config == TokenizerConfig.from_dict(raw["tokenizer_config"])


def test_the_shipped_model_resaved_in_the_shared_format_gives_the_same_scores(tmp_path):
    old = load_transformer_checkpoint(DEFAULT_CHECKPOINT)
    path = tmp_path / "new.pt"
    save_checkpoint(path, KIND, old["config"], {"model": old["model"], "step": old["step"]})
    assert torch.load(path, weights_only=True)["format"] == FORMAT
    (a, tok_a), (b, tok_b) = load_transformer(), load_transformer(path)
    assert tok_a.config == tok_b.config
    inputs = _inputs(a, tok_a)
    with torch.no_grad():
        assert torch.equal(a(*inputs), b(*inputs))


def test_a_pretraining_checkpoint_is_not_a_transformer(tmp_path):
    from circuitlab.nn import DEFAULT_CHECKPOINT as ENCODER
    with pytest.raises(CircuitlabError, match="not a circuitlab transformer checkpoint"):
        load_transformer(ENCODER)


def test_inference_does_not_import_the_trainer():
    code = ("import sys\nfrom circuitlab.optimize.model import load_optimize_model\n"
            "load_optimize_model(None, 'cpu')\n"
            "print('circuitlab.transformer.train' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert proc.stdout.strip() == "False", proc.stderr
