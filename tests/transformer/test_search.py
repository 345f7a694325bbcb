import numpy as np
import pytest
import torch
from circuits import random_batch
from oracle import assert_equivalent

from circuitlab.errors import CircuitlabError
from circuitlab.transformer.constraints import output_tables
from circuitlab.transformer.model import CircuitTransformer, ModelConfig
from circuitlab.transformer.search import SearchParams, search
from circuitlab.transformer.tokenizer import Tokenizer, TokenizerConfig

TOK = Tokenizer(TokenizerConfig(max_len=96))  # short caps keep random-model decodes quick


def random_model(seed=0):
    cfg = TOK.config
    torch.manual_seed(seed)
    mc = ModelConfig.preset("tiny", vocab_size=cfg.vocab_size, pos_dim=cfg.pos_dim,
                            feat_dim=2 * cfg.num_minterms, max_src_len=cfg.max_len,
                            max_tgt_len=cfg.max_len, dropout=0.0)
    return CircuitTransformer(mc).eval()


@pytest.fixture(scope="module")
def model():
    return random_model()


@pytest.fixture(scope="module")
def circuits():
    return [a for a in random_batch(21, 32) if TOK.fits(a)]


def _check(results, circuits):
    assert [r.source for r in results] == circuits
    for r, src in zip(results, circuits):
        assert np.array_equal(output_tables(TOK.config, r.aig), output_tables(TOK.config, src))
        assert r.ands_after <= r.ands_before
        assert r.violations == 0
        if r.decoded is not None:
            assert np.array_equal(output_tables(TOK.config, r.decoded),
                                  output_tables(TOK.config, src))


@pytest.mark.parametrize("method,budget", [("greedy", 1), ("sample", 4), ("beam", 3), ("mcts", 4)])
def test_every_method_returns_equivalent_circuits_for_a_random_model(model, circuits,
                                                                     method, budget):
    results, stats = search(model, TOK, circuits, SearchParams(method=method, budget=budget,
                                                               batch_size=64))
    _check(results, circuits)
    assert stats.violations == 0 and stats.circuits == len(circuits)
    assert stats.candidates == len(circuits) * budget
    for r in results[:10]:
        assert_equivalent(r.aig, r.source)


def test_greedy_batched_equals_one_by_one(model, circuits):
    batched, _ = search(model, TOK, circuits[:6], SearchParams(batch_size=6))
    for r, src in zip(batched, circuits[:6]):
        (alone,), _ = search(model, TOK, [src], SearchParams(batch_size=1))
        assert alone.tokens == r.tokens


def test_beam_of_width_one_is_greedy(model, circuits):
    """Both take the most probable legal token at every step of the same masked step."""
    greedy, _ = search(model, TOK, circuits)
    beam, _ = search(model, TOK, circuits, SearchParams(method="beam", budget=1))
    assert [b.tokens for b in beam] == [g.tokens for g in greedy]
    assert any(g.tokens for g in greedy)


def test_sampling_is_reproducible_and_never_worse_than_greedy(model, circuits):
    params = SearchParams(method="sample", budget=4, seed=3)
    a, _ = search(model, TOK, circuits[:12], params)
    b, _ = search(model, TOK, circuits[:12], params)
    greedy, _ = search(model, TOK, circuits[:12])
    assert [r.tokens for r in a] == [r.tokens for r in b]
    assert all(x.ands_after <= g.ands_after for x, g in zip(a, greedy))


def test_mcts_is_never_worse_than_greedy(model, circuits):
    greedy, _ = search(model, TOK, circuits[:12])
    tree, _ = search(model, TOK, circuits[:12], SearchParams(method="mcts", budget=3))
    assert all(t.ands_after <= g.ands_after for t, g in zip(tree, greedy))


def test_model_calls_count_each_rows_decoding_steps(model, circuits):
    from circuitlab.transformer.decode import prepare, run_decoder
    from circuitlab.transformer.tokenizer import PAD
    decoded = run_decoder(model, TOK, prepare(TOK, circuits), chunk=8)
    done = ~decoded.failed
    assert done.any()
    written = (decoded.tokens != PAD).sum(1)  # EOS included: one step per token
    assert torch.equal(decoded.steps[done], written[done])
    _, greedy = search(model, TOK, circuits)
    _, beam = search(model, TOK, circuits, SearchParams(method="beam", budget=1))
    _, sample = search(model, TOK, circuits, SearchParams(method="sample", budget=3))
    _, tree = search(model, TOK, circuits, SearchParams(method="mcts", budget=3))
    assert greedy.model_calls == beam.model_calls == int(decoded.steps.sum())
    # greedy is the first of the samples and the first MCTS rollout
    assert sample.model_calls > greedy.model_calls and tree.model_calls > greedy.model_calls


def test_care_sets(model, circuits):
    rng = np.random.default_rng(0)
    cares = [rng.integers(0, 2**63, size=(a.num_outputs, TOK.config.num_words),
                          dtype=np.uint64) for a in circuits[:12]]
    results, _ = search(model, TOK, circuits[:12], SearchParams(method="sample", budget=2),
                        cares=cares)
    for r, care in zip(results, cares):
        diff = (output_tables(TOK.config, r.aig) ^ output_tables(TOK.config, r.source)) & care
        assert not diff.any()


def test_bad_search_parameters():
    with pytest.raises(CircuitlabError, match="method must be one of"):
        SearchParams(method="astar")
    with pytest.raises(CircuitlabError, match="budget"):
        SearchParams(budget=0)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_random_models_return_equivalent_circuits_on_thousands_of_circuits(seed):
    """Any weights: 1,200 random circuits per model, each result proven by the checker."""
    from circuitlab.verify import Verdict, check_equivalence
    model = random_model(seed)
    aigs = [a for a in random_batch(100 + seed, 1400) if TOK.fits(a)][:1200]
    assert len(aigs) == 1200
    for params in (SearchParams(batch_size=256), SearchParams("sample", 2, batch_size=256)):
        results, stats = search(model, TOK, aigs, params)
        assert stats.violations == 0
        for r in results:
            assert r.ands_after <= r.ands_before
            assert check_equivalence(r.source, r.aig, match="position").verdict \
                is Verdict.EQUIVALENT
            if r.decoded is not None:
                assert check_equivalence(r.source, r.decoded, match="position").verdict \
                    is Verdict.EQUIVALENT
