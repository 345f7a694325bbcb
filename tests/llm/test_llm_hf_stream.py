"""HFEmbedder.embed pools each window as it comes: the same numbers as pooling the
stitched states, progress by window, a bounded M, and a hub name that cannot be
fetched fails at once."""

import time

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.llm import EmbedParams, HFEmbedder
from circuitlab.llm.pooling import MAX_POOLED_TOKENS, adaptive_pool, sentence_vector


@pytest.fixture(scope="module")
def embedder():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        yield HFEmbedder(EmbedParams(use_cache=False, batch_size=2)).load()


def long_verilog(n: int) -> str:
    lines = [f"  assign y{i} = (a{i} & b{i}) | (c{i} ^ d{i});" for i in range(n)]
    return "module wide(input a, output y);\n" + "\n".join(lines) + "\nendmodule\n"


def test_embed_equals_pooling_the_stitched_states(embedder):
    texts = [long_verilog(60), "", "module m; endmodule"]
    assert len(embedder.token_windows(texts[0])) >= 3
    seen = []
    embedder.progress = lambda done, total: seen.append((done, total))
    try:
        found = embedder.embed(texts)
    finally:
        embedder.progress = None
    for text, emb, states in zip(texts, found, embedder.token_states(texts)):
        np.testing.assert_allclose(emb.tokens, adaptive_pool(states, 16), atol=1e-5)
        np.testing.assert_allclose(emb.vector, sentence_vector(states, "mean", True), atol=1e-5)
    total = sum(len(embedder.token_windows(t)) for t in texts)
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_pooled_tokens_are_bounded():
    HFEmbedder(EmbedParams(pooled_tokens=MAX_POOLED_TOKENS))
    with pytest.raises(ParamError, match=f"must be at most {MAX_POOLED_TOKENS}") as err:
        HFEmbedder(EmbedParams(pooled_tokens=100_000))
    assert err.value.field == "pooled_tokens"


def test_a_hub_name_with_the_hub_unreachable_fails_at_once(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty Hugging Face cache
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(CircuitlabError) as err:
        HFEmbedder(EmbedParams(model="circuitlab-test/no-such-model")).load()
    assert str(err.value) == ("model circuitlab-test/no-such-model: no such folder, not in the "
                              "Hugging Face cache, and the hub (127.0.0.1) cannot be reached; "
                              "give model a local folder")
