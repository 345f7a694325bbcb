"""The edges of the commands: outputs, checkpoints and devices checked before the work,
an unwritable cache, unreadable text, words a user reads."""

from __future__ import annotations

import pytest

from circuitlab.aig import FALSE, AigBuilder
from circuitlab.cli import main
from circuitlab.io.formats import read_circuit, write_circuit


def _no_work(*args, **kwargs):
    raise AssertionError("work started before the inputs were checked")


@pytest.fixture
def wide(tmp_path):
    """17 inputs: one more than a truth table holds."""
    b = AigBuilder()
    xs = b.add_inputs(17)
    acc = xs[0]
    for x in xs[1:]:
        acc = b.and_(acc, x)
    b.add_output(acc)
    path = tmp_path / "wide.aig"
    write_circuit(b.build(), path)
    return path


@pytest.fixture
def sequential(tmp_path):
    """A latch that resets to 1: bench flip-flops reset to 0."""
    b = AigBuilder()
    x = b.add_input("x")
    q = b.add_latch("q", init=1)
    b.set_latch_next(q, b.xor(x, q))
    b.add_output(q, "y")
    path = tmp_path / "seq.aag"
    write_circuit(b.build(), path)
    return path


@pytest.mark.parametrize("circuit, out, message", [
    ("wide", "x.truth", "truth tables are written for at most 16 inputs; the circuit has 17"),
    ("sequential", "x.bench", "bench flip-flops reset to 0"),
])
def test_optimize_refuses_an_output_format_before_the_work(
        request, tmp_path, capsys, monkeypatch, circuit, out, message):
    monkeypatch.setattr("circuitlab.optimize.model.load_optimize_model", _no_work)
    monkeypatch.setattr("circuitlab.optimize.optimize_windows", _no_work)
    path = request.getfixturevalue(circuit)
    assert main(["optimize", str(path), "-o", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err
    assert err == f"circuitlab optimize: error: -o {tmp_path / out}: " + err.split(": ", 3)[3]
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / out).exists()


@pytest.mark.parametrize("device, why", [
    ("mps", "no MPS device is available"), ("xpu", "no XPU device is available"),
    ("meta", "not a device models run on (auto, cpu, cuda, cuda:N, mps, xpu)")])
def test_optimize_names_the_device_not_the_checkpoint(tmp_path, capsys, monkeypatch, wide,
                                                      device, why):
    import torch
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    if hasattr(torch, "xpu"):
        monkeypatch.setattr(torch.xpu, "is_available", lambda: False)
    monkeypatch.setattr("circuitlab.optimize.model.load_optimize_model", _no_work)
    assert main(["optimize", str(wide), "-o", str(tmp_path / "o.aig"), "--device", device]) == 2
    assert capsys.readouterr().err == f"circuitlab optimize: error: --device {device}: {why}\n"


def test_pipeline_checks_its_checkpoint_before_the_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("circuitlab.pipeline.run_pipeline", _no_work)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "run"
    assert main(["pipeline", "--checkpoint", str(garbage), "--out", str(out),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"circuitlab pipeline: error: {garbage}: not a circuitlab checkpoint")
    assert err.count("\n") == 1 and not out.exists()


def test_experiment_run_refuses_a_results_folder_before_any_cell(tmp_path, capsys,
                                                                 monkeypatch):
    monkeypatch.setattr("circuitlab.protocol.run_experiment", _no_work)
    config = tmp_path / "exp.toml"
    config.write_text('seeds = [0, 1, 2]\n[designs]\ntrain = ["maj5", "mux8"]\n'
                      'test = ["dec3to8"]\n[[encoders]]\nname = "random"\n'
                      'kind = "random"\n[tasks.qor]\n')
    assert main(["experiment", "run", str(config), "--results", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"circuitlab experiment: error: --results {tmp_path}: "
                                       "is a folder; give a file name\n")


def test_experiment_run_threads_are_checked_by_run_options(tmp_path, capsys):
    assert main(["experiment", "run", str(tmp_path / "x.toml"), "--threads", "0"]) == 2
    assert capsys.readouterr().err == \
        "circuitlab experiment: error: --threads must be >= 1, got 0\n"


def test_experiment_report_on_bytes_that_are_not_utf8(tmp_path, capsys):
    bad = tmp_path / "r.jsonl"
    bad.write_bytes(b'{"a": 1}\n\xff\xfe\n')
    assert main(["experiment", "report", str(bad), "-o", str(tmp_path / "rep")]) == 2
    assert capsys.readouterr().err == \
        f"circuitlab experiment: error: {bad}:2: not UTF-8 text, not a results file\n"
    assert not (tmp_path / "rep" / "report.md").exists()


def test_an_unwritable_embedding_cache_warns_once_and_goes_on(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("CIRCUITLAB_CACHE", str(blocker / "cache"))
    designs = []
    for k in range(3):
        designs.append(tmp_path / f"d{k}.v")
        designs[-1].write_text(f"module d{k}(input a, output y); assign y = ~a; endmodule\n")
    out = tmp_path / "e.npz"
    assert main(["embed", *map(str, designs), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err == (f"circuitlab embed: warning: cannot write the embedding cache in "
                   f"{blocker / 'cache' / 'embeddings'} (Not a directory); going on without "
                   "it\n")
    assert out.is_file()


def test_a_folder_given_as_input_is_called_a_folder(tmp_path, capsys):
    for argv in (["stats", str(tmp_path)], ["encode", str(tmp_path), "-o", "x.npy"],
                 ["embed", str(tmp_path), "-o", "x.npz"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"{tmp_path}: is a folder, not a" in err and "no such" not in err, err


def test_output_to_dev_null_is_accepted(tmp_path, capsys, wide):
    assert main(["convert", str(wide), "/dev/null"]) == 0
    assert main(["opt", str(wide), "-o", "/dev/null", "--engine", "aigverse"]) == 0
    assert "wrote /dev/null" in capsys.readouterr().out
    assert read_circuit(wide).num_inputs == 17  # the input untouched


def test_opt_with_an_unknown_recipe_lists_scripts_and_steps(tmp_path, capsys, wide):
    assert main(["opt", str(wide), "-o", str(tmp_path / "o.aig"), "--recipe", "nosuch"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("circuitlab opt: error: --recipe 'nosuch' is no script or step; "
                          "scripts: compress2rs, resyn2; steps: rewrite, ")
    assert "recipe step" not in err


def test_help_does_not_limit_optimize_to_small_circuits(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    line = next(x for x in capsys.readouterr().out.splitlines() if "optimize" in x)
    assert "small" not in line and "<= 8" not in line


def test_pretrain_help_lists_every_key_with_its_default_and_out_as_required(capsys):
    from circuitlab.config import flat_items
    from circuitlab.pretrain import PretrainConfig
    with pytest.raises(SystemExit) as exc:
        main(["pretrain", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert exc.value.code == 0
    assert "[CONFIG] --out DIR" in text and "[--out DIR]" not in text
    shipped = PretrainConfig.load("pretrain_default")
    for key, value in flat_items(shipped):
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        option = text.split(f"--{key.replace('_', '-')} VALUE ", 1)[1]
        assert f"(default: {shown})" in option.split(" --", 1)[0], key
    assert "--steps VALUE optimiser steps of the run (default: 1200)" in text
    assert "--encoder.hidden VALUE width H of the node states (default: 64)" in text


def test_pretrain_without_a_config_runs_the_shipped_one(tmp_path, capsys):
    import random

    from circuitlab.pretrain import PretrainConfig, load_pretrain_checkpoint
    from circuitlab.pretrain.checkpoint import checkpoint_config
    rng = random.Random(1)
    graphs = tmp_path / "circuits"
    graphs.mkdir()
    for k in range(3):
        b = AigBuilder()
        pool = [FALSE] + b.add_inputs(4)
        for _ in range(8):
            pool.append(b.and_(rng.choice(pool) ^ rng.randint(0, 1), rng.choice(pool[-4:])))
        b.add_output(pool[-1])
        write_circuit(b.build(), graphs / f"c{k}.aig")
    out = tmp_path / "run"
    status = main(["pretrain", "--graphs", str(graphs), "--out", str(out), "--steps", "2",
                   "--method=mgm", "--encoder.layers", "2", "--progress", "false",
                   "--device", "cpu"])
    assert status == 0, capsys.readouterr().err
    config = checkpoint_config(load_pretrain_checkpoint(out / "checkpoint.pt"))
    expected = PretrainConfig.load("pretrain_default").with_overrides(
        ["--steps", "2", "--method", "mgm", "--encoder.layers", "2", "--progress", "false",
         "--device", "cpu"])
    assert config == expected


def test_pretrain_refuses_a_bad_key_value_before_writing(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["pretrain", "--out", str(out), "--encoder.hidden", "x"]) == 2
    assert capsys.readouterr().err == \
        "circuitlab pretrain: error: --encoder.hidden must be int, got 'x'\n"
    assert not out.exists()
