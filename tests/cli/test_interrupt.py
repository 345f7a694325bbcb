"""Ctrl-C: every command leaves with one line and status 130, even inside aigverse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from circuitlab.aig import AigBuilder
from circuitlab.io import write_aiger


def random_aig(ands: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    b = AigBuilder()
    lits = b.add_inputs(64)
    for _ in range(ands):
        i, j = rng.integers(len(lits), size=2)
        lits.append(b.and_(lits[i] ^ int(rng.integers(2)), lits[j] ^ int(rng.integers(2))))
    for lit in lits[-200:]:
        b.add_output(lit)
    return b.build()


def default_sigint() -> None:
    """In the child before exec: SIGINT as at a terminal. A shell that starts the suite in
    the background (``cmd &`` without job control) passes SIGINT ignored, and Python keeps
    an ignored SIGINT ignored, as every program should."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(argv: list[str], after: float) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``circuitlab argv``, send SIGINT to its process group after ``after`` seconds."""
    proc = subprocess.Popen([sys.executable, "-m", "circuitlab", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, text=True,
                            preexec_fn=default_sigint)
    time.sleep(after)
    assert proc.poll() is None, "the command ended before the interrupt"
    sent = time.perf_counter()
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C at a terminal: the whole group
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), \
        time.perf_counter() - sent


@pytest.mark.slow
def test_ctrl_c_inside_aigverse_exits_130_quietly(tmp_path):
    write_aiger(random_aig(150_000), tmp_path / "big.aig")
    # 60 steps on 150k ANDs outlast the 6 s wait on any machine: the signal lands mid-recipe
    steps = "; ".join(["rewrite", "refactor", "balance"] * 20)
    done, seconds = interrupt(["opt", str(tmp_path / "big.aig"), "--engine", "aigverse",
                               "--steps", steps, "-o", str(tmp_path / "out.aig")], after=6)
    assert done.returncode == 130, done.stderr
    assert done.stderr == "circuitlab opt: interrupted\n"  # no abort, no leak report
    assert seconds < 3
    assert not (tmp_path / "out.aig").exists()


def test_an_interrupted_command_prints_one_line_and_returns_130(tmp_path, monkeypatch, capsys):
    import circuitlab.cli.stats_cmd as stats_cmd
    from circuitlab.cli import main

    def stop(args):
        raise KeyboardInterrupt

    original = stats_cmd.configure

    def configure(parser):
        original(parser)
        parser.set_defaults(func=stop)

    monkeypatch.setattr(stats_cmd, "configure", configure)
    assert main(["stats", str(tmp_path / "x.aig")]) == 130
    assert capsys.readouterr().err == "circuitlab stats: interrupted\n"


def test_sigterm_stops_pretraining_with_a_checkpoint_of_the_last_step(tmp_path):
    from circuitlab.io.formats import write_circuit
    from circuitlab.pretrain import load_pretrain_checkpoint

    circuits = tmp_path / "circuits"
    circuits.mkdir()
    for k in range(4):
        write_circuit(random_aig(40, seed=k), circuits / f"c{k}.aig")
    (tmp_path / "cfg.toml").write_text(
        'method = "mgm"\nnode_budget = 2000\nlog_interval = 1\nckpt_interval = 5\n'
        'steps = 1000000\nprogress = false\n[encoder]\nhidden = 8\nlayers = 1\n')
    run, ckpt = tmp_path / "run", tmp_path / "run" / "checkpoint.pt"
    argv = ["pretrain", str(tmp_path / "cfg.toml"), "--graphs", str(circuits), "--out", str(run)]
    proc = subprocess.Popen([sys.executable, "-m", "circuitlab", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    deadline = time.monotonic() + 120
    while not ckpt.exists():  # the first checkpoint: training is under way
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    step = load_pretrain_checkpoint(ckpt)["step"]
    assert f"pretrain: stopped after step {step}; its checkpoint is saved\n" in err
    assert err.endswith("circuitlab pretrain: interrupted\n")
    with open(run / "metrics.csv") as f:
        assert f.read().splitlines()[-1].split(",")[0] == str(step)
    done = subprocess.run([sys.executable, "-m", "circuitlab", *argv, "--resume", str(ckpt),
                           "--steps", str(step + 2)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{step + 2} steps on 4 graphs" in done.stdout
