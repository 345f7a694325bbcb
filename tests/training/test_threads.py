import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from circuitlab.errors import CircuitlabError
from circuitlab.training import threads
from circuitlab.training.threads import OMP_ENV, THREADS_ENV, thread_count, torch_threads, \
    uses_torch

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def machine(monkeypatch):
    """No thread variables set, outside the suite's one_thread block; ``machine(n)``
    pretends the process may run on n CPUs."""
    monkeypatch.setattr(threads, "_depth", 0)
    monkeypatch.delenv(THREADS_ENV, raising=False)
    monkeypatch.delenv(OMP_ENV, raising=False)
    return lambda n: monkeypatch.setattr(threads, "_cpus", lambda: n)


def test_one_thread_per_two_cpus_shared_between_processes(machine):
    machine(2)
    assert thread_count() == 1
    machine(16)
    assert thread_count() == 8 and thread_count(processes=4) == 2
    machine(1)
    assert thread_count() == 1 and thread_count(processes=8) == 1


def test_the_variables_override_the_machine(machine, monkeypatch):
    machine(16)
    monkeypatch.setenv(OMP_ENV, "3")
    assert thread_count() == 3
    monkeypatch.setenv(THREADS_ENV, "5")
    assert thread_count() == 5
    monkeypatch.setenv(THREADS_ENV, "two")
    with pytest.raises(CircuitlabError, match="^CIRCUITLAB_THREADS=two: must be a whole number"):
        thread_count()
    monkeypatch.setenv(THREADS_ENV, "0")
    with pytest.raises(CircuitlabError, match="CIRCUITLAB_THREADS=0"):
        thread_count()


def test_the_count_is_restored_even_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(KeyError):
        with torch_threads(3) as count:
            assert count == 3 and torch.get_num_threads() == 3
            raise KeyError("x")
    assert torch.get_num_threads() == before


def test_an_inner_default_keeps_the_enclosing_choice(machine):
    machine(16)
    with torch_threads(3):
        with torch_threads() as inner:
            assert inner == 3 == torch.get_num_threads()
        with torch_threads(2):
            assert torch.get_num_threads() == 2
        assert torch.get_num_threads() == 3
    with torch_threads() as alone:
        assert alone == 8 == torch.get_num_threads()


def test_uses_torch_runs_the_function_under_the_rule(machine):
    machine(6)
    before = torch.get_num_threads()

    @uses_torch
    def run(x):
        return x, torch.get_num_threads()

    assert run("a") == ("a", 3) and run.__name__ == "run"
    assert torch.get_num_threads() == before


def test_the_count_reaches_a_torch_loaded_inside_the_block():
    code = ("import os, sys\n"
            "from circuitlab.training.threads import torch_threads\n"
            "with torch_threads(1):\n"
            "    assert 'torch' not in sys.modules\n"
            "    import torch\n"
            "    print(torch.get_num_threads())\n"
            "print(os.environ.get('OMP_NUM_THREADS'))\n")
    env = {k: v for k, v in os.environ.items() if k not in (OMP_ENV, THREADS_ENV)}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert proc.stdout.split() == ["1", "None"], proc.stderr


@pytest.mark.parametrize("argv", [
    ["pretrain", "CONFIG.toml", "--out", "OUT"], ["encode", "a.aig", "-o", "OUT.npy"],
    ["similar", "a.aig", "b.aig"], ["embed", "a.v", "-o", "OUT.npz"],
    ["qor", "rank", "a.aig", "-o", "OUT.csv"], ["optimize", "a.aig", "-o", "OUT.aig"],
    ["pipeline", "--out", "OUT"]], ids=lambda a: a[0])
def test_every_torch_command_starts_under_the_rule(machine, monkeypatch, tmp_path, capsys, argv):
    from circuitlab.cli import main
    monkeypatch.setenv(THREADS_ENV, "many")
    argv = [str(tmp_path / a) if a.startswith("OUT") else a for a in argv]
    assert main(argv) == 2
    assert capsys.readouterr().err == (f"circuitlab {argv[0]}: error: CIRCUITLAB_THREADS=many: "
                                       "must be a whole number >= 1\n")
    assert list(tmp_path.iterdir()) == []
