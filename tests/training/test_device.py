import pytest
import torch

from circuitlab.errors import ParamError
from circuitlab.training.device import resolve_device


def test_auto_is_cuda_when_there_is_one(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == torch.device("cpu")
    assert resolve_device("cpu") == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == torch.device("cuda")
    assert resolve_device("cuda:1") == torch.device("cuda", 1)


@pytest.mark.parametrize("name, message", [
    ("gpu0", "device gpu0: not a torch device"),
    ("meta", "device meta: not a device models run on"),
    ("cuda", "device cuda: no CUDA device is available"),
])
def test_a_bad_device_is_one_line_naming_the_field(monkeypatch, name, message):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ParamError) as info:
        resolve_device(name)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
    assert info.value.field == "device"
