import copy
import signal

import pytest
import torch

from circuitlab.training.loop import Every, optimizer_step, run_steps
from circuitlab.training.schedule import warmup_cosine


def _run(start, steps, model, opt, calls, stop_at=None, saved=None):
    x = torch.linspace(-1, 1, 16)[:, None]

    def train_step(step, gen):
        noise = torch.randn(16, 1, generator=gen)
        loss = ((model(x + 0.1 * torch.randn(16, 1)) - (2 * x + noise)) ** 2).mean()
        optimizer_step(opt, loss, model.parameters(), grad_clip=1.0)
        calls["lr"].append(opt.param_groups[0]["lr"])
        return {"loss": f"{loss.item():.3f}"}

    def on_checkpoint(step):
        calls["ckpt"].append(step)
        if saved is not None:
            saved.update(step=step, model={k: v.clone() for k, v in model.state_dict().items()},
                         opt=copy.deepcopy(opt.state_dict()))

    return run_steps(start, steps, opt, lambda s: 0.1 * warmup_cosine(s, 2, steps, 0.1), (3,),
                     train_step, Every(log=2, ckpt=3),
                     lambda step: calls["log"].append(step), on_checkpoint,
                     stop_at=stop_at, progress=False)


def _fresh():
    torch.manual_seed(0)
    model = torch.nn.Linear(1, 1)
    return model, torch.optim.AdamW(model.parameters(), lr=0.1)


def test_logs_checkpoints_and_the_schedule_fall_on_their_steps():
    model, opt = _fresh()
    calls = {"lr": [], "log": [], "ckpt": []}
    assert _run(0, 7, model, opt, calls) == 7
    assert calls["log"] == [2, 4, 6, 7] and calls["ckpt"] == [3, 6, 7]
    assert calls["lr"] == [0.1 * warmup_cosine(s, 2, 7, 0.1) for s in range(7)]


def test_a_run_stopped_and_resumed_repeats_the_straight_run():
    model, opt = _fresh()
    straight = {"lr": [], "log": [], "ckpt": []}
    _run(0, 7, model, opt, straight)
    model2, opt2 = _fresh()
    saved = {}
    first = {"lr": [], "log": [], "ckpt": []}
    assert _run(0, 7, model2, opt2, first, stop_at=5, saved=saved) == 5
    model3, opt3 = _fresh()
    model3.load_state_dict(saved["model"])
    opt3.load_state_dict(saved["opt"])
    rest = {"lr": [], "log": [], "ckpt": []}
    assert _run(saved["step"], 7, model3, opt3, rest) == 7
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(),
                                                 model3.state_dict().values()))
    assert rest["ckpt"] == [6, 7] and first["lr"][:3] + rest["lr"] == straight["lr"]


@pytest.fixture(autouse=True)
def python_ctrl_c():
    """Python's own Ctrl-C handler, even where the suite was started with SIGINT ignored."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _signalling(number, at_step, calls, again=None):
    """A train step that sends ``number`` to this process during step ``at_step``
    (and ``again`` right after it)."""
    import os

    def train_step(step, gen):
        calls["steps"].append(step)
        if step == at_step:
            os.kill(os.getpid(), number)
            if again is not None:
                os.kill(os.getpid(), again)
                calls["after"] = True  # not reached: the second signal raises here

    return train_step


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_ends_the_step_saves_it_and_raises(number, capsys):
    _, opt = _fresh()
    calls = {"steps": [], "ckpt": []}
    before = signal.getsignal(number)
    with pytest.raises(KeyboardInterrupt):
        run_steps(0, 10, opt, lambda s: 0.1, (0,), _signalling(number, 4, calls),
                  Every(log=100, ckpt=3), lambda s: None, calls["ckpt"].append,
                  progress=False)
    # step 4 (the fifth) finished, and its checkpoint follows step 3's
    assert calls["steps"] == [0, 1, 2, 3, 4] and calls["ckpt"] == [3, 5]
    assert "train: stopped after step 5; its checkpoint is saved" in capsys.readouterr().err
    assert signal.getsignal(number) == before


def test_a_second_ctrl_c_interrupts_at_once():
    _, opt = _fresh()
    calls = {"steps": [], "ckpt": []}
    with pytest.raises(KeyboardInterrupt):
        run_steps(0, 10, opt, lambda s: 0.1, (0,),
                  _signalling(signal.SIGTERM, 1, calls, again=signal.SIGINT),
                  Every(log=100, ckpt=3), lambda s: None, calls["ckpt"].append,
                  progress=False)
    assert calls["steps"] == [0, 1] and "after" not in calls and calls["ckpt"] == []


def test_without_graceful_stops_a_signal_acts_at_once():
    _, opt = _fresh()
    calls = {"steps": [], "ckpt": []}
    with pytest.raises(KeyboardInterrupt):
        run_steps(0, 10, opt, lambda s: 0.1, (0,), _signalling(signal.SIGINT, 1, calls),
                  Every(log=100, ckpt=3), lambda s: None, calls["ckpt"].append,
                  progress=False, graceful=False)
    assert calls["steps"] == [0, 1] and calls["ckpt"] == []


def test_an_ignored_signal_stays_ignored():
    _, opt = _fresh()
    calls = {"steps": [], "ckpt": []}
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the fixture restores the handler
    assert run_steps(0, 4, opt, lambda s: 0.1, (0,), _signalling(signal.SIGINT, 1, calls),
                     Every(log=100, ckpt=3), lambda s: None, calls["ckpt"].append,
                     progress=False) == 4
    assert calls["steps"] == [0, 1, 2, 3] and calls["ckpt"] == [3, 4]
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
