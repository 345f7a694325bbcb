"""The QoR head: recipe tokens, the recipe encoder, training, and its checkpoint."""

import numpy as np
import pytest
import torch

from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.nn import load_default_encoder
from circuitlab.nn.pretrained import DEFAULT_CHECKPOINT
from circuitlab.synth.recipes import STEPS, random_recipe
from circuitlab.tasks.qor import QorParams
from circuitlab.tasks.qor_head import QorHead, QorHeadConfig, load_head, save_head
from circuitlab.tasks.qor_train import train_head, train_pairs, validation_split
from circuitlab.tasks.recipe_encoder import PAD, RecipeEncoder, recipe_tokens


def test_tokens_are_canonical_and_padded():
    tokens = recipe_tokens([["rw", "balance"], ["rewrite", "resub -z", "b"]])
    assert tokens.tolist() == [[1, 7, PAD], [1, 6, 7]]
    assert STEPS[0] == "rewrite" and STEPS[6] == "balance"


def test_a_step_the_head_does_not_know_is_refused():
    with pytest.raises(CircuitlabError, match="resub -K 6"):
        recipe_tokens([["rewrite"], ["resub -K 6"]])
    with pytest.raises(CircuitlabError, match="empty"):
        recipe_tokens([[]])


def test_the_recipe_encoder_ignores_padding_and_reads_order():
    torch.manual_seed(0)
    enc = RecipeEncoder(len(STEPS)).eval()
    short, long = ["rewrite", "balance", "refactor -z"], random_recipe(3, 8)
    batch = enc(recipe_tokens([short, long]))
    assert batch.shape == (2, enc.out_dim)
    torch.testing.assert_close(batch[0], enc(recipe_tokens([short]))[0])
    torch.testing.assert_close(batch[1], enc(recipe_tokens([long]))[0])
    assert not torch.allclose(enc(recipe_tokens([short[::-1]]))[0], batch[0])


def _synthetic(designs=12, recipes=16, dim=8, seed=0):
    """Labels that depend on the design (its feature 0) and on the recipe's balance count."""
    rng = np.random.default_rng(seed)
    graphs = rng.normal(size=(designs, dim)).astype(np.float32)
    steps = [random_recipe(seed + k, 6) for k in range(recipes)]
    balances = np.array([s.count("balance") for s in steps], dtype=float)
    ands = 100 + 5 * np.outer(np.sign(graphs[:, 0]), balances) + rng.normal(size=(designs, recipes))
    z = np.stack([(a.mean() - a) / a.std() for a in ands])
    return graphs, recipe_tokens(steps), z, np.log((ands + 1) / 101)


def test_training_lowers_the_loss_and_is_seeded():
    graphs, tokens, z, ratio = _synthetic()
    config = QorHeadConfig(graph_dim=graphs.shape[1], hidden=32, dropout=0.0)
    kwargs = dict(epochs=40, batch_size=32, lr=3e-3, weight_decay=0.0, val_fraction=0.0,
                  patience=5, seed=1)
    head, stats = train_head(graphs, tokens, z, ratio, config, **kwargs)
    assert stats.epochs == 40 and stats.val_loss == []
    assert stats.train_loss[-1] < 0.5 * stats.train_loss[0]
    again, _ = train_head(graphs, tokens, z, ratio, config, **kwargs)
    x = torch.as_tensor(graphs[:2])
    torch.testing.assert_close(head(x, tokens[:2]), again(x, tokens[:2]))


def test_early_stopping_keeps_the_best_validation_epoch():
    graphs, tokens, z, ratio = _synthetic()
    config = QorHeadConfig(graph_dim=graphs.shape[1], hidden=32, dropout=0.0)
    head, stats = train_head(graphs, tokens, z, ratio, config, epochs=60, batch_size=32,
                             lr=3e-3, weight_decay=0.0, val_fraction=0.25, patience=3, seed=0)
    assert len(stats.val_designs) == 3 and len(stats.val_loss) == stats.epochs
    assert stats.val_loss[stats.best_epoch - 1] == min(stats.val_loss)


