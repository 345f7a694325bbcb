"""Input codes: fixed per position, shared by equivalent circuits, telling mirrored inputs apart."""

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from circuitlab.aig import AigBuilder
from circuitlab.data import NodeType, to_pyg
from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.nn import EncoderConfig, build_encoder
from circuitlab.nn.input_codes import MAX_INPUT_CODES, input_codes


def test_codes_are_signs_fixed_by_position_and_look_independent():
    first = input_codes(torch.arange(512), 64)
    again = input_codes(torch.tensor([511, 3, 0]), 64)
    assert set(first.unique().tolist()) == {-1.0, 1.0}
    assert torch.equal(again, first[[511, 3, 0]])
    assert torch.equal(input_codes(torch.arange(4), 8), first[:4, :8])
    # balanced bits, nearly orthogonal codes
    assert abs(float(first.mean())) < 0.02
    gram = (first @ first.T) / 64
    off = gram[~torch.eye(512, dtype=torch.bool)]
    assert float(off.abs().max()) < 0.6 and abs(float(off.mean())) < 0.02
    assert len({tuple(row) for row in first.tolist()}) == 512


def test_banks_are_independent_sets_of_codes_and_bank_0_is_the_default():
    position = torch.arange(256)
    base = input_codes(position, 64)
    assert torch.equal(input_codes(position, 64, 0), base)
    other = input_codes(position, 64, 3)
    assert torch.equal(input_codes(position, 64, torch.full((256,), 3)), other)
    # bank 3 is not bank 0 shifted: agreement as between independent codes
    agree = float((other == base).float().mean())
    assert 0.45 < agree < 0.55
    mixed = input_codes(position[:2], 64, torch.tensor([0, 3]))
    assert torch.equal(mixed, torch.stack([base[0], other[1]]))


def test_an_embedding_concatenates_the_read_outs_under_each_bank():
    graph = to_pyg(_and_with_one_inverted(0))
    config = dict(backbone="dag", hidden=16, layers=1, pool="po_mean", input_codes=8)
    torch.manual_seed(0)
    one = build_encoder(EncoderConfig(**config)).eval()
    three = build_encoder(EncoderConfig(**config, code_banks=3)).eval()
    three.load_state_dict(one.state_dict())
    assert three.embedding_dim == 3 * one.embedding_dim == 3 * one.pool_dim
    with torch.no_grad():
        found = three.embed(graph)
        parts = []
        for bank in range(3):
            graph.code_bank = torch.tensor([bank])
            parts.append(one.embed(graph))
        del graph.code_bank
        assert not torch.equal(parts[0], parts[1])
        torch.testing.assert_close(found, torch.cat(parts, dim=-1))
        assert not hasattr(graph, "code_bank")
        batch = Batch.from_data_list([graph, to_pyg(_and_with_one_inverted(1))])
        torch.testing.assert_close(three.embed(batch)[:1], found)
    from circuitlab.inference import encode_aigs
    rows, states = encode_aigs([_and_with_one_inverted(0)], three, nodes=True)
    np.testing.assert_allclose(rows, found.numpy(), atol=1e-6)
    # node states too: each bank's side by side
    with torch.no_grad():
        first = one(graph)
    assert states[0].shape == (graph.num_nodes, 3 * 16)
    np.testing.assert_allclose(states[0][:, :16], first.numpy(), atol=1e-6)
    with pytest.raises(ParamError, match="code_banks"):
        EncoderConfig(backbone="dag", code_banks=2)
    with pytest.raises(ParamError, match="code_banks"):
        EncoderConfig(backbone="dag", input_codes=8, code_banks=0)


