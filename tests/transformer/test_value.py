import numpy as np
import pytest
import torch
from circuits import random_batch
from oracle import assert_equivalent
from test_search import TOK, model, random_model  # noqa: F401  (model: the shared fixture)

from circuitlab.errors import CircuitlabError
from circuitlab.transformer.constraints import output_tables
from circuitlab.transformer.search import SearchParams, search
from circuitlab.transformer.value import (ValueData, ValueGuide, ValueHead, collect, fit_value,
                                          load_value, save_value, value_error)


@pytest.fixture(scope="module")
def circuits():
    return [a for a in random_batch(23, 12) if TOK.fits(a)]


def _head(model, seed=0):
    torch.manual_seed(seed)
    return ValueHead(model.config.d_model, TOK.config.vocab_size, 16).eval()


def test_a_guide_of_weight_zero_changes_nothing(model, circuits):
    plain, stats = search(model, TOK, circuits)
    guided, guided_stats = search(model, TOK, circuits, guide=ValueGuide(_head(model), 0.0))
    assert [g.tokens for g in guided] == [p.tokens for p in plain]
    assert guided_stats.model_calls == stats.model_calls


@pytest.mark.parametrize("method,budget", [("greedy", 1), ("sample", 3), ("beam", 2), ("mcts", 3)])
def test_a_strong_guide_changes_decodes_and_keeps_them_equivalent(model, circuits, method,
                                                                  budget):
    head = _head(model)
    with torch.no_grad():  # a value that strongly disagrees with the model's choices
        head.net[-1].weight.normal_(0.0, 1.0)
    params = SearchParams(method=method, budget=budget, batch_size=64)
    plain, _ = search(model, TOK, circuits, params)
    guided, stats = search(model, TOK, circuits, params, guide=ValueGuide(head, 50.0))
    assert stats.violations == 0
    if method in ("greedy", "sample"):
        assert [g.tokens for g in guided] != [p.tokens for p in plain]
    for r, src in zip(guided, circuits):
        assert np.array_equal(output_tables(TOK.config, r.aig), output_tables(TOK.config, src))
        assert_equivalent(r.aig, src)


def test_the_guide_shifts_each_legal_logit_by_its_predicted_size(model, circuits):
    from circuitlab.transformer.decode import Cursor, prepare
    head = _head(model)
    batch = prepare(TOK, circuits[:4])
    plain, guided = Cursor(model, TOK, batch), Cursor(model, TOK, batch, ValueGuide(head, 3.0))
    a, _ = plain.scores()
    b, _ = guided.scores()
    legal = torch.isfinite(a)
    assert torch.equal(legal, torch.isfinite(b))
    assert torch.allclose((b - a)[legal], (-3.0 * head(guided.states))[legal], atol=1e-5)
    assert torch.equal(plain.states, guided.states)


def test_collect_records_every_step_of_every_sample(model, circuits):
    data = collect(model, TOK, circuits, samples=2, seed=1, chunk=5)
    again = collect(model, TOK, circuits, samples=2, seed=1, chunk=5)
    assert torch.equal(data.tokens, again.tokens) and torch.equal(data.target, again.target)
    assert data.states.shape == (len(data), model.config.d_model)
    assert set(data.circuit.tolist()) == set(range(len(circuits)))
    # each sample's steps share one target: the size its decode ended at, over the source's
    for k, src in enumerate(circuits):
        fractions = set(data.target[data.circuit == k].tolist())
        assert 1 <= len(fractions) <= 2
        assert all(f * max(1, src.num_ands) == pytest.approx(round(f * max(1, src.num_ands)))
                   for f in fractions)


def test_fit_value_learns_what_the_taken_token_predicts(model):
    gen = torch.Generator().manual_seed(0)
    n, d, v = 4000, model.config.d_model, TOK.config.vocab_size
    states = torch.randn(n, d, generator=gen)
    tokens = torch.randint(0, 4, (n,), generator=gen)
    target = 0.5 + 0.1 * tokens.float() + 0.2 * states[:, 0]
    data = ValueData(states, tokens, target, torch.arange(n) // 8)
    head, losses = fit_value(data, d, v, hidden=32, epochs=30, batch_size=256, lr=3e-3)
    err = value_error(head, data)
    assert losses[-1] < losses[0]
    assert err["mse"] < 0.2 * err["mse_mean"]


def test_a_value_head_loads_only_for_its_model(model, tmp_path):
    head = _head(model)
    path = tmp_path / "value.pt"
    save_value(path, head, model, {"fit": {"circuits": 0}})
    loaded = load_value(path, model)
    states = torch.randn(3, model.config.d_model)
    assert torch.allclose(loaded(states), head(states), atol=1e-2)
    with pytest.raises(CircuitlabError, match=f"{path}: the value head was fitted on another "
                                              "transformer"):
        load_value(path, random_model(seed=1))
    with pytest.raises(CircuitlabError, match="nothing.pt"):
        load_value(tmp_path / "nothing.pt", model)


def test_the_advantage_takes_each_circuits_mean():
    data = ValueData(torch.zeros(5, 2), torch.zeros(5, dtype=torch.long),
                     torch.tensor([1.0, 3.0, 0.5, 0.5, 2.0]), torch.tensor([0, 0, 1, 1, 2]))
    assert data.advantage().target.tolist() == [-1.0, 1.0, 0.0, 0.0, 0.0]
