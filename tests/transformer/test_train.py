import random

import numpy as np
import pytest
import torch
from circuits import random_small_aig

from circuitlab.errors import CircuitlabError
from circuitlab.transformer.examples import Examples, collate, make_examples
from circuitlab.transformer.tokenizer import PAD, Tokenizer, TokenizerConfig
from circuitlab.transformer.checkpoint import export_weights
from circuitlab.transformer.checkpoint import load_transformer
from circuitlab.transformer.train import TrainConfig, train

TC = TokenizerConfig(num_inputs=6, num_outputs=2, max_len=128, max_depth=16)
TOK = Tokenizer(TC)


@pytest.fixture(scope="module")
def examples():
    rng = random.Random(0)
    pairs = []
    while len(pairs) < 48:
        src = random_small_aig(rng, 6, rng.randint(3, 14), 2)
        if TOK.fits(src):
            pairs.append((src, src))
    ex, stats = make_examples(TOK, pairs)
    assert stats["kept"] == len(ex) >= 40
    return ex


def test_examples_follow_the_decoding_mask(examples, tmp_path):
    b = collate(examples, range(8), TOK)
    assert b["tgt_in"][:, 0].eq(1).all()  # BOS
    # every target token is legal at its step, and the stored masks match a fresh reference
    real = b["target"] != PAD
    assert b["legal"].gather(2, b["target"][..., None])[..., 0][real].all()
    path = tmp_path / "ex.npz"
    examples.save(path)
    again = Examples.load(path)
    assert np.array_equal(again.tgt_tokens, examples.tgt_tokens)
    assert [p.name for p in tmp_path.iterdir()] == ["ex.npz"]  # no temporary left behind


def _cfg(steps):
    return TrainConfig(preset="tiny", model={"dropout": 0.1}, tokenizer=TC, batch_size=8,
                       lr=3e-3, warmup=2, steps=steps, eval_every=2, ckpt_every=3, val_size=16,
                       seed=5, device="cpu")


def test_interrupted_run_continues_exactly(examples, tmp_path, monkeypatch):
    full = tmp_path / "full"
    train(_cfg(6), examples, examples, full, progress=False)
    cut = tmp_path / "cut"
    import circuitlab.transformer.train as tr
    real_save = tr._save
    calls = []

    def save_then_stop(path, model, opt, step, cfg):
        real_save(path, model, opt, step, cfg)
        calls.append(step)
        if step == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(tr, "_save", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        train(_cfg(6), examples, examples, cut, progress=False)
    monkeypatch.setattr(tr, "_save", real_save)
    train(_cfg(6), examples, examples, cut, progress=False)
    a = torch.load(full / "checkpoint.pt", weights_only=False)["model"]
    b = torch.load(cut / "checkpoint.pt", weights_only=False)["model"]
    assert calls == [3] and all(torch.equal(a[k], b[k]) for k in a)
    rows = (cut / "log.csv").read_text().splitlines()
    assert rows[0].startswith("step,") and [r.split(",")[0] for r in rows[1:]] == ["2", "4", "6"]


def test_training_reduces_the_loss_and_writes_curves(examples, tmp_path):
    cfg = TrainConfig(preset="tiny", model={"dropout": 0.0}, tokenizer=TC, batch_size=16,
                      lr=5e-3, warmup=2, steps=20, eval_every=10, ckpt_every=20, val_size=32,
                      device="cpu")
    last = train(cfg, examples, examples, tmp_path, progress=False)
    rows = (tmp_path / "log.csv").read_text().splitlines()
    first_val = float(rows[1].split(",")[4])
    assert last["val_loss"] < first_val
    pytest.importorskip("matplotlib")
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"


def test_exported_weights_reproduce_the_trained_model(examples, tmp_path):
    train(_cfg(2), examples, examples, tmp_path, progress=False)
    ckpt = tmp_path / "checkpoint.pt"
    model, tok = load_transformer(ckpt)
    assert tok.config == TC and not model.training
    export_weights(ckpt, tmp_path / "full.pt", half=False)
    export_weights(ckpt, tmp_path / "small.pt")
    exact, exact_tok = load_transformer(tmp_path / "full.pt")
    small, small_tok = load_transformer(tmp_path / "small.pt")
    assert exact_tok.config == small_tok.config == TC and not small.training
    assert (tmp_path / "small.pt").stat().st_size < (tmp_path / "full.pt").stat().st_size
    b = collate(examples, range(16), TOK)

    def logits(m):
        with torch.no_grad():
            return m(b["src_tokens"], b["src_pos"], b["tgt_in"], b["tgt_pos"], b["tgt_feat"])

    trained = logits(model)
    assert torch.equal(logits(exact), trained)
    weights = model.state_dict()
    assert all(torch.equal(v, weights[k].half().float()) for k, v in small.state_dict().items())
    half = logits(small)
    assert torch.allclose(half, trained, atol=0.05, rtol=0.01)
    real = b["target"] != PAD
    assert (half.argmax(-1) == trained.argmax(-1))[real].float().mean() > 0.95


def test_bad_checkpoints_and_configs(examples, tmp_path):
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(CircuitlabError, match="not a circuitlab checkpoint"):
        load_transformer(junk)
    with pytest.raises(CircuitlabError, match="no such checkpoint"):
        load_transformer(tmp_path / "missing.pt")
    train(_cfg(2), examples, examples, tmp_path / "run", progress=False)
    with pytest.raises(CircuitlabError, match="different configuration"):
        train(_cfg(4), examples, examples, tmp_path / "run", progress=False)
    with pytest.raises(CircuitlabError, match="bad model configuration"):
        TrainConfig(model={"d_model": 30, "n_heads": 4}).model_config()


def test_a_run_can_start_from_another_runs_weights(examples, tmp_path):
    from dataclasses import replace
    trained = train(_cfg(12), examples, examples, tmp_path / "a", progress=False)
    init = str(tmp_path / "a" / "checkpoint.pt")
    still = dict(lr=1e-12, model={"dropout": 0.0})
    warm = train(replace(_cfg(1), init=init, **still), examples, examples, tmp_path / "b",
                 progress=False)
    cold = train(replace(_cfg(1), **still), examples, examples, tmp_path / "c", progress=False)
    assert abs(warm["val_loss"] - trained["val_loss"]) < 0.05 * trained["val_loss"]
    assert abs(cold["val_loss"] - trained["val_loss"]) > 0.2 * trained["val_loss"]
    with pytest.raises(CircuitlabError, match="differs from this run"):
        train(replace(_cfg(1), preset="small", init=init), examples, examples, tmp_path / "d",
              progress=False)
    # the mask's slack may change between runs; the token language may not
    loose = train(replace(_cfg(1), init=init, tokenizer=replace(TC, slack=TC.slack + 1), **still),
                  examples, examples, tmp_path / "e", progress=False)
    assert abs(loose["val_loss"] - trained["val_loss"]) < 0.05 * trained["val_loss"]
    with pytest.raises(CircuitlabError, match="differs from this run"):
        train(replace(_cfg(1), init=init, tokenizer=replace(TC, max_depth=15)), examples,
              examples, tmp_path / "f", progress=False)
