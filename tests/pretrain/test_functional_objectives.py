import csv
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from circuitlab.aig import AigBuilder
from circuitlab.data import NodeType
from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.nn import EncoderConfig
from circuitlab.pretrain import PretrainConfig, PretrainModel, pretrain
from circuitlab.pretrain.contrast import ContrastParams, contrast_sample
from circuitlab.pretrain.evaluate import shuffled_tokens, text_check
from circuitlab.pretrain.functional import (node_responses, probability_targets,
                                            tt_distance)
from circuitlab.pretrain.functional_graphs import contrast_graph, function_id, functional_graph
from circuitlab.pretrain.objective_contrast import contrast_loss
from circuitlab.pretrain.objective_prob import ProbHead, prob_loss
from pretrain_graphs import tiny_graphs


def adder(chain_left: bool = True):
    """A 3-bit ripple adder's sum and carry bits; the carry chain grouped two ways."""
    b = AigBuilder()
    x, y = b.add_inputs(3), b.add_inputs(3)
    carry = 0
    for i in range(3):
        s = b.xor(b.xor(x[i], y[i]), carry) if chain_left else b.xor(x[i], b.xor(y[i], carry))
        b.add_output(s)
        carry = b.maj(x[i], y[i], carry)
    b.add_output(carry)
    return b.build()


def test_func_names_the_three_functional_objectives_and_combines():
    assert PretrainConfig(method="func").objectives == ("contrast", "prob", "ttd")
    config = PretrainConfig(method="func+mgm")
    assert config.masked_objectives == ("mgm",)
    assert config.functional_objectives == ("contrast", "prob", "ttd")
    assert PretrainConfig(method="prob+ttd").objectives == ("prob", "ttd")
    with pytest.raises(ParamError):
        PretrainConfig(method="func+prob")
    with pytest.raises(ParamError):
        PretrainConfig(method="func+shape")


def test_bidirectional_messages_only_where_no_masked_type_leaks():
    both = EncoderConfig(bidirectional=True)
    assert PretrainConfig(encoder=both, method="func").encoder.bidirectional
    with pytest.raises(ParamError, match="bidirectional"):
        PretrainConfig(encoder=both, method="func+mgm")


def test_functional_graph_caches_deepgate2_targets_on_the_graph():
    aig = adder()
    graph = functional_graph(aig)
    prob = graph.prob.numpy()
    ands = graph.node_type.numpy() == int(NodeType.AND)
    assert np.isnan(prob[~ands]).all()
    want = probability_targets(aig)[aig.first_and_var:aig.num_vars]
    np.testing.assert_allclose(prob[aig.first_and_var:aig.num_vars], want, atol=1e-7)
    values, patterns = node_responses(aig)
    pairs = graph.tt_pair_index.numpy().T
    np.testing.assert_allclose(graph.tt_dist.numpy(), tt_distance(values, patterns, pairs),
                               atol=1e-7)
    assert graph.view_func.tolist() == [function_id(aig)]


def test_function_ids_equal_for_equivalent_circuits_only():
    assert function_id(adder(True)) == function_id(adder(False))
    b = AigBuilder()
    x, y = b.add_inputs(3), b.add_inputs(3)
    for i in range(4):
        b.add_output(b.and_(x[i % 3], y[i % 3]))
    assert function_id(b.build()) != function_id(adder())


def test_contrast_graph_views_share_ids_by_proven_function_and_batch_offsets():
    sample = contrast_sample(adder(True), 2, [adder(False)], ContrastParams(seed=1))
    assert sample.positives and sample.negatives
    graph = contrast_graph(sample)
    views = 1 + len(sample.positives) + len(sample.negatives)
    ids = graph.view_func.tolist()
    assert len(ids) == views == int(graph.view_batch.max()) + 1
    assert ids[:1 + len(sample.positives)] == [ids[0]] * (1 + len(sample.positives))
    assert ids[0] not in ids[1 + len(sample.positives):]
    batch = Batch.from_data_list([graph, graph])
    assert batch.view_func.numel() == 2 * views
    assert int(batch.view_batch.max()) == 2 * views - 1
    n = graph.num_nodes
    assert torch.equal(batch.tt_pair_index[:, graph.tt_pair_index.size(1):],
                       graph.tt_pair_index + n)


