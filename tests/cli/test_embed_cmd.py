"""circuitlab embed: Verilog files -> LLM tokens [F, M, D] and vectors [F, D]."""

import numpy as np
import pytest

from circuitlab.cli import main
from circuitlab.pipeline import DEFAULT_DESIGNS


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(tmp_path / "cache"))


def test_embed_writes_tokens_and_a_vector_per_file(tmp_path, capsys):
    files = [str(DEFAULT_DESIGNS / f"{n}.v") for n in ("mux8", "maj5", "mux8")]
    out = tmp_path / "e.npz"
    assert main(["embed", *files, "-o", str(out), "--tokens", "4"]) == 0
    saved = np.load(out)
    assert saved["tokens"].shape == (3, 4, 384) and saved["vectors"].shape == (3, 384)
    assert list(saved["files"]) == files
    np.testing.assert_array_equal(saved["tokens"][0], saved["tokens"][2])
    assert not np.allclose(saved["vectors"][0], saved["vectors"][1])
    np.testing.assert_allclose(np.linalg.norm(saved["vectors"], axis=1), 1.0, rtol=1e-5)
    assert "3 files, tokens [3, 4, 384]" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["MISSING.v", "-o", "OUT.npz"], "MISSING.v: no such file"),
    (["MUX", "-o", "OUT.npy"], "-o OUT.npy: must end in .npz"),
    (["MUX", "-o", "OUT.npz", "--tokens", "0"], "--tokens must be at least 1 (got 0)"),
])
def test_a_mistake_is_one_line(tmp_path, capsys, argv, message):
    sub = {"MUX": str(DEFAULT_DESIGNS / "mux8.v"), "MISSING.v": str(tmp_path / "MISSING.v"),
           "OUT.npz": str(tmp_path / "OUT.npz"), "OUT.npy": str(tmp_path / "OUT.npy")}
    argv = [sub.get(a, a) for a in argv]
    assert main(["embed", *argv]) == 2
    for key in ("MISSING.v", "OUT.npy"):
        message = message.replace(key, sub[key])
    assert capsys.readouterr().err == f"circuitlab embed: error: {message}\n"
    assert not (tmp_path / "OUT.npz").exists() and not (tmp_path / "OUT.npy").exists()


@pytest.mark.parametrize("content, message", [
    (b"", "empty file, not Verilog text"),
    (b"  \n\t\n", "empty file, not Verilog text"),
    (b"aig 3 2 0 1 1\n6\n\x02\x04", "binary data, not Verilog text"),
    (bytes(range(256)) * 8, "binary data, not Verilog text"),
])
def test_what_is_not_verilog_text_is_refused(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.v"
    bad.write_bytes(content)
    out = tmp_path / "e.npz"
    assert main(["embed", str(DEFAULT_DESIGNS / "mux8.v"), str(bad), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"circuitlab embed: error: {bad}: {message}\n"
    assert not out.exists()


def test_tokens_beyond_the_bound_are_refused(tmp_path, capsys):
    out = tmp_path / "e.npz"
    assert main(["embed", str(DEFAULT_DESIGNS / "mux8.v"), "-o", str(out),
                 "--tokens", "100000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("circuitlab embed: error: --tokens must be at most 1024 (got 100000)")
    assert err.count("\n") == 1 and not out.exists()


def test_a_bar_on_a_terminal_counts_windows(tmp_path, capsys, monkeypatch):
    import circuitlab.progress as progress
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    out = tmp_path / "e.npz"
    assert main(["embed", str(DEFAULT_DESIGNS / "mux8.v"), "-o", str(out), "--no-cache"]) == 0
    assert "embed" in capsys.readouterr().err and out.exists()
    assert main(["embed", str(DEFAULT_DESIGNS / "mux8.v"), "-o", str(out), "--no-cache",
                 "--no-progress"]) == 0
    assert capsys.readouterr().err == ""
