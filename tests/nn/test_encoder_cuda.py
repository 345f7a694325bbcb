"""The encoders on a CUDA device: the same states as on the CPU, and finite under bf16."""

import pytest
import torch

from circuitlab.data import ENCODINGS
from circuitlab.nn import ENCODERS, EncoderConfig, build_encoder
from encoder_inputs import batch_of, three_graphs

pytestmark = pytest.mark.gpu
EVERY = [(b, e) for b in ENCODERS for e in ENCODINGS]


@pytest.mark.parametrize("backbone,encoding", EVERY)
def test_cuda_states_equal_the_cpu_states(backbone, encoding):
    torch.manual_seed(0)
    enc = build_encoder(EncoderConfig(backbone=backbone, encoding=encoding, hidden=16,
                                      layers=3)).eval()
    batch = batch_of(three_graphs(encoding))
    with torch.no_grad():
        cpu = enc(batch)
        gpu = enc.cuda()(batch.cuda())
        pooled = enc.pool(gpu, batch.cuda())
    assert gpu.device.type == "cuda" and gpu.dtype == torch.float32
    torch.testing.assert_close(gpu.cpu(), cpu, atol=1e-4, rtol=1e-4)
    assert pooled.shape == (3, enc.pool_dim)


@pytest.mark.parametrize("backbone,encoding", EVERY)
def test_bf16_autocast_stays_near_float32(backbone, encoding):
    torch.manual_seed(0)
    enc = build_encoder(EncoderConfig(backbone=backbone, encoding=encoding, hidden=16,
                                      layers=3)).cuda().train()
    batch = batch_of(three_graphs(encoding)).cuda()
    full = enc(batch)
    with torch.autocast("cuda", dtype=torch.bfloat16):
        half = enc(batch)
    assert torch.isfinite(half).all()
    # bf16 keeps 8 bits of mantissa: a few per cent of the states' scale
    scale = full.abs().max().item()
    assert (half.float() - full).abs().max().item() <= 0.05 * scale + 1e-3
    half.float().pow(2).mean().backward()
    assert all(torch.isfinite(p.grad).all() for p in enc.parameters() if p.grad is not None)