def test_designs_labelled_on_their_own_recipes_teach_the_head_the_others():
    # each design labelled on half the recipes, a different half for each: the
    # head ranks a design's unseen recipes by what the others taught it
    graphs, tokens, z, ratio = _synthetic(designs=40, recipes=16)
    rng = np.random.default_rng(3)
    seen = np.stack([rng.permutation(16) < 8 for _ in range(40)])
    pair_d, pair_r = np.nonzero(seen)
    config = QorHeadConfig(graph_dim=graphs.shape[1], hidden=32, dropout=0.0)
    head, stats = train_pairs(graphs, tokens, pair_d, pair_r, z[seen], ratio[seen], config,
                              epochs=60, batch_size=32, lr=3e-3, weight_decay=0.0,
                              val_fraction=0.0, patience=5, seed=0)
    with torch.no_grad():
        out = head(torch.as_tensor(graphs).repeat_interleave(16, 0), tokens.repeat(40, 1))
    pred = out[:, 0].numpy().reshape(40, 16)
    unseen = [np.corrcoef(pred[d][~seen[d]], z[d][~seen[d]])[0, 1] for d in range(40)]
    assert np.mean(unseen) > 0.5


def test_the_grid_is_every_pair():
    graphs, tokens, z, ratio = _synthetic()
    config = QorHeadConfig(graph_dim=graphs.shape[1], hidden=16, dropout=0.0)
    kwargs = dict(epochs=3, batch_size=32, lr=3e-3, weight_decay=0.0, val_fraction=0.25,
                  patience=5, seed=2)
    grid, a = train_head(graphs, tokens, z, ratio, config, **kwargs)
    d, r = np.nonzero(np.ones_like(z, dtype=bool))
    pairs, b = train_pairs(graphs, tokens, d, r, z[d, r], ratio[d, r], config, **kwargs)
    assert a.train_loss == b.train_loss and a.val_loss == b.val_loss
    for (name, x), y in zip(grid.state_dict().items(), pairs.state_dict().values()):
        assert torch.equal(x, y), name


def test_validation_split():
    fit, val = validation_split(20, 0.15, seed=0)
    assert len(val) == 3 and sorted(np.concatenate([fit, val]).tolist()) == list(range(20))
    assert len(validation_split(3, 0.15, seed=0)[1]) == 0


def test_a_constant_feature_does_not_swing_a_prediction():
    head = QorHead(QorHeadConfig(graph_dim=2)).eval()
    head.set_graph_stats(torch.tensor([[1.0, 0.0], [1.0, 2.0]]))
    tokens = recipe_tokens([["rewrite"]])
    far = head(torch.tensor([[1e6, 1.0]]), tokens)
    near = head(torch.tensor([[1.0, 1.0]]), tokens)
    torch.testing.assert_close(far, near)


def test_principal_components_are_the_training_designs_axes():
    rng = np.random.default_rng(0)
    # 30 designs whose 40 features vary along two directions only
    axes = rng.normal(size=(2, 40))
    graphs = torch.as_tensor(rng.normal(size=(30, 2)) * [5.0, 1.0] @ axes + 3.0)
    head = QorHead(QorHeadConfig(graph_dim=40, components=3)).eval()
    head.set_graph_stats(graphs.float())
    seen = head.project(graphs.float())
    assert seen.shape == (30, 3)
    # the two axes carry every design's variation, standardised to unit spread;
    # the third axis is (numerically) empty and read as constant
    std = ((seen - head.graph_mean) / head.graph_std).std(dim=0, unbiased=False)
    torch.testing.assert_close(std[:2], torch.ones(2), atol=1e-4, rtol=0)
    assert torch.isinf(head.graph_std[2]) or std[2] < 1e-3
    # a move orthogonal to both axes changes nothing the head reads
    ortho = torch.as_tensor(np.linalg.svd(axes)[2][-1]).float()
    tokens = recipe_tokens([["rewrite"], ["balance"]])
    x = graphs[:1].float().expand(2, -1)
    torch.testing.assert_close(head(x, tokens), head(x + 10 * ortho, tokens))


