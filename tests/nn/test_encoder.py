"""Behaviour shared by every backbone behind :class:`circuitlab.nn.Encoder`."""

import random
from collections import deque

import pytest
import torch

from circuitlab.data import ENCODINGS, NodeType, to_pyg
from circuitlab.errors import CircuitlabError
from circuitlab.nn import ENCODERS, MASK_TYPE, POOLS, EncoderConfig, build_encoder, encoder_config
from encoder_inputs import batch_of, random_aig, three_graphs

BACKBONES = tuple(ENCODERS)

EVERY = [(b, e) for b in BACKBONES for e in ENCODINGS]


def test_the_config_names_every_registered_backbone():
    assert encoder_config.BACKBONES == BACKBONES


def _encoder(backbone, encoding, seed=0, **kw):
    torch.manual_seed(seed)
    kw.setdefault("hidden", 16)
    kw.setdefault("layers", 3)
    return build_encoder(EncoderConfig(backbone=backbone, encoding=encoding, **kw)).eval()


@pytest.mark.parametrize("backbone,encoding", EVERY)
@pytest.mark.parametrize("pool", POOLS)
def test_shapes(backbone, encoding, pool):
    enc = _encoder(backbone, encoding, pool=pool)
    graphs = three_graphs(encoding)
    batch = batch_of(graphs)
    states = enc(batch)
    assert states.shape == (batch.num_nodes, 16)
    assert states.dtype == torch.float32
    pooled = enc.pool(states, batch)
    assert pooled.shape == (3, 32 if pool == "mean_max" else 16) == (3, enc.pool_dim)
    assert torch.isfinite(states).all() and torch.isfinite(pooled).all()


@pytest.mark.parametrize("backbone,encoding", EVERY)
def test_batched_equals_one_graph_at_a_time(backbone, encoding):
    encs = [_encoder(backbone, encoding, pool=pool, hidden=64, layers=7) for pool in POOLS]
    graphs = three_graphs(encoding)
    assert len({g.num_nodes for g in graphs}) == 3
    batch = batch_of(graphs)
    with torch.no_grad():
        states = encs[0](batch)
        for k, g in enumerate(graphs):
            alone = encs[0](g)
            rows = slice(int(batch.ptr[k]), int(batch.ptr[k + 1]))
            torch.testing.assert_close(states[rows], alone, atol=1e-5, rtol=0)
            for enc in encs:  # same seed, so same weights: only the read-out differs
                torch.testing.assert_close(enc.pool(states, batch)[k:k + 1], enc.pool(alone, g),
                                           atol=1e-5, rtol=0)


@pytest.mark.parametrize("backbone,encoding", EVERY)
def test_same_seed_same_encoder(backbone, encoding):
    batch = batch_of(three_graphs(encoding))
    a, b = _encoder(backbone, encoding, seed=7), _encoder(backbone, encoding, seed=7)
    other = _encoder(backbone, encoding, seed=8)
    with torch.no_grad():
        assert torch.equal(a(batch), b(batch))
        assert not torch.allclose(a(batch), other(batch))


@pytest.mark.parametrize("backbone,encoding", EVERY)
def test_gradients_reach_every_parameter(backbone, encoding):
    enc = _encoder(backbone, encoding).train()
    batch = batch_of(three_graphs(encoding))
    node_type = batch.node_type.clone()
    ands = torch.nonzero(batch.node_type == NodeType.AND).flatten()
    node_type[ands[::2]] = MASK_TYPE
    states = enc(batch, node_type)
    (states.square().mean() + enc.pool(states, batch).sum()).backward()
    for name, p in enc.named_parameters():
        assert p.grad is not None, name
        assert p.grad.abs().sum() > 0, name


def _fanout_cone(edge_index, v):
    succ = {}
    for s, t in edge_index.t().tolist():
        succ.setdefault(s, []).append(t)
    cone, todo = {v}, deque([v])
    while todo:
        for t in succ.get(todo.popleft(), ()):
            if t not in cone:
                cone.add(t)
                todo.append(t)
    return cone


def _changed_nodes(enc, graph, v, new_type):
    node_type = graph.node_type.clone()
    node_type[v] = new_type
    with torch.no_grad():
        diff = (enc(graph) - enc(graph, node_type)).abs().amax(dim=1)
    return set(torch.nonzero(diff).flatten().tolist())


