import pytest
import torch

from circuitlab.errors import CircuitlabError
from circuitlab.training.checkpoint import FORMAT, check_same_config, load_checkpoint, loading, \
    save_checkpoint


class Foreign:
    """A pickled object of a class: torch.load with weights_only refuses it."""


def test_a_checkpoint_holds_its_tag_kind_config_and_state(tmp_path):
    path = tmp_path / "c.pt"
    save_checkpoint(path, "toy", {"width": 3, "inner": {"a": 1}},
                    {"model": {"w": torch.ones(2)}, "step": 4})
    state = load_checkpoint(path, "toy")
    assert state["format"] == FORMAT and state["kind"] == "toy" and state["step"] == 4
    assert state["config"] == {"width": 3, "inner": {"a": 1}}
    assert torch.equal(state["model"]["w"], torch.ones(2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.pt"]  # no temporary left


def test_state_may_not_shadow_the_envelope(tmp_path):
    with pytest.raises(ValueError, match="config"):
        save_checkpoint(tmp_path / "c.pt", "toy", {}, {"config": 1})
    assert not (tmp_path / "c.pt").exists()


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "{p}: no such checkpoint"),
    (lambda p: p.mkdir(), "{p}: is a folder, not a checkpoint"),
    (lambda p: p.write_bytes(b"junk"),
     "{p}: not a circuitlab checkpoint (not a file written by torch.save)"),
    (lambda p: p.write_bytes(b""),
     "{p}: not a circuitlab checkpoint (not a file written by torch.save)"),
    (lambda p: torch.save(Foreign(), p),
     "{p}: not a circuitlab checkpoint (not a file written by torch.save)"),
    (lambda p: torch.save({"weights": torch.zeros(2)}, p), "{p}: not a circuitlab toy checkpoint"),
    (lambda p: torch.save([1, 2], p), "{p}: not a circuitlab toy checkpoint"),
    (lambda p: save_checkpoint(p, "other", {}, {}),
     "{p}: not a circuitlab toy checkpoint (it holds a other model)"),
])
def test_a_bad_file_is_one_line_naming_it(tmp_path, make, message):
    path = tmp_path / "c.pt"
    make(path)
    with pytest.raises(CircuitlabError) as info:
        load_checkpoint(path, "toy")
    assert str(info.value) == message.format(p=path)


def test_an_older_layout_converts_on_load(tmp_path):
    path = tmp_path / "old.pt"
    torch.save({"old_config": {"width": 2}, "weights": torch.ones(1)}, path)

    def legacy(state):
        if "old_config" not in state:
            return None
        return {"format": FORMAT, "kind": "toy", "config": state["old_config"],
                "model": state["weights"]}

    state = load_checkpoint(path, "toy", legacy=legacy)
    assert state["config"] == {"width": 2} and torch.equal(state["model"], torch.ones(1))
    torch.save({"unknown": 1}, path)
    with pytest.raises(CircuitlabError, match="not a circuitlab toy checkpoint"):
        load_checkpoint(path, "toy", legacy=legacy)


def test_a_model_that_does_not_fit_is_one_line(tmp_path):
    with pytest.raises(CircuitlabError, match=r"^x.pt: the toy does not load \(Error\(s\) in loading "
                                              r"state_dict for Linear: size mismatch for weight"):
        with loading("x.pt", "the toy"):
            torch.nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(3, 3),
                                                  "bias": torch.zeros(2)})
    with pytest.raises(CircuitlabError, match=r"^x.pt: the toy does not load \('hidden'\)"):
        with loading("x.pt", "the toy"):
            {}["hidden"]


def test_resuming_under_another_config_is_refused_naming_the_keys():
    saved = {"lr": 0.1, "steps": 10, "encoder": {"hidden": 8, "layers": 2}}
    check_same_config("c.pt", saved, {**saved, "steps": 20}, ignore=("steps",))
    wanted = {"lr": 0.2, "steps": 20, "encoder": {"hidden": 16, "layers": 2}, "new": 1}
    with pytest.raises(CircuitlabError) as info:
        check_same_config("c.pt", saved, wanted, ignore=("steps",), hint="; start afresh")
    assert str(info.value) == ("c.pt: saved with a different configuration (differs in "
                               "encoder.hidden, lr, new); start afresh")