def test_fewer_designs_than_components_leave_zero_axes():
    head = QorHead(QorHeadConfig(graph_dim=6, components=8)).eval()
    head.set_graph_stats(torch.randn(4, 6))
    assert head.graph_basis.shape == (6, 8)
    assert torch.count_nonzero(head.graph_basis[:, 6:]) == 0


def test_a_projecting_head_round_trips_through_its_checkpoint(tmp_path):
    encoder = load_default_encoder()
    head = QorHead(QorHeadConfig(graph_dim=encoder.embedding_dim, components=4)).eval()
    head.set_graph_stats(torch.randn(10, encoder.embedding_dim))
    meta = {"recipes": {"count": 2, "seed": 0, "length": 20, "engine": "aigverse"},
            "mean_ranks": [1.0, 2.0], "mean_log_ratio": [-0.1, -0.2]}
    save_head(tmp_path / "head.pt", head, encoder, meta)
    again, _, _ = load_head(tmp_path / "head.pt")
    assert again.config.components == 4
    tokens = recipe_tokens([random_recipe(0, 20)])
    x = torch.randn(1, encoder.embedding_dim)
    torch.testing.assert_close(head(x, tokens), again(x, tokens))


def test_qor_params_carry_the_projection_to_the_head():
    assert QorParams(components=8).head_config(64).components == 8
    assert QorParams(components=8).head_config(6, components=0).components == 0
    with pytest.raises(ParamError, match="components"):
        QorParams(components=-1)


def test_a_checkpoint_loads_with_nothing_else(tmp_path):
    encoder = load_default_encoder()
    head = QorHead(QorHeadConfig(graph_dim=encoder.embedding_dim)).eval()
    meta = {"recipes": {"count": 2, "seed": 0, "length": 20, "engine": "aigverse"},
            "mean_ranks": [1.0, 2.0], "mean_log_ratio": [-0.1, -0.2], "heldout": ["x"]}
    path = tmp_path / "head.pt"
    save_head(path, head, encoder, meta)
    head2, encoder2, meta2 = load_head(path)
    assert meta2 == meta
    tokens = recipe_tokens([random_recipe(0, 20)])
    x = torch.randn(1, encoder.embedding_dim)
    torch.testing.assert_close(head(x, tokens), head2(x, tokens))
    for a, b in zip(encoder.state_dict().values(), encoder2.state_dict().values()):
        torch.testing.assert_close(a, b)


def test_a_missing_or_foreign_checkpoint_is_one_error(tmp_path):
    with pytest.raises(CircuitlabError, match="none.pt: no such checkpoint"):
        load_head(tmp_path / "none.pt")
    with pytest.raises(CircuitlabError, match="not a circuitlab QoR checkpoint"):
        load_head(DEFAULT_CHECKPOINT)
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(CircuitlabError, match=r"junk.pt: not a circuitlab checkpoint \(not a file "
                                              "written by torch.save\\)"):
        load_head(tmp_path / "junk.pt")


@pytest.mark.parametrize("field, value", [("recipes", 1), ("kernel", 4), ("dropout", 1.0),
                                          ("engine", "yosys"), ("val_fraction", 1.0),
                                          ("lr", 0.0)])
def test_params_name_the_field_at_fault(field, value):
    with pytest.raises(ParamError) as info:
        QorParams(**{field: value})
    assert info.value.field == field


def test_the_shipped_head_resaved_in_the_shared_format_gives_the_same_scores(tmp_path):
    from circuitlab.tasks.qor_head import DEFAULT_HEAD
    raw = torch.load(DEFAULT_HEAD, map_location="cpu", weights_only=True)
    head, encoder, meta = load_head()
    assert all(torch.equal(v, raw["head"][k]) for k, v in head.state_dict().items())
    assert all(torch.equal(v, raw["encoder"][k]) for k, v in encoder.state_dict().items())
    path = tmp_path / "new.pt"
    save_head(path, head, encoder, meta)
    head2, encoder2, meta2 = load_head(path)
    assert meta2.keys() == meta.keys() and meta2["recipes"] == meta["recipes"]
    tokens = recipe_tokens([random_recipe(k, 20) for k in range(3)])
    x = torch.randn(3, encoder.embedding_dim)
    with torch.no_grad():
        assert torch.equal(head(x, tokens), head2(x, tokens))
