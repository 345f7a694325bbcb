"""``circuitlab optimize``: a missing GPU and a foreign checkpoint are one-line errors."""

from __future__ import annotations

import pytest

from circuitlab.aig import AigBuilder
from circuitlab.cli import main
from circuitlab.io import write_aiger


@pytest.fixture
def small(tmp_path):
    b = AigBuilder()
    x, y = b.add_input("x"), b.add_input("y")
    b.add_output(b.xor(x, y), "f")
    path = tmp_path / "xor.aig"
    write_aiger(b.build(), path)
    return str(path)


def test_cuda_without_a_gpu(small, tmp_path, capsys, monkeypatch):
    import torch
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    out = tmp_path / "out.aig"
    assert main(["optimize", small, "-o", str(out), "--device", "cuda"]) == 2
    assert capsys.readouterr().err == \
        "circuitlab optimize: error: --device cuda: no CUDA device is available\n"
    assert not out.exists()


def test_unknown_device(small, tmp_path, capsys):
    assert main(["optimize", small, "-o", str(tmp_path / "o.aig"), "--device", "gpu0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("circuitlab optimize: error: --device gpu0: not a torch device")
    assert err.count("\n") == 1


@pytest.mark.parametrize("content", [b"not a checkpoint", bytes(range(256)) * 8, b""])
def test_foreign_checkpoint(small, tmp_path, capsys, content):
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(content)
    out = tmp_path / "out.aig"
    assert main(["optimize", small, "-o", str(out), "--checkpoint", str(garbage)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"circuitlab optimize: error: {garbage}: not a circuitlab checkpoint (")
    assert err.count("\n") == 1 and "weights_only" not in err
    assert not out.exists()


def test_checkpoint_of_something_else(small, tmp_path, capsys):
    import torch
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(2)}, other)
    assert main(["optimize", small, "-o", str(tmp_path / "o.aig"), "--checkpoint",
                 str(other)]) == 2
    err = capsys.readouterr().err
    assert err == f"circuitlab optimize: error: {other}: not a circuitlab transformer checkpoint\n"
