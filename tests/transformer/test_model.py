import pytest
import torch

from circuitlab.transformer.model import CircuitTransformer, DecodeCache, Memory, ModelConfig

V, P, F = 23, 10, 6
ATOL = 1e-5


def make_model(feat_dim: int = F, **overrides) -> CircuitTransformer:
    torch.manual_seed(0)
    cfg = ModelConfig.preset("tiny", vocab_size=V, pos_dim=P, feat_dim=feat_dim,
                             max_src_len=32, max_tgt_len=16, **overrides)
    return CircuitTransformer(cfg).eval()


def make_batch(lengths=(9, 5, 7), T=8, S=None, seed=1):
    """A batch of sources of the given lengths, right-padded to S."""
    g = torch.Generator().manual_seed(seed)
    B, S = len(lengths), S or max(lengths)
    src = torch.randint(1, V, (B, S), generator=g)
    for b, n in enumerate(lengths):
        src[b, n:] = 0
    src_pos = torch.randn(B, S, P, generator=g)
    tgt = torch.randint(1, V, (B, T), generator=g)
    tgt[:, 0] = 1
    tgt_pos = torch.randn(B, T, P, generator=g)
    tgt_feat = torch.randn(B, T, F, generator=g)
    return src, src_pos, tgt, tgt_pos, tgt_feat


def decode_all(model, src, src_pos, tgt, tgt_pos, tgt_feat):
    """Logits [B, T, V] from step-by-step decoding with the cache."""
    cache = model.start(model.encode(src, src_pos))
    feats = [None] * tgt.shape[1] if tgt_feat is None else tgt_feat.unbind(1)
    return torch.stack([model.step(tgt[:, t], tgt_pos[:, t], feats[t], cache)
                        for t in range(tgt.shape[1])], dim=1)


def test_shapes():
    model = make_model()
    src, src_pos, tgt, tgt_pos, tgt_feat = make_batch()
    assert model(src, src_pos, tgt, tgt_pos, tgt_feat).shape == (3, 8, V)
    memory = model.encode(src, src_pos)
    assert isinstance(memory, Memory)
    assert memory.states.shape == (3, 9, 64) and memory.pad.shape == (3, 9)
    assert memory.pad.dtype == torch.bool and memory.pad[1, 5:].all()
    cache = model.start(memory, capacity=10)
    assert isinstance(cache, DecodeCache) and cache.capacity == 10 and cache.length == 0
    assert model.step(tgt[:, 0], tgt_pos[:, 0], tgt_feat[:, 0], cache).shape == (3, V)
    assert cache.length == 1


def test_chunked_encoding_matches_whole_batch_encoding():
    model = make_model()
    src, src_pos, *_ = make_batch(lengths=(9, 2, 5, 7, 3, 9, 1), S=12)
    whole = model.encode(src, src_pos)
    chunked = model.encode(src, src_pos, chunk=2)
    real = ~whole.pad
    assert torch.equal(chunked.pad, whole.pad)
    assert torch.allclose(chunked.states[real], whole.states[real], atol=ATOL)
    assert not chunked.states[whole.pad].any()


@pytest.mark.parametrize("feat_dim", [F, 0])
def test_step_decoding_matches_forward(feat_dim):
    model = make_model(feat_dim)
    src, src_pos, tgt, tgt_pos, tgt_feat = make_batch()
    tgt_feat = tgt_feat if feat_dim else None
    full = model(src, src_pos, tgt, tgt_pos, tgt_feat)
    stepped = decode_all(model, src, src_pos, tgt, tgt_pos, tgt_feat)
    torch.testing.assert_close(stepped, full, atol=ATOL, rtol=0)


def test_batched_equals_one_by_one():
    model = make_model()
    batch = make_batch(S=12)  # extra padding beyond the longest source
    full = model(*batch)
    stepped = decode_all(model, *batch)
    for b, n in enumerate((9, 5, 7)):
        src, src_pos, tgt, tgt_pos, tgt_feat = (x[b: b + 1] for x in batch)
        row = (src[:, :n], src_pos[:, :n], tgt, tgt_pos, tgt_feat)
        torch.testing.assert_close(model(*row), full[b: b + 1], atol=ATOL, rtol=0)
        torch.testing.assert_close(decode_all(model, *row), stepped[b: b + 1], atol=ATOL, rtol=0)


def test_select_repeats_and_reorders_rows():
    model = make_model()
    src, src_pos, tgt, tgt_pos, tgt_feat = make_batch()
    cache = model.start(model.encode(src, src_pos))
    for t in range(4):
        model.step(tgt[:, t], tgt_pos[:, t], tgt_feat[:, t], cache)
    index = torch.tensor([2, 0, 0, 1, 2])
    picked = cache.select(index)
    copy = cache.clone()
    assert picked.batch_size == 5 and picked.length == 4
    expected = model.step(tgt[:, 4], tgt_pos[:, 4], tgt_feat[:, 4], cache)
    got = model.step(tgt[index, 4], tgt_pos[index, 4], tgt_feat[index, 4], picked)
    torch.testing.assert_close(got, expected[index], atol=ATOL, rtol=0)
    # The clone was not advanced by stepping the original.
    assert copy.length == 4
    again = model.step(tgt[:, 4], tgt_pos[:, 4], tgt_feat[:, 4], copy)
    torch.testing.assert_close(again, expected, atol=ATOL, rtol=0)