@pytest.mark.parametrize("backbone,encoding", EVERY)
def test_a_node_type_reaches_only_its_fanout_cone(backbone, encoding):
    enc = _encoder(backbone, encoding, layers=7)
    rng = random.Random(11)
    for latches in (0, 2):
        graph = to_pyg(random_aig(rng, num_inputs=4, num_ands=30, num_latches=latches), encoding)
        for v in rng.sample(range(graph.num_nodes), 8):
            new_type = rng.choice([t for t in range(MASK_TYPE + 1) if t != graph.node_type[v]])
            changed = _changed_nodes(enc, graph, v, new_type)
            cone = _fanout_cone(graph.edge_index, v)
            assert v in changed
            assert changed <= cone, sorted(changed - cone)
            succ = {t for s, t in graph.edge_index.t().tolist() if s == v}
            assert succ <= changed


@pytest.mark.parametrize("backbone,encoding", EVERY)
def test_bidirectional_reaches_the_fanin_too(backbone, encoding):
    enc = _encoder(backbone, encoding, bidirectional=True)
    graph = to_pyg(random_aig(random.Random(5), num_inputs=4, num_ands=20), encoding)
    and_node = int(torch.nonzero(graph.node_type == NodeType.AND)[-1])
    fanin = {s for s, t in graph.edge_index.t().tolist() if t == and_node}
    changed = _changed_nodes(enc, graph, and_node, MASK_TYPE)
    assert fanin <= changed
    assert not changed <= _fanout_cone(graph.edge_index, and_node)


@pytest.mark.parametrize("backbone", BACKBONES)
def test_inversion_flags_are_read_in_the_edge_attr_encoding(backbone):
    enc = _encoder(backbone, "edge_attr")
    graph = to_pyg(random_aig(random.Random(2), num_inputs=4, num_ands=20), "edge_attr")
    flipped = graph.clone()
    flipped.edge_attr = graph.edge_attr.clone()
    flipped.edge_attr[0] = 1.0 - flipped.edge_attr[0]
    with torch.no_grad():
        diff = (enc(graph) - enc(flipped)).abs().amax(dim=1)
    changed = set(torch.nonzero(diff).flatten().tolist())
    target = int(graph.edge_index[1, 0])
    assert target in changed
    assert changed <= _fanout_cone(graph.edge_index, target)


@pytest.mark.parametrize("backbone,encoding", EVERY)
def test_sequential_aig(backbone, encoding):
    aig = random_aig(random.Random(4), num_inputs=2, num_ands=15, num_outputs=1, num_latches=3)
    graph = to_pyg(aig, encoding)
    enc = _encoder(backbone, encoding)
    states = enc(graph)
    assert states.shape == (graph.num_nodes, 16)
    assert torch.isfinite(states).all()
    assert enc.pool(states, graph).shape == (1, enc.pool_dim)
    # The latch outputs are sources: their state is their input type's alone.
    latch_pi = graph.var_node[1 + aig.num_inputs:1 + aig.num_inputs + aig.num_latches]
    torch.testing.assert_close(states[latch_pi], states[latch_pi[:1]].expand(3, -1),
                               atol=0, rtol=0)


def test_dropout_acts_in_training_only():
    enc = _encoder("deepgcn", "not_nodes", dropout=0.5)
    batch = batch_of(three_graphs("not_nodes"))
    with torch.no_grad():
        assert torch.equal(enc(batch), enc(batch))
        enc.train()
        assert not torch.equal(enc(batch), enc(batch))


@pytest.mark.parametrize("backbone", BACKBONES)
def test_graphs_in_the_other_encoding_are_refused(backbone):
    for mine, theirs in (ENCODINGS, ENCODINGS[::-1]):
        enc = _encoder(backbone, mine)
        with pytest.raises(CircuitlabError, match=repr(mine)):
            enc(batch_of(three_graphs(theirs)))


def test_edge_attr_encoding_needs_edge_attr():
    graph = to_pyg(random_aig(random.Random(1)), "edge_attr")
    del graph.edge_attr
    with pytest.raises(CircuitlabError, match=r"edge_attr of shape \[E, 1\]"):
        _encoder("gin", "edge_attr")(graph)


def test_num_parameters_counts_every_scalar():
    enc = _encoder("sage", "not_nodes")
    assert enc.num_parameters() == sum(p.numel() for p in enc.parameters())
    # the state holds the parameters and one buffer, the read-out centre
    state = enc.state_dict()
    assert state.pop("readout_centre").shape == (enc.pool_dim,)
    assert enc.num_parameters() == sum(p.numel() for p in state.values())
