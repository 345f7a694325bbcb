import numpy as np

from circuitlab.llm import CachedEmbedder, EmbedParams, HashEmbedder, make_embedder


class Counting(HashEmbedder):
    """A hashing embedder that records which texts reached it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen.extend(texts)
        return super().embed(texts)


def test_second_call_does_not_run_the_backend(tmp_path):
    inner = Counting(dim=16, pooled_tokens=4)
    cached = CachedEmbedder(inner, tmp_path)
    first = cached.embed(["module a; endmodule", "module b; endmodule"])
    assert inner.seen == ["module a; endmodule", "module b; endmodule"]
    again = CachedEmbedder(Counting(dim=16, pooled_tokens=4), tmp_path)  # a new process, same disk
    second = again.embed(["module b; endmodule", "module a; endmodule"])
    assert again.inner.seen == [] and (again.hits, again.misses) == (2, 0)
    np.testing.assert_array_equal(second[0].tokens, first[1].tokens)
    np.testing.assert_array_equal(second[1].vector, first[0].vector)
    assert second[0].model_id == inner.model_id
    assert not list(tmp_path.rglob("*.part"))


def test_repeated_text_in_one_call_runs_once(tmp_path):
    inner = Counting(dim=8, pooled_tokens=2)
    out = CachedEmbedder(inner, tmp_path).embed(["x", "y", "x"])
    assert inner.seen == ["x", "y"]
    np.testing.assert_array_equal(out[0].tokens, out[2].tokens)


def test_key_depends_on_text_and_result_changing_params(tmp_path):
    keys = {CachedEmbedder(HashEmbedder(dim=8, pooled_tokens=m), tmp_path).key(t)
            for m in (1, 16) for t in ("a", "b")}
    assert len(keys) == 4
    inner = Counting(dim=8, pooled_tokens=1)
    CachedEmbedder(inner, tmp_path).embed(["a"])
    other = Counting(dim=8, pooled_tokens=16)
    assert CachedEmbedder(other, tmp_path).embed(["a"])[0].tokens.shape == (16, 8)
    assert other.seen == ["a"]


def test_corrupt_or_foreign_entry_is_recomputed(tmp_path):
    inner = Counting(dim=8, pooled_tokens=2)
    cached = CachedEmbedder(inner, tmp_path)
    good = cached.embed(["text"])[0]
    path = cached.path("text")
    for damage in (b"", b"not a zip file", path.read_bytes()[:40]):
        path.write_bytes(damage)
        inner.seen.clear()
        again = cached.embed(["text"])[0]
        assert inner.seen == ["text"]
        np.testing.assert_array_equal(again.vector, good.vector)
    # an intact entry written for another key is not trusted either
    other = CachedEmbedder(Counting(dim=8, pooled_tokens=2), tmp_path)
    other.embed(["other text"])
    path.write_bytes(other.path("other text").read_bytes())
    inner.seen.clear()
    np.testing.assert_array_equal(cached.embed(["text"])[0].vector, good.vector)
    assert inner.seen == ["text"]


def test_make_embedder_caches_under_circuitlab_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(tmp_path))
    embedder = make_embedder(EmbedParams())
    assert isinstance(embedder, CachedEmbedder)
    assert embedder.cache_dir == tmp_path / "embeddings"
    assert not isinstance(make_embedder(EmbedParams(use_cache=False)), CachedEmbedder)
    explicit = make_embedder(EmbedParams(cache_dir=str(tmp_path / "mine")))
    assert explicit.cache_dir == tmp_path / "mine"