def test_causal():
    model = make_model()
    src, src_pos, tgt, tgt_pos, tgt_feat = make_batch()
    before = model(src, src_pos, tgt, tgt_pos, tgt_feat)
    tgt2, tgt_pos2, tgt_feat2 = tgt.clone(), tgt_pos.clone(), tgt_feat.clone()
    tgt2[:, 5] = (tgt2[:, 5] % (V - 1)) + 1
    tgt_pos2[:, 5:] += 1.0
    tgt_feat2[:, 6] -= 1.0
    after = model(src, src_pos, tgt2, tgt_pos2, tgt_feat2)
    torch.testing.assert_close(after[:, :5], before[:, :5], atol=ATOL, rtol=0)
    assert not torch.allclose(after[:, 5:], before[:, 5:])


def test_training_mode_backward():
    model = make_model(dropout=0.1).train()
    batch = make_batch()
    tgt = batch[2]

    def loss_with_dropout_seed(seed):
        torch.manual_seed(seed)
        logits = model(*batch)
        return torch.nn.functional.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1),
                                                 ignore_index=0)

    # Dropout is live in training mode: two draws differ, one draw repeats.
    assert loss_with_dropout_seed(1).item() != loss_with_dropout_seed(2).item()
    loss = loss_with_dropout_seed(1)
    loss.backward()
    assert torch.isfinite(loss)
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, f"{name} gets no gradient"
    # The gradient points downhill: a small step against it lowers the same loss.
    with torch.no_grad():
        for p in model.parameters():
            p -= 1e-2 * p.grad
    assert loss_with_dropout_seed(1).item() < loss.item()
    model.eval()
    assert torch.equal(model(*batch), model(*batch))


def expected_parameters(cfg: ModelConfig) -> int:
    """The count by hand: weights plus biases of every layer, the output layer tied."""
    d, ff = cfg.d_model, cfg.d_ff

    def linear(n_in, n_out):
        return n_in * n_out + n_out

    layer_norm = 2 * d
    attention = linear(d, 3 * d) + linear(d, d)             # self: qkv, proj
    cross = linear(d, d) + linear(d, 2 * d) + linear(d, d)  # q, kv, proj
    mlp = linear(d, ff) + linear(ff, d)
    embeddings = (cfg.vocab_size + cfg.max_src_len + cfg.max_tgt_len) * d
    inputs = 2 * linear(cfg.pos_dim, d) * (cfg.pos_dim > 0) + linear(cfg.feat_dim, d) * (
        cfg.feat_dim > 0)
    encoder = cfg.n_enc_layers * (2 * layer_norm + attention + mlp)
    decoder = cfg.n_dec_layers * (3 * layer_norm + attention + cross + mlp)
    return embeddings + inputs + encoder + decoder + 2 * layer_norm


@pytest.mark.parametrize("name", ["tiny", "small", "medium", "paper"])
@pytest.mark.parametrize("pos_dim,feat_dim", [(66, 512), (0, 0)])
def test_presets_have_the_parameter_count_of_their_config(name, pos_dim, feat_dim):
    cfg = ModelConfig.preset(name, vocab_size=23, pos_dim=pos_dim, feat_dim=feat_dim)
    with torch.device("meta"):  # count without allocating
        n = CircuitTransformer(cfg).num_parameters()
    assert n == expected_parameters(cfg)
    if name == "paper":
        assert 70e6 <= n <= 110e6


def test_config_round_trip():
    cfg = ModelConfig.preset("small", vocab_size=23, pos_dim=66, feat_dim=3, dropout=0.0)
    assert ModelConfig.from_dict(cfg.to_dict()) == cfg
    assert cfg.d_model == 128 and cfg.feat_dim == 3


@pytest.mark.parametrize("fields", [
    dict(d_model=30, n_heads=4),
    dict(n_heads=0),
    dict(vocab_size=1),
    dict(pos_dim=-1),
    dict(dropout=1.0),
    dict(d_model=64.0),
    dict(n_enc_layers=True),
])
def test_invalid_config_raises(fields):
    with pytest.raises(ValueError):
        ModelConfig(**{"vocab_size": V, "pos_dim": P, **fields})


def test_unknown_preset_and_field_raise():
    with pytest.raises(ValueError, match="preset"):
        ModelConfig.preset("huge", vocab_size=V, pos_dim=P)
    with pytest.raises(ValueError, match="unknown"):
        ModelConfig.from_dict({"vocab_size": V, "pos_dim": P, "width": 3})


def test_bad_inputs_raise():
    model = make_model()
    src, src_pos, tgt, tgt_pos, tgt_feat = make_batch()
    with pytest.raises(ValueError, match="tgt_feat"):
        model(src, src_pos, tgt, tgt_pos, None)
    with pytest.raises(ValueError, match="max_tgt_len"):
        model(src, src_pos, tgt.repeat(1, 3), tgt_pos.repeat(1, 3, 1), tgt_feat.repeat(1, 3, 1))
    cache = model.start(model.encode(src, src_pos), capacity=1)
    model.step(tgt[:, 0], tgt_pos[:, 0], tgt_feat[:, 0], cache)
    with pytest.raises(ValueError, match="full"):
        model.step(tgt[:, 1], tgt_pos[:, 1], tgt_feat[:, 1], cache)
