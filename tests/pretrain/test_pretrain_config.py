import json

import pytest

from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.nn import EncoderConfig
from circuitlab.pretrain import PretrainConfig


def test_toml_and_json_give_the_same_config(tmp_path):
    (tmp_path / "a.toml").write_text('method = "mgm"\nlr = 3e-4\n[encoder]\nhidden = 32\n')
    (tmp_path / "a.json").write_text(json.dumps({"method": "mgm", "lr": 3e-4,
                                                 "encoder": {"hidden": 32}}))
    a, b = PretrainConfig.load(tmp_path / "a.toml"), PretrainConfig.load(tmp_path / "a.json")
    assert a == b == PretrainConfig(method="mgm", lr=3e-4, encoder=EncoderConfig(hidden=32))


@pytest.mark.parametrize("text, message", [
    ('methd = "mgm"\n', "a.toml: methd is not a key of the pre-training config"),
    ('[encoder]\nhiden = 3\n', "a.toml: encoder.hiden is not a key of the encoder config"),
    ('mgm_mask_ratio = 1.5\n', "a.toml: mgm_mask_ratio must be a number in (0, 1), got 1.5"),
    ('steps = \n', "a.toml: "),
])
def test_a_bad_file_is_one_line_naming_it(tmp_path, text, message):
    (tmp_path / "a.toml").write_text(text)
    with pytest.raises(CircuitlabError) as err:
        PretrainConfig.load(tmp_path / "a.toml")
    assert str(err.value).startswith(str(tmp_path / message))
    assert "\n" not in str(err.value)


def test_overrides_are_typed_and_checked():
    cfg = PretrainConfig().with_overrides(["--lr", "2e-3", "--steps=7", "--encoder.hidden", "16",
                                           "--bf16", "false", "--node-budget", "100"])
    assert (cfg.lr, cfg.steps, cfg.encoder.hidden, cfg.bf16, cfg.node_budget) == \
        (2e-3, 7, 16, False, 100)
    for args, message in [(["--lerning-rate", "1"], "--lerning-rate is not a key"),
                          (["--steps", "many"], "--steps must be int, got 'many'"),
                          (["--steps", "0"], "--steps must be >= 1, got 0"),
                          (["--encoder.layers", "0"], "--encoder.layers must be >= 1"),
                          (["--encoder.depth", "3"], "--encoder.depth is not a key"),
                          (["--steps"], "--steps needs a value"),
                          (["steps", "3"], "steps is not an option")]:
        with pytest.raises(ParamError, match=message):
            PretrainConfig().with_overrides(args)


def test_masked_pretraining_refuses_a_bidirectional_encoder():
    with pytest.raises(ParamError, match="encoder.bidirectional must be false"):
        PretrainConfig(encoder=EncoderConfig(bidirectional=True))


def test_round_trip_through_a_dict():
    cfg = PretrainConfig(method="graphmae", encoder=EncoderConfig(backbone="sage", layers=2))
    assert PretrainConfig.from_dict(cfg.to_dict()) == cfg
