import pytest

from circuitlab.errors import ParamError
from circuitlab.nn import EncoderConfig


def test_defaults_are_mgvga_s():
    c = EncoderConfig()
    assert (c.backbone, c.hidden, c.layers, c.dropout, c.encoding, c.bidirectional) == \
        ("deepgcn", 64, 7, 0.0, "not_nodes", False)


@pytest.mark.parametrize("field,value", [
    ("backbone", "gcn"), ("hidden", 0), ("hidden", 8.0), ("layers", True), ("layers", -1),
    ("dropout", 1.0), ("dropout", -0.1), ("dropout", True), ("encoding", "onehot"),
    ("bidirectional", 1), ("pool", "sum"),
])
def test_bad_values_name_the_field(field, value):
    with pytest.raises(ParamError) as err:
        EncoderConfig(**{field: value})
    assert err.value.field == field


def test_is_frozen():
    with pytest.raises(AttributeError):
        EncoderConfig().hidden = 8


def test_dict_round_trip():
    c = EncoderConfig(backbone="gin", hidden=32, layers=3, dropout=0.1, encoding="edge_attr",
                      bidirectional=True, pool="po_mean")
    assert EncoderConfig.from_dict(c.to_dict()) == c
    with pytest.raises(ParamError, match="heads"):
        EncoderConfig.from_dict({**c.to_dict(), "heads": 4})
