"""The pattern-value objective: targets equal the project's simulator, and the loss trains."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from torch_geometric.data import Batch

from circuitlab.data import NodeType, to_pyg
from circuitlab.errors import ParamError
from circuitlab.nn import EncoderConfig
from circuitlab.nn.input_codes import input_codes
from circuitlab.pretrain import PretrainConfig
from circuitlab.pretrain.model import PretrainModel
from circuitlab.pretrain.objective_sim import code_values
from circuitlab.sim import simulate_nodes
from strategies import random_aigs


def _expected(aig, width, bank=0):
    """Every variable's value under the code patterns, by the project's simulator."""
    codes = input_codes(torch.arange(aig.num_inputs + aig.num_latches), width, bank) > 0
    words = np.zeros((len(codes), 1), dtype=np.uint64)
    for j in range(width):
        words[:, 0] |= codes[:, j].numpy().astype(np.uint64) << np.uint64(j)
    values = simulate_nodes(aig, words)[:, 0]
    return np.array([[(int(v) >> j) & 1 for j in range(width)] for v in values], dtype=np.float32)


@pytest.mark.parametrize("encoding", ["not_nodes", "edge_attr"])
@settings(max_examples=30, deadline=None)
@given(aig=random_aigs(latches=True))
def test_targets_are_the_simulators_values(encoding, aig):
    aig = aig.cut_latches()
    width = 16
    graph = to_pyg(aig, encoding)
    found = code_values(graph, width).numpy()
    var = _expected(aig, width)
    np.testing.assert_array_equal(found[:aig.num_vars], var)
    # outputs (PO nodes) read their literal, complement included
    lits = aig.outputs
    want = var[lits >> 1]
    want[lits & 1 == 1] = 1 - want[lits & 1 == 1]
    np.testing.assert_array_equal(found[graph.po_node.numpy()], want)
    nots = (graph.node_type == int(NodeType.NOT)).numpy()
    complemented = bool((aig.ands & 1).any() or (lits & 1).any())
    assert nots.any() == (encoding == "not_nodes" and complemented)
    # the same in a batch, where each graph keeps its own input positions
    batch = Batch.from_data_list([graph, graph])
    np.testing.assert_array_equal(code_values(batch, width).numpy(), np.concatenate([found, found]))
    # each graph of a batch under its own bank of codes
    batch.code_bank = torch.tensor([0, 5])
    banked = code_values(batch, width).numpy()
    np.testing.assert_array_equal(banked[:graph.num_nodes], found)
    np.testing.assert_array_equal(banked[graph.num_nodes:][:aig.num_vars], _expected(aig, width, 5))


def test_sim_needs_input_codes():
    with pytest.raises(ParamError, match="input_codes"):
        PretrainConfig(method="sim", encoder=EncoderConfig(backbone="dag", layers=1))


def test_a_few_steps_lower_the_loss():
    from circuitlab.transformer.data.generate import random_circuit
    aig = random_circuit(5, 2, 30, np.random.default_rng(0))
    batch = Batch.from_data_list([to_pyg(aig)])
    torch.manual_seed(0)
    config = PretrainConfig(method="sim", encoder=EncoderConfig(
        backbone="dag", layers=1, hidden=32, input_codes=16, aggregate="min"))
    model = PretrainModel(config)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(0)
    first = None
    for _ in range(60):
        loss, metrics = model(batch, generator)
        first = float(loss.detach()) if first is None else first
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert float(loss.detach()) < 0.7 * first
    assert float(metrics["sim_acc"]) > 0.8


def test_random_code_banks_need_input_codes_and_train_reproducibly(tmp_path):
    from circuitlab.pretrain import pretrain
    from circuitlab.transformer.data.generate import random_circuit
    with pytest.raises(ParamError, match="random_code_banks"):
        PretrainConfig(method="mgm", random_code_banks=True,
                       encoder=EncoderConfig(backbone="dag", layers=1))
    graphs = [to_pyg(random_circuit(5, 2, 20, np.random.default_rng(k))) for k in range(4)]
    config = PretrainConfig(method="sim", random_code_banks=True, steps=4, node_budget=200,
                            device="cpu", progress=False, encoder=EncoderConfig(
                                backbone="dag", layers=1, hidden=16, input_codes=8,
                                aggregate="min"))
    runs = [pretrain(config, graphs, tmp_path / f"run{k}")["model"] for k in range(2)]
    fixed = pretrain(PretrainConfig(**{**config.__dict__, "random_code_banks": False}),
                     graphs, tmp_path / "fixed")["model"]
    a, b, c = (dict(m.named_parameters()) for m in (*runs, fixed))
    assert all(torch.equal(a[k], b[k]) for k in a)
    # the banks change what the inputs carry, so the updates differ from bank 0's
    assert not torch.equal(a["encoder.input_code.weight"], c["encoder.input_code.weight"])
    for graph in graphs:
        assert not hasattr(graph, "code_bank")
