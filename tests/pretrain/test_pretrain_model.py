import pytest
import torch
from torch_geometric.data import Batch

from circuitlab.data import NodeType
from circuitlab.errors import CircuitlabError
from circuitlab.nn import MASK_TYPE, EncoderConfig
from circuitlab.pretrain import PretrainConfig, PretrainModel, random_node_mask
from circuitlab.pretrain.model import batch_index, masked_types
from pretrain_graphs import tiny_graphs

D = 16


def make(method: str, encoding: str = "not_nodes", **kw) -> tuple[PretrainModel, Batch]:
    torch.manual_seed(0)
    cfg = PretrainConfig(encoder=EncoderConfig(hidden=32, layers=3, encoding=encoding),
                         method=method, text_dim=D, text_tokens=3, cross_heads=4, **kw)
    graphs = tiny_graphs(6, seed=1, text_dim=D, text_tokens=3, encoding=encoding)
    return PretrainModel(cfg).eval(), Batch.from_data_list(graphs)


def masked_gate(batch, mask) -> int:
    """A masked AND or NOT node with a fan-out (so its type reaches other nodes)."""
    gate = (batch.node_type == NodeType.AND) | (batch.node_type == NodeType.NOT)
    return int(torch.nonzero(mask & gate & (batch.fanout > 0))[0])


def with_type(batch, node: int, new_type: int):
    other = batch.clone()
    other.node_type = batch.node_type.clone()
    other.node_type[node] = new_type
    return other


@pytest.mark.parametrize("encoding", ["not_nodes", "edge_attr"])
def test_mgm_decoder_never_sees_a_masked_nodes_own_type(encoding):
    model, batch = make("mgm", encoding)
    index, size = batch_index(batch)
    mask = random_node_mask(index, size, 0.3, torch.Generator().manual_seed(3))
    v = masked_gate(batch, mask)
    with torch.no_grad():
        latents = model.encoder(batch)
        dec_in, dec_out = model.mgm_decode(batch, mask)
        for new_type in (NodeType.PI, NodeType.PO, NodeType.CONST):
            changed = with_type(batch, v, new_type)
            latents2 = model.encoder(changed)
            dec_in2, dec_out2 = model.mgm_decode(changed, mask)
            # the change is seen somewhere: the encoder latents of v's fan-out move ...
            assert not torch.equal(latents, latents2)
            # ... but not in the decoder's input at the masked nodes, nor its output at v
            assert torch.equal(dec_in[mask], dec_in2[mask])
            assert torch.equal(dec_in[mask], model.mask_latent.expand(int(mask.sum()), -1))
            assert torch.equal(dec_out[v], dec_out2[v])


@pytest.mark.parametrize("method", ["vga", "graphmae"])
def test_input_masking_hides_the_true_type_of_every_masked_node(method):
    model, batch = make(method)
    index, size = batch_index(batch)
    mask = random_node_mask(index, size, 0.5, torch.Generator().manual_seed(4))
    v = masked_gate(batch, mask)
    decode = getattr(model, f"{method}_decode")
    with torch.no_grad():
        dec_in, dec_out = decode(batch, mask)
        unmasked_states = model.encoder(batch)
        changed = with_type(batch, v, NodeType.PI)
        dec_in2, dec_out2 = decode(changed, mask)
        # unmasked, the same change would move the states of v's fan-out cone
        assert not torch.equal(unmasked_states, model.encoder(changed))
    assert torch.equal(masked_types(batch, mask)[mask], torch.full((int(mask.sum()),), MASK_TYPE))
    assert torch.equal(dec_in, dec_in2)
    assert torch.equal(dec_out, dec_out2)


def test_vga_decoder_reads_the_text_tokens():
    model, batch = make("vga")
    index, size = batch_index(batch)
    mask = random_node_mask(index, size, 0.5, torch.Generator().manual_seed(4))
    other = batch.clone()
    other.text_tokens = batch.text_tokens.clone()
    other.text_tokens[0] += 1.0  # the first graph's tokens only
    with torch.no_grad():
        _, out = model.vga_decode(batch, mask)
        _, out2 = model.vga_decode(other, mask)
    first = index == 0
    assert not torch.allclose(out[first], out2[first])
    assert torch.equal(out[~first], out2[~first])  # each graph attends to its own tokens


def test_vga_without_tokens_is_one_clear_error():
    model, batch = make("vga")
    del batch.text_tokens
    with pytest.raises(CircuitlabError, match=r"text_tokens of shape \[1, M=3, D=16\]"):
        model(batch, torch.Generator().manual_seed(0))


@pytest.mark.parametrize("method", ["mgm", "vga", "mgm+vga", "graphmae"])
def test_training_lowers_the_loss_and_beats_the_majority_class(method):
    torch.manual_seed(0)
    cfg = PretrainConfig(encoder=EncoderConfig(hidden=32, layers=2), method=method, text_dim=D,
                         text_tokens=1, cross_heads=4, cross_layers=1)
    model = PretrainModel(cfg)
    batch = Batch.from_data_list(tiny_graphs(10, seed=2, text_dim=D))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    gen = torch.Generator().manual_seed(0)
    losses = []
    for _ in range(50):
        loss, _ = model(batch, gen)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert sum(losses[-5:]) < 0.7 * sum(losses[:5])
    model.eval()
    index, size = batch_index(batch)
    for part in method.split("+"):
        mask = random_node_mask(index, size, getattr(cfg, f"{part}_mask_ratio"),
                                torch.Generator().manual_seed(99))
        with torch.no_grad():
            _, decoded = getattr(model, f"{part}_decode")(batch, mask)
            heads = getattr(model, "mae_heads" if part == "graphmae" else f"{part}_heads")
            logits, _ = heads(decoded)
        target = batch.node_type[mask]
        accuracy = (logits[mask].argmax(-1) == target).float().mean().item()
        majority = torch.bincount(target).max().item() / target.numel()
        assert accuracy > majority + 0.1, (part, accuracy, majority)