def test_contrast_loss_rewards_embeddings_that_follow_function():
    func = torch.tensor([0, 0, 1, 1])
    good = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    bad = good[[0, 2, 1, 3]]
    low, found = contrast_loss(good, func, 0.1)
    high, _ = contrast_loss(bad, func, 0.1)
    assert low < high
    assert float(found["contrast_acc"]) == 1.0
    alone = torch.randn(3, 2, requires_grad=True)
    zero, _ = contrast_loss(alone, torch.tensor([0, 1, 2]), 0.1)
    zero.backward()
    assert float(zero.detach()) == 0.0 and alone.grad is not None


def test_prob_loss_is_the_l1_error_on_nodes_with_a_target():
    head = ProbHead(4)
    states = torch.randn(5, 4)
    target = torch.tensor([0.25, math.nan, 0.5, math.nan, 1.0])
    loss, _ = prob_loss(head, states, SimpleNamespace(prob=target))
    pred = head(states)
    keep = ~torch.isnan(target)
    assert torch.isclose(loss, (pred[keep] - target[keep]).abs().mean())


def _graphs():
    graphs = [functional_graph(adder())]
    for out in range(4):
        sample = contrast_sample(adder(True), out, [adder(False)], ContrastParams(seed=out))
        graphs.append(contrast_graph(sample))
    return graphs


def test_func_training_lowers_its_losses_through_the_shared_loop(tmp_path):
    config = PretrainConfig(method="func", steps=40, node_budget=4000, device="cpu",
                            progress=False, log_interval=5, ckpt_interval=40, lr=3e-3,
                            encoder=EncoderConfig(hidden=32, layers=3, bidirectional=True))
    stats = pretrain(config, _graphs(), tmp_path / "run")
    with open(stats["metrics"], newline="") as f:
        rows = list(csv.DictReader(f))
    for column in ("loss", "prob_mae", "ttd_mae"):
        assert float(rows[-1][column]) < float(rows[0][column]), column
    assert stats["summary"][0].startswith("40 steps")


def test_functional_objectives_refuse_graphs_without_targets(tmp_path):
    config = PretrainConfig(method="func+mgm", steps=2, device="cpu", progress=False)
    with pytest.raises(CircuitlabError, match="prob"):
        pretrain(config, tiny_graphs(4), tmp_path / "run")


def test_shuffled_tokens_give_every_graph_another_designs_text():
    graphs = tiny_graphs(6, text_dim=8)
    for k, g in enumerate(graphs):
        g.design = f"d{k % 3}"
    shuffled = shuffled_tokens(graphs)
    for g, s in zip(graphs, shuffled):
        own = [h.text_tokens for h in graphs if h.design == g.design][0]
        assert not torch.equal(s.text_tokens, own)
        donors = [h for h in graphs if torch.equal(h.text_tokens, s.text_tokens)]
        assert donors and donors[0].design != g.design


def test_text_check_cannot_tell_designs_apart_when_their_texts_are_equal(tmp_path):
    graphs = tiny_graphs(6, text_dim=16, text_tokens=2)
    same = graphs[0].text_tokens[0]
    from circuitlab.pretrain import with_text_tokens
    graphs = [with_text_tokens(g, same) for g in graphs]
    for k, g in enumerate(graphs):
        g.design = f"d{k}"
    config = PretrainConfig(method="vga", text_dim=16, text_tokens=2, cross_heads=4,
                            steps=3, device="cpu", progress=False,
                            encoder=EncoderConfig(hidden=16, layers=2))
    stats = pretrain(config, graphs, tmp_path / "run", held_out=graphs)
    found = stats["text_check"]
    assert found["own"] == found["shuffled"]
    assert set(found) == {"own", "shuffled", "zero"}
    assert any(line.startswith("VGA masked-type accuracy") for line in stats["summary"])
    model = PretrainModel(config)
    assert set(text_check(model, graphs)) == {"own", "shuffled", "zero"}


def test_func_mgm_vga_trains_on_contrast_graphs_carrying_text(tmp_path):
    from circuitlab.pretrain import with_text_tokens
    gen = torch.Generator().manual_seed(0)
    graphs = [with_text_tokens(g, torch.randn(2, 16, generator=gen)) for g in _graphs()]
    config = PretrainConfig(method="func+mgm+vga", text_dim=16, text_tokens=2, cross_heads=4,
                            steps=3, device="cpu", progress=False, log_interval=1,
                            encoder=EncoderConfig(hidden=16, layers=2))
    stats = pretrain(config, graphs, tmp_path / "run")
    with open(stats["metrics"], newline="") as f:
        columns = next(csv.reader(f))
    for column in ("mgm_type_acc", "vga_type_acc", "contrast_acc", "prob_mae", "ttd_mae"):
        assert column in columns
    assert math.isfinite(stats["loss"])
