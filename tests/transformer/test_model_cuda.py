"""The circuit transformer on a CUDA device: the CPU's logits, and a bf16 training step."""

import pytest
import torch

from test_model import V, decode_all, make_batch, make_model

pytestmark = pytest.mark.gpu
ATOL = 1e-4


def test_cuda_forward_and_cached_decoding_equal_the_cpu():
    batch = make_batch()
    cpu = make_model()(*batch)
    model = make_model().cuda()
    on_gpu = [t.cuda() for t in batch]
    with torch.no_grad():
        full = model(*on_gpu)
        stepped = decode_all(model, *on_gpu)
    assert full.device.type == "cuda"
    torch.testing.assert_close(full.cpu(), cpu.detach(), atol=ATOL, rtol=ATOL)
    torch.testing.assert_close(stepped.cpu(), cpu.detach(), atol=ATOL, rtol=ATOL)


def test_a_bf16_autocast_training_step_on_cuda():
    model = make_model().cuda().train()
    batch = [t.cuda() for t in make_batch()]
    tgt = batch[2]

    def loss_of(logits):
        return torch.nn.functional.cross_entropy(logits.float().reshape(-1, V),
                                                 tgt.reshape(-1), ignore_index=0)

    full = loss_of(model(*batch))
    with torch.autocast("cuda", dtype=torch.bfloat16):
        logits = model(*batch)
    loss = loss_of(logits)
    assert torch.isfinite(loss) and abs(loss.item() - full.item()) <= 0.05 * full.item()
    loss.backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
