import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.llm import EmbedParams


@pytest.mark.parametrize("kwargs, option", [
    (dict(pooled_tokens=0), "pooled_tokens"),
    (dict(window=1), "window"),
    (dict(overlap=-1), "overlap"),
    (dict(batch_size=0), "batch_size"),
    (dict(pooling="max"), "pooling"),
    (dict(dtype="int8"), "dtype"),
    (dict(model="  "), "model"),
])
def test_bad_option_is_one_line_error_naming_it(kwargs, option):
    with pytest.raises(CircuitlabError) as err:
        EmbedParams(**kwargs)
    assert str(err.value).startswith(option) and "\n" not in str(err.value)


def test_defaults():
    p = EmbedParams()
    assert (p.model, p.pooled_tokens, p.pooling, p.normalize) == (None, 16, "mean", True)
