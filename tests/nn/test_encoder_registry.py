import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.nn import (ENCODERS, DAGEncoder, DeepGCNEncoder, EncoderConfig, GINEncoder,
                           SAGEEncoder,
                           build_encoder)


def test_backbone_names():
    assert ENCODERS == {"deepgcn": DeepGCNEncoder, "sage": SAGEEncoder, "gin": GINEncoder,
                        "dag": DAGEncoder}


def test_the_config_accepts_exactly_the_registered_backbones():
    from circuitlab.nn.encoder_config import BACKBONES
    assert set(BACKBONES) == set(ENCODERS)


@pytest.mark.parametrize("name", ["deepgcn", "sage", "gin"])
def test_build_encoder_makes_the_named_backbone(name):
    config = EncoderConfig(backbone=name, hidden=8, layers=2)
    enc = build_encoder(config)
    assert type(enc) is ENCODERS[name] and enc.config is config and len(enc.layers) == 2


def test_an_encoder_refuses_another_backbone_s_config():
    with pytest.raises(CircuitlabError, match="'gin'"):
        SAGEEncoder(EncoderConfig(backbone="gin"))