def test_the_read_out_centre_is_the_mean_read_out_and_embeddings_subtract_it():
    config = EncoderConfig(backbone="dag", hidden=16, layers=1, pool="po_mean", input_codes=8,
                           code_banks=2)
    torch.manual_seed(0)
    encoder = build_encoder(config).eval()
    graphs = [to_pyg(_and_with_one_inverted(k)) for k in range(3)]
    with torch.no_grad():
        raw = [encoder.embed(g)[0] for g in graphs]
        assert encoder.fit_readout_centre(graphs) == 3
        # the mean over the graphs and over both banks
        per_bank = torch.stack(raw).view(3, 2, -1)
        torch.testing.assert_close(encoder.readout_centre, per_bank.mean(dim=(0, 1)))
        centred = torch.stack([encoder.embed(g)[0] for g in graphs])
        torch.testing.assert_close(centred, torch.stack(raw) - encoder.readout_centre.repeat(2))
        # a sequence is sampled evenly, an iterable (a stream) from its start
        assert encoder.fit_readout_centre(graphs, limit=2) == 2
        torch.testing.assert_close(encoder.readout_centre, per_bank[[0, 2]].mean(dim=(0, 1)))
        assert encoder.fit_readout_centre(iter(graphs), limit=2) == 2
        torch.testing.assert_close(encoder.readout_centre, per_bank[[0, 1]].mean(dim=(0, 1)))
    # the centre travels with the weights; a state without one loads zeros
    state = encoder.state_dict()
    other = build_encoder(config)
    other.load_state_dict(state)
    torch.testing.assert_close(other.readout_centre, encoder.readout_centre)
    del state["readout_centre"]
    other.load_state_dict(state)
    assert not other.readout_centre.any()
    with pytest.raises(CircuitlabError, match="no graph"):
        encoder.fit_readout_centre([])


@pytest.mark.parametrize("width", [0, MAX_INPUT_CODES + 1])
def test_a_width_out_of_range_is_refused(width):
    with pytest.raises(ValueError, match="1 to 64"):
        input_codes(torch.arange(3), width)
    with pytest.raises(ParamError, match="input_codes"):
        EncoderConfig(input_codes=width if width else -1)


def _and_with_one_inverted(inverted: int):
    """``x0 & ~x1`` (``inverted`` 1) or ``~x0 & x1`` (0): mirror images of one graph."""
    b = AigBuilder()
    xs = b.add_inputs(2)
    b.add_output(b.and_(xs[0] ^ (inverted == 0), xs[1] ^ (inverted == 1)))
    return b.build()


def test_input_positions_count_inputs_then_latch_outputs():
    b = AigBuilder()
    x = b.add_inputs(2)
    q = b.add_latch()
    b.set_latch_next(q, b.and_(x[0], q))
    b.add_output(b.and_(x[1], q ^ 1))
    graph = to_pyg(b.build())
    pi = graph.node_type == int(NodeType.PI)
    assert graph.input_pos[pi].tolist() == [0, 1, 2]
    assert (graph.input_pos[~pi] == -1).all()
    batch = Batch.from_data_list([graph, graph])
    assert batch.input_pos.tolist() == graph.input_pos.tolist() * 2


@pytest.mark.parametrize("backbone", ["dag", "deepgcn"])
def test_codes_tell_mirrored_inputs_apart(backbone):
    graphs = [to_pyg(_and_with_one_inverted(k)) for k in (0, 1)]
    config = dict(backbone=backbone, hidden=16, layers=2, pool="po_mean")
    for codes in (0, 16):
        torch.manual_seed(0)
        encoder = build_encoder(EncoderConfig(**config, input_codes=codes)).eval()
        with torch.no_grad():
            emb = [encoder.pool(encoder(g), g) for g in graphs]
        # without codes the two graphs are isomorphic, so no encoder can tell them apart
        assert torch.allclose(emb[0], emb[1], atol=1e-6) == (codes == 0)


def test_a_batch_gives_each_graph_its_own_states():
    graphs = [to_pyg(_and_with_one_inverted(k)) for k in (0, 1)]
    torch.manual_seed(0)
    encoder = build_encoder(EncoderConfig(backbone="dag", hidden=16, layers=1,
                                          input_codes=32)).eval()
    with torch.no_grad():
        batched = encoder(Batch.from_data_list(graphs))
        alone = torch.cat([encoder(g) for g in graphs])
    np.testing.assert_allclose(batched.numpy(), alone.numpy(), atol=1e-6)


def test_graphs_without_positions_are_refused():
    graph = to_pyg(_and_with_one_inverted(0))
    del graph.input_pos
    encoder = build_encoder(EncoderConfig(backbone="dag", hidden=8, layers=1, input_codes=8))
    with pytest.raises(CircuitlabError, match="input_pos"):
        encoder(graph)
